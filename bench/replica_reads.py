"""Requests public and logged-in pages with a replica configured and prints which
database ran the queries (see bench/replica.sh, which sets DATABASE_REPLICA_URL)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mayoralforum.settings")
os.environ.setdefault("MAYORALFORUM_LOCAL", "1")
os.environ.setdefault("PLAIN_STATIC_STORAGE", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = ["/", "/commitments/", "/commitments/?status=in_progress", "/cities/",
         "/relocations/", "/api/commitments/"]  # fmt: skip


def replica_counters():
    with connections["replica"].cursor() as cursor:
        cursor.execute(
            "SELECT xact_commit + xact_rollback, tup_returned + tup_fetched "
            "FROM pg_stat_database WHERE datname = current_database()"
        )
        return cursor.fetchone()


def fetch(client, path):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(path, HTTP_HOST="127.0.0.1")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return response.status_code, len(primary), len(replica)


def main():
    assert "replica" in connections.settings, "set DATABASE_REPLICA_URL"
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        print("replica: in recovery {}, port {}".format(*cursor.fetchone()))
    print(f"{'page':40} {'who':10} {'status':>6} {'primary':>8} {'replica':>8}")
    anonymous = Client()
    before = replica_counters()
    for path in PAGES:
        print(f"{path:40} {'anonymous':10} %6d %8d %8d" % fetch(anonymous, path))
    after = replica_counters()
    print(
        f"replica pg_stat_database: {after[0] - before[0]} more transactions, "
        f"{after[1] - before[1]} more rows read during the anonymous requests"
    )
    user, _ = get_user_model().objects.get_or_create(username="replica-bench")
    logged_in = Client()
    logged_in.force_login(user)
    for path in PAGES[:2]:
        print(f"{path:40} {'logged in':10} %6d %8d %8d" % fetch(logged_in, path))
    user.delete()


if __name__ == "__main__":
    main()
