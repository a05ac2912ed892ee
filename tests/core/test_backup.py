"""A backup restores into a new, empty database with nothing lost: every table's rows,
the history, the public downloads byte for byte, and the uploaded PDFs, whether they
are kept in MEDIA_ROOT or in an S3 bucket."""

import contextlib
import hashlib
import os
import sqlite3
import subprocess

import boto3
import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from model_bakery import baker
from moto import mock_aws

from commitments import services
from commitments.models import Commitment, ProgressUpdate
from core.backup import BackupError, restore, table_counts
from forums.models import OutcomeDocument

DOWNLOADS = ["/commitments/", "/cities/", "/relocations/", "/outcomes/", "/forums/"]
PDF = b"%PDF-1.4\n% an outcome document\n" + bytes(range(256)) * 40


def _downloads_checksum(client):
    cache.clear()
    digest = hashlib.sha256()
    for path in DOWNLOADS:
        response = client.get(path, {"format": "csv"})
        assert response.status_code == 200
        digest.update(b"".join(response.streaming_content))
    return digest.hexdigest()


@contextlib.contextmanager
def _default_database_named(name):
    """Points the default connection at another database of the same server."""
    connection = connections["default"]
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


@contextlib.contextmanager
def _new_postgres_database(name):
    db = connections["default"].settings_dict
    params = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"],
              "password": db["PASSWORD"] or None, "dbname": "postgres",
              "autocommit": True}  # fmt: skip
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fill(barcelona, barcelona_staff, curator):
    call_command("generatedata", cities=15, commitments=300, agreements=30, seed=7, verbosity=0)
    document = baker.make(OutcomeDocument, title="Call of Barcelona", slug="call-of-barcelona")
    document.pdf.save("call-of-barcelona.pdf", ContentFile(PDF), save=True)
    draft = baker.make(Commitment, city=barcelona, title="Open a reception centre")
    services.submit_for_review(commitment=draft, user=barcelona_staff)
    services.publish(commitment=draft, user=curator)
    # An update's evidence PDF: public once its commitment is published, served by the
    # app (commitments/evidence.py), so a restore must bring back both the row and file.
    update = ProgressUpdate(commitment=draft, date="2025-01-10", text="Opened")
    update.evidence_file.save("centre-opened.pdf", ContentFile(PDF), save=True)
    return document, update


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_new_database_with_nothing_lost(
    client, tmp_path, barcelona, barcelona_staff, curator
):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        document, update = _fill(barcelona, barcelona_staff, curator)
        before = table_counts()
        downloads_before = _downloads_checksum(client)
        call_command("backup", str(tmp_path / "site.tar"), verbosity=0)

    restored_name = connections["default"].settings_dict["NAME"] + "_restored"
    restored_media = tmp_path / "restored-media"
    with _new_postgres_database(restored_name), _default_database_named(restored_name):
        with override_settings(MEDIA_ROOT=restored_media):
            call_command("restore", str(tmp_path / "site.tar"), verbosity=0)
            after = table_counts()
            downloads_after = _downloads_checksum(client)
            evidence = client.get(update.evidence_file.url)
            assert evidence.status_code == 200
            assert b"".join(evidence.streaming_content) == PDF
        with pytest.raises(BackupError, match="not empty"):
            restore(tmp_path / "site.tar", storage=FileSystemStorage(tmp_path / "elsewhere"))

    assert after == before
    history = {t: n for t, n in after.items() if "historical" in t}
    assert history["commitments_historicalcommitment"] >= 3 and len(history) >= 10
    assert before["commitments_commitment"] == 301
    assert downloads_after == downloads_before
    assert (restored_media / document.pdf.name).read_bytes() == PDF


def _s3_storage(bucket):
    """The site's uploads in ``bucket``, as settings.py sets them up for a named bucket."""
    s3 = {"BACKEND": "storages.backends.s3.S3Storage",
          "OPTIONS": {"bucket_name": bucket, "region_name": "us-east-1", "location": "media",
                      "default_acl": "private", "file_overwrite": False}}  # fmt: skip
    return override_settings(STORAGES={**settings.STORAGES, "default": s3})


def _bucket_contents(bucket):
    objects = boto3.resource("s3", region_name="us-east-1").Bucket(bucket).objects.all()
    return {o.key: o.get()["Body"].read() for o in objects}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_uploads_kept_in_s3_are_backed_up_and_restored_into_a_new_bucket(
    tmp_path, barcelona, barcelona_staff, curator
):
    with mock_aws():  # moto's S3, in this process
        s3 = boto3.client("s3", region_name="us-east-1")
        for bucket in ("mf-media", "mf-media-restored"):
            s3.create_bucket(Bucket=bucket)
        with _s3_storage("mf-media"):
            document, update = _fill(barcelona, barcelona_staff, curator)
            call_command("backup", str(tmp_path / "site.tar"), verbosity=0)
        uploaded = _bucket_contents("mf-media")
        assert set(uploaded) == {f"media/{document.pdf.name}",
                                 f"media/{update.evidence_file.name}"}  # fmt: skip

        restored_name = connections["default"].settings_dict["NAME"] + "_restored"
        with _new_postgres_database(restored_name), _default_database_named(restored_name):
            with _s3_storage("mf-media-restored"):
                call_command("restore", str(tmp_path / "site.tar"), verbosity=0)
                restored = OutcomeDocument.objects.get(slug="call-of-barcelona")
                with restored.pdf.open("rb") as pdf:
                    assert pdf.read() == PDF
            assert _bucket_contents("mf-media-restored") == uploaded

        # The bucket the site uses already holds them: a restore there would mix two sites.
        refused = pytest.raises(BackupError, match="s3://mf-media/media already holds files")
        new_database = _new_postgres_database(restored_name)
        with (
            new_database,
            _default_database_named(restored_name),
            _s3_storage("mf-media"),
            refused,
        ):
            restore(tmp_path / "site.tar")


def _sqlite_counts(path):
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]  # fmt: skip
        count = 'SELECT COUNT(*) FROM "{}"'.format
        return {table: db.execute(count(table)).fetchone()[0] for table in tables}


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_an_sqlite_backup_restores_into_a_new_database_file_with_nothing_lost(
    tmp_path, barcelona, barcelona_staff, curator
):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        document, update = _fill(barcelona, barcelona_staff, curator)
        before = table_counts()
        call_command("backup", str(tmp_path / "site.tar"), verbosity=0)

    # bin/restore in a fresh process, as an operator runs it, into a new database file.
    restored = tmp_path / "restored.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{restored}",
           "MEDIA_ROOT": str(tmp_path / "restored-media")}  # fmt: skip
    result = subprocess.run(
        [str(settings.BASE_DIR / "bin" / "restore"), str(tmp_path / "site.tar")],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "row counts match" in result.stdout

    after = _sqlite_counts(restored)
    assert after == before and after["commitments_historicalcommitment"] >= 3
    assert (tmp_path / "restored-media" / document.pdf.name).read_bytes() == PDF
    assert (tmp_path / "restored-media" / update.evidence_file.name).read_bytes() == PDF
