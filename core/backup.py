"""Backups: the database and the uploaded files in one archive, and back again.

An archive is a tar file holding ``manifest.json`` (what it holds and the row count
of every table when it was made), ``database.pgdump`` (``pg_dump --format=custom``)
or ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the
site runs) and ``media/`` (the uploaded PDFs, under MEDIA_ROOT). A restore goes into
an empty database and media folder, and checks the row counts against the manifest.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    pass


def _pg_environment(db):
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def table_counts(alias="default"):
    """Rows of every table of the database, by table name."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _media_files(root):
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def backup(destination, *, alias="default", media_root=None):
    """Writes the archive to ``destination``; returns the manifest."""
    db = connections[alias].settings_dict
    media_root = Path(media_root or settings.MEDIA_ROOT)
    vendor = connections[alias].vendor
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": vendor,
            "tables": table_counts(alias),
        }
        if vendor == "postgresql":
            dump = work / "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={dump}", db["NAME"]], _pg_environment(db))  # fmt: skip
        elif vendor == "sqlite":
            dump = work / "database.sqlite3"
            connection = connections[alias]
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            raise BackupError(f"No backup for a {vendor} database.")
        files = _media_files(media_root)
        manifest["media"] = [str(p.relative_to(media_root)) for p in files]
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = Path(f"{destination}.partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(work / "manifest.json", "manifest.json")
            archive.add(dump, dump.name)
            for path in files:
                archive.add(path, f"media/{path.relative_to(media_root)}")
        partial.replace(destination)  # never a half-written archive under the real name
    return manifest


def _database_is_empty(alias):
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(source, *, alias="default", media_root=None):
    """Restores the archive into the (empty) database ``alias`` and media folder.

    Returns the manifest; raises BackupError if a table's row count differs from it.
    """
    db = connections[alias].settings_dict
    vendor = connections[alias].vendor
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work, tarfile.open(source) as archive:
        work = Path(work)
        archive.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("vendor") != vendor:
            raise BackupError(
                f"This archive holds a {manifest.get('vendor')} database; "
                f"the site's database is {vendor}."
            )
        if not _database_is_empty(alias):
            raise BackupError(
                f"The database {db['NAME']} is not empty: restore into a new, empty one."
            )
        if _media_files(media_root):
            raise BackupError(f"{media_root} already holds files: restore into an empty one.")
        if vendor == "postgresql":
            connections[alias].close()
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                  "--single-transaction", f"--dbname={db['NAME']}",
                  str(work / "database.pgdump")], _pg_environment(db))  # fmt: skip
        else:
            connection = connections[alias]
            connection.ensure_connection()
            source_db = sqlite3.connect(work / "database.sqlite3")
            try:
                source_db.backup(connection.connection)
            finally:
                source_db.close()
        if (work / "media").is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(work / "media", media_root, dirs_exist_ok=True)
    counts = table_counts(alias)
    if counts != manifest["tables"]:
        differ = sorted(t for t in set(counts) | set(manifest["tables"])
                        if counts.get(t) != manifest["tables"].get(t))  # fmt: skip
        raise BackupError(f"Restored row counts differ from the backup's in: {', '.join(differ)}")
    return manifest
