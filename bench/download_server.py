# ruff: noqa: S603, S607, S310  (a benchmark running local tools against a local server)
"""A full download through the production server settings: gunicorn with
``deploy/gunicorn.conf.py`` (gthread workers), read over HTTP as a client saving the
file would, with the peak memory of each worker sampled while it streams.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mf_scale_1m \\
        .venv/bin/python bench/download_server.py "/commitments/?format=csv"

Prints rows, seconds, rows/s, megabytes, whether the file ended as a complete one
(the CSV's last line whole, the JSON closed), the largest worker's peak RSS, the
share of the machine's CPU time the hypervisor took meanwhile (steal, /proc/stat: on
a shared virtual machine the same run is that much slower) and the share spent
waiting for the disk (a first run after a while reads tables the kernel let go of).
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            return [int(child) for child in file.read().split()]
    except OSError:
        return []


def _rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as file:
            for line in file:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_ticks():
    """(busy, waiting for the disk, steal) clock ticks of the whole machine so far
    (/proc/stat)."""
    with open("/proc/stat") as file:
        fields = [int(value) for value in file.readline().split()[1:]]
    user, nice, system, _idle, iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq, iowait, steal


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--port", type=int, default=8560)
    args = parser.parse_args()
    env = dict(os.environ)
    env.update(
        MAYORALFORUM_LOCAL="1",
        PLAIN_STATIC_STORAGE="1",
        PAGE_CACHE_SECONDS="0",
        GUNICORN_BIND=f"127.0.0.1:{args.port}",
        GUNICORN_ACCESS_LOG="/dev/null",
        GUNICORN_LOG_LEVEL="warning",
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "-c", "deploy/gunicorn.conf.py", "mayoralforum.wsgi"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    peak = {"rss": 0.0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            for child in _children(server.pid):
                peak["rss"] = max(peak["rss"], _rss_mb(child))
            time.sleep(0.2)

    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        for url in args.urls:
            peak["rss"] = 0.0
            started = time.perf_counter()
            ticks_before = _cpu_ticks()
            size = lines = 0
            tail = b""
            error = ""
            try:
                with urllib.request.urlopen(base + url, timeout=300) as response:
                    while chunk := response.read(1 << 16):
                        size += len(chunk)
                        lines += chunk.count(b"\n")
                        tail = (tail + chunk)[-16:]
            except Exception as exc:  # noqa: BLE001 (a broken transfer is the finding)
                error = f"{type(exc).__name__}: {exc}"
            seconds = time.perf_counter() - started
            busy, iowait, steal = (
                now - before for now, before in zip(_cpu_ticks(), ticks_before, strict=True)
            )
            # The hypervisor's share of the machine's time (it varies from run to run),
            # and the time spent waiting for the disk (a table not in memory any more).
            stolen = steal / max(busy + iowait + steal, 1)
            waiting = iowait / max(busy + iowait + steal, 1)
            complete = tail.endswith(b"\n]\n") if "json" in url else tail.endswith(b"\n")
            rows = lines - 1 if "csv" in url else lines - 2
            print(
                f"{rows:>10,} rows  {seconds:6.1f} s  {rows / seconds:9,.0f} rows/s  "
                f"{size / 1e6:7.1f} MB  complete={complete and not error}  "
                f"worker peak RSS {peak['rss']:5.0f} MB  "
                f"CPU stolen {stolen:4.0%}  disk wait {waiting:4.0%}  {url}  {error}",
                flush=True,
            )
    finally:
        done.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
