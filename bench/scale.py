# ruff: noqa: S603, S607, S608  (a benchmark running local tools with its own arguments)
"""Cost of the public pages at 10k, 100k and 1M commitments, and throughput under load.

    .venv/bin/python bench/scale.py                 # build if needed, time, load
    .venv/bin/python bench/scale.py --no-load       # the page table only
    .venv/bin/python bench/scale.py --sizes 10k     # one size

1. Builds a PostgreSQL database per size with ``manage.py generatedata`` (reused when
   it already holds the data; ``migrate`` always runs): ``<prefix>_10k`` (500 cities,
   10,000 commitments), ``<prefix>_100k`` (2,000 cities, 100,000 commitments, the
   target size) and ``<prefix>_1m`` (5,000 cities, 1,000,000 commitments),
   2 progress updates each. Building 1M takes several minutes.
2. Times each page through Django's full stack (``bench/page_times.py``'s way: the test
   client, every middleware, templates), median of ``--runs`` sequential requests
   after one warm-up: *cold* with the page cache off (``PAGE_CACHE_SECONDS=0``: the
   cost of computing the page) and *warm* with it on (Redis), and prints the table
   with the ratio of the largest size to the smallest.
3. Load: gunicorn (gthread workers, Redis, the 10k database) on ``--port``; each page
   of the mix is requested once first (kept in the page cache), then 64 concurrent
   keep-alive clients for ``--seconds`` each on: a mix of public pages, ``/``, a
   filtered list and ``/healthz``; prints requests/s and p50/p99.

Not part of ``.ci/run``: it takes tens of minutes.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = "postgres://postgres@127.0.0.1:5432"
SIZES = {"10k": (500, 10_000), "100k": (2_000, 100_000), "1m": (5_000, 1_000_000)}

PAGES = [
    "/commitments/?status=in_progress&region=europe",
    "/commitments/",
    "/commitments/?theme=synthetic-theme-01",
    "/commitments/?page=100",
    "/",
    "/search/?q=housing",
    "/relocations/",
    "/api/commitments/?status=in_progress",
    # Each list with its heaviest filter (many-to-many ones included).
    "/commitments/?theme=synthetic-theme-01&status=in_progress&sort=progress",
    "/cities/?network=synthetic-network-01",
    "/forums/?country=ES",
    "/outcomes/?theme=synthetic-theme-01",
    "/relocations/?country=ES&status=in_progress",
    "/api/commitments/?theme=synthetic-theme-01",
    # Lead-or-partner filters (a joint commitment is listed under each of its cities).
    "/commitments/?city=synthetic-city-0042",
    "/commitments/?country=ES&status=not_reported",
    # The other lists and API lists, and a city's page.
    "/cities/",
    "/forums/",
    "/outcomes/",
    "/practices/",
    "/cities/synthetic-city-0042/",
    "/api/cities/",
    "/api/relocations/",
]
LOAD_MIX = [
    "/",
    "/commitments/",
    "/commitments/?status=in_progress&region=europe",
    "/relocations/",
    "/cities/",
    "/search/?q=housing",
    "/healthz",
]


def _env(db, **extra):
    env = dict(os.environ)
    env.update(
        MAYORALFORUM_LOCAL="1",
        PLAIN_STATIC_STORAGE="1",
        DATABASE_URL=f"{PG}/{db}",
        DJANGO_SETTINGS_MODULE="mayoralforum.settings",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _psql(db, sql):
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql],
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def build(prefix, size):
    db = f"{prefix}_{size}"
    cities, commitments = SIZES[size]
    if _psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=_env(db), check=True)
    have = _psql(db, "SELECT count(*) FROM commitments_commitment") or "0"
    if int(have) >= commitments:
        print(f"{db}: reused ({int(have):,} commitments)", flush=True)
        # Statistics for indexes a migration may just have added.
        _psql(db, "ANALYZE")
        return db
    print(f"{db}: generating {commitments:,} commitments...", flush=True)
    subprocess.run(
        [*manage, "generatedata", "--cities", str(cities), "--commitments", str(commitments),
         "--updates-per-commitment", "2"],
        env=_env(db),
        check=True,
    )  # fmt: skip
    return db


def time_pages(db, runs, cache, redis_url):
    """Medians in ms per page, measured in a fresh process bound to ``db``."""
    extra = {"PAGE_CACHE_SECONDS": 600 if cache else 0}
    if redis_url:
        extra["REDIS_URL"] = redis_url
    out = subprocess.run(
        [PYTHON, __file__, "_measure", "--runs", str(runs), *PAGES],
        env=_env(db, **extra),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _measure(urls, runs):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    client = Client()
    result = {}
    for url in urls:
        response = client.get(url)  # warm-up (and, with the page cache on, the store)
        if response.status_code != 200:
            result[url] = {"status": response.status_code}
            continue
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - started) * 1000)
        result[url] = {"ms": statistics.median(timings), "cache": response.get("X-Cache", "")}
    print(json.dumps(result))


def _cell(entry):
    if entry is None:
        return "-"
    if "ms" not in entry:
        return f"HTTP {entry['status']}"
    return f"{entry['ms']:.0f} ms"


def print_table(results, sizes):
    for mode in ("cold", "warm"):
        print(f"\n{mode} ({'page cache off' if mode == 'cold' else 'page cache on, Redis'})")
        print(f"| page | {' | '.join(sizes)} | ratio |")
        print("|---|" + "---|" * len(sizes) + "---|")
        for url in PAGES:
            entries = [results.get((size, mode), {}).get(url) for size in sizes]
            ratio = "-"
            if len(entries) >= 2 and all(e and "ms" in e for e in (entries[0], entries[-1])):
                ratio = f"{entries[-1]['ms'] / entries[0]['ms']:.1f}×"
            print(f"| `{url}` | {' | '.join(_cell(e) for e in entries)} | {ratio} |")


# Load -----------------------------------------------------------------------------


async def _client(host, port, urls, deadline, latencies, errors):
    reader = writer = None
    while time.perf_counter() < deadline:
        url = random.choice(urls)
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(
                f"GET {url} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                # As every browser does: kept pages go out compressed.
                "Accept-Encoding: gzip, deflate, br\r\n\r\n".encode()
            )
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length, chunked, close = 0, False, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "transfer-encoding" and "chunked" in value:
                    chunked = True
                elif name == "connection" and value == "close":
                    close = True
            if chunked:
                while size := int((await reader.readline()).strip() or b"0", 16):
                    await reader.readexactly(size + 2)
                await reader.readline()
            else:
                await reader.readexactly(length)
            if close:
                writer.close()
                writer = None
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append(status)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
            errors.append(type(exc).__name__)
            if writer is not None:
                writer.close()
            writer = None


async def _load(host, port, urls, clients, seconds):
    latencies, errors = [], []
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(host, port, urls, deadline, latencies, errors) for _ in range(clients))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        return 0, 0, 0, len(errors)
    p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))]  # noqa: E731
    return len(latencies) / elapsed, p(0.5), p(0.99), len(errors)


def load(db, port, redis_url, clients, seconds, workers, threads):
    env = _env(db, REDIS_URL=redis_url, PAGE_CACHE_SECONDS=600, API_ANON_RATE="1000000/minute")
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "mayoralforum.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread",
         "--threads", str(threads), "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(200):
            if asyncio.run(_load("127.0.0.1", port, ["/healthz"], 1, 0.2))[0]:
                break
            time.sleep(0.3)
        time.sleep(1)
        runs = [
            ("mixed public pages", LOAD_MIX),
            ("/", ["/"]),
            ("/commitments/?status=in_progress&region=europe",
             ["/commitments/?status=in_progress&region=europe"]),
            ("/healthz", ["/healthz"]),
        ]  # fmt: skip
        # Steady state: each page of the mix is rendered and kept once before the clock
        # starts (the cold cost of a page is the table above, not this run's).
        for url in LOAD_MIX:
            asyncio.run(_load("127.0.0.1", port, [url], 1, 0.05))
        print(f"\nload: {clients} clients, {seconds} s each, gunicorn {workers} gthread "
              f"workers x {threads} threads, Redis, {db}")  # fmt: skip
        print("| load | req/s | p50 | p99 | errors |")
        print("|---|---|---|---|---|")
        for label, urls in runs:
            rate, p50, p99, errors = asyncio.run(_load("127.0.0.1", port, urls, clients, seconds))
            print(f"| {label} | {rate:.0f} | {p50:.0f} ms | {p99:.0f} ms | {errors} |", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_measure":
        parser = argparse.ArgumentParser()
        parser.add_argument("cmd")
        parser.add_argument("--runs", type=int)
        parser.add_argument("urls", nargs="+")
        args = parser.parse_args()
        return _measure(args.urls, args.runs)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default="mf_scale")
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--port", type=int, default=8500)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    dbs = {size: build(args.prefix, size) for size in args.sizes}
    if args.load_only:
        args.sizes = args.sizes[:1]
        return load(dbs[args.sizes[0]], args.port, args.redis, args.clients, args.seconds,
                    args.workers, args.threads)  # fmt: skip
    results = {}
    for size, db in dbs.items():
        for mode in ("cold", "warm"):
            print(f"timing {db} ({mode})...", flush=True)
            results[(size, mode)] = time_pages(db, args.runs, mode == "warm", args.redis)
    print_table(results, args.sizes)
    if not args.no_load:
        load(dbs[args.sizes[0]], args.port, args.redis, args.clients, args.seconds,
             args.workers, args.threads)  # fmt: skip


if __name__ == "__main__":
    main()
