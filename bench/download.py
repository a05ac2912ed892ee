"""Times a full download through Django's full stack and reports rows/s and the peak
memory of the process (the worker's, in production).

    MAYORALFORUM_LOCAL=1 PAGE_CACHE_SECONDS=0 DATABASE_URL=postgres://.../mf_scale_1m \\
        .venv/bin/python bench/download.py "/commitments/?format=csv"

The body is read chunk by chunk and thrown away, as a client saving it to disk would.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mayoralforum.settings")
os.environ.setdefault("MAYORALFORUM_LOCAL", "1")
os.environ.setdefault("PLAIN_STATIC_STORAGE", "1")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--rows", type=int, default=0, help="stop after this many rows")
    args = parser.parse_args()
    client = Client()
    for url in args.urls:
        before = _rss_mb()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        assert response.status_code == 200 and response.streaming, response.status_code
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
            if args.rows and lines > args.rows:
                response.close()
                break
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        rows = lines - 1 if "csv" in url else lines - 2  # header; "[" and "]"
        print(
            f"{rows:>9,} rows  {seconds:6.1f} s  {rows / seconds:9,.0f} rows/s  "
            f"(CPU of this process {cpu:.1f} s: {rows / cpu:,.0f} rows per CPU-second)  "
            f"{size / 1e6:7.1f} MB  peak RSS {_rss_mb():5.0f} MB (before {before:.0f})  {url}"
        )


if __name__ == "__main__":
    main()
