"""Times public pages through Django's full stack (django.test.Client: every middleware,
the real database, templates) and prints the median of N requests per URL.

    MAYORALFORUM_LOCAL=1 DATABASE_URL=... .venv/bin/python bench/page_times.py \\
        --runs 20 "/commitments/?status=in_progress&region=europe" "/search/?q=housing"

Run it against a database filled by ``manage.py generatedata``. One warm-up request per
URL comes first (connections, template loading); the query count is of that request.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mayoralforum.settings")
os.environ.setdefault("MAYORALFORUM_LOCAL", "1")
# Serve static file names straight from the sources: no collectstatic needed.
os.environ.setdefault("PLAIN_STATIC_STORAGE", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


class QueryLog:
    """Counts (and with --explain, times) the SQL of one request. Django's own query
    log is reset when a request starts, so this wraps the cursor instead."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))


def measure(client, url, runs, explain=False):
    log = QueryLog()
    with connection.execute_wrapper(log):
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    if explain:
        for ms, sql in sorted(log.queries, reverse=True)[:5]:
            print(f"    {ms:8.1f} ms  {sql[:300]}")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, len(log.queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="show the slowest queries")
    args = parser.parse_args()
    client = Client()
    vendor = connection.vendor
    print(f"database: {vendor}, runs per URL: {args.runs}")
    for url in args.urls:
        timings, queries = measure(client, url, args.runs, args.explain)
        timings.sort()
        p90 = timings[min(len(timings) - 1, int(len(timings) * 0.9))]
        print(
            f"{statistics.median(timings):8.1f} ms median  {timings[0]:8.1f} min  "
            f"{p90:8.1f} p90  {queries:3d} queries  {url}"
        )


if __name__ == "__main__":
    main()
