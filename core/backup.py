"""Backups: the database and the uploaded files in one archive, and back again.

An archive is a tar file holding ``manifest.json`` (what it holds and the row count
of every table when it was made), ``database.pgdump`` (``pg_dump --format=custom``)
or ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the
site runs) and ``media/`` (the uploaded PDFs, from the site's file storage: MEDIA_ROOT,
or the S3 bucket when one is configured). A restore goes into an empty database and
an empty storage, and checks the row counts against the manifest.
"""

import json
import os
import posixpath
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage, default_storage
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


def _stored_files(storage: Storage, directory: str = "") -> list[str]:
    """The name of every file in ``storage`` (under ``directory``)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a MEDIA_ROOT that nothing was uploaded to yet
        return []
    names = [posixpath.join(directory, name) for name in files]
    for name in directories:
        names += _stored_files(storage, posixpath.join(directory, name))
    return sorted(names)


def _place(storage: Storage) -> str:
    bucket, location = getattr(storage, "bucket_name", None), getattr(storage, "location", "")
    return f"s3://{bucket}/{location}" if bucket else str(location)


def backup(destination, *, alias="default", storage=None):
    """Writes the archive to ``destination``; returns the manifest."""
    db = connections[alias].settings_dict
    storage = storage or default_storage
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
        files = _stored_files(storage)
        manifest["media"] = files
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = Path(f"{destination}.partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(work / "manifest.json", "manifest.json")
            archive.add(dump, dump.name)
            for name in files:
                with storage.open(name, "rb") as file:
                    member = tarfile.TarInfo(f"media/{name}")
                    member.size = file.size
                    member.mtime = int(time.time())
                    archive.addfile(member, file)
        partial.replace(destination)  # never a half-written archive under the real name
    return manifest


def _database_is_empty(alias):
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(source, *, alias="default", storage=None):
    """Restores the archive into the (empty) database ``alias`` and file storage.

    Returns the manifest; raises BackupError if a table's row count differs from it.
    """
    db = connections[alias].settings_dict
    vendor = connections[alias].vendor
    storage = storage or default_storage
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
        if _stored_files(storage):
            raise BackupError(f"{_place(storage)} already holds files: restore into an empty one.")
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
        media = work / "media"
        for path in sorted(p for p in media.rglob("*") if p.is_file()):
            name = path.relative_to(media).as_posix()
            with path.open("rb") as file:
                saved = storage.save(name, File(file))
            if saved != name:
                raise BackupError(f"{name} was stored as {saved}: restore into an empty storage.")
    counts = table_counts(alias)
    if counts != manifest["tables"]:
        differ = sorted(t for t in set(counts) | set(manifest["tables"])
                        if counts.get(t) != manifest["tables"].get(t))  # fmt: skip
        raise BackupError(f"Restored row counts differ from the backup's in: {', '.join(differ)}")
    return manifest
