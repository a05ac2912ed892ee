# ruff: noqa: S603, S607  (a benchmark running local tools with its own arguments)
"""Throughput through deploy/'s nginx and its micro-cache (issue 24).

    .venv/bin/python bench/load.py                  # 5,000 commitments, 10 s a run
    .venv/bin/python bench/load.py --seconds 20 --commitments 10000

Sets up what deploy/smoke does (its own functions: a fresh PostgreSQL database filled
by ``generatedata``, static files, a certificate, Debian's nginx with
deploy/nginx/mayoralforum.conf in front of two gunicorns) and then runs ``wrk`` (apt
package ``wrk``, installed if missing) over HTTPS with keep-alive, as a browser asks
(``Accept-Encoding: gzip``), on:

- ``/healthz`` (never cached: the app's cheapest answer) and a static file (nginx
  alone) as the floors;
- the anonymous home page ``/`` and a filtered list, at 64 and 256 clients;
- ``/`` at 64 clients while both app servers restart, one after the other and then
  both at once: every error counts (non-2xx answers and socket errors).

Each run follows a warm-up run of ``--warm-up`` seconds, not shown. Prints requests/s,
p50 and p99 latency as wrk saw them, errors, the micro-cache's hit rate (the
``$upstream_cache_status`` of each request, from nginx's access log) and nginx's own
p99 (its ``$request_time``). Environment:
deploy/smoke's SMOKE_DATABASE_URL (default ``.../mayoralforum_load``: dropped and
created), SMOKE_REDIS_URL (default Redis database 6: flushed), SMOKE_PORT_BASE.

Not part of ``.ci/run``: it takes a few minutes.
"""

import argparse
import collections
import importlib.machinery
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mayoralforum_load")
os.environ.setdefault("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/6")

FILTERED = "/commitments/?status=in_progress&region=europe"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def load_smoke():
    loader = importlib.machinery.SourceFileLoader("smoke", str(ROOT / "deploy" / "smoke"))
    spec = importlib.util.spec_from_loader("smoke", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def find_wrk():
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    return shutil.which("wrk")


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, clients, seconds):
    """requests/s, p50 and p99 (ms), requests and errors of one wrk run."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{clients}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "5s",
            "-H",
            "Accept-Encoding: gzip",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if set(latency) != {"50", "99"}:
        raise SystemExit(f"wrk said:\n{out}")
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = (sum(int(n) for n in sockets.groups()) if sockets else 0) + (
        int(non_2xx.group(1)) if non_2xx else 0
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": errors,
        "detail": (sockets.group(0) if sockets else "no socket errors")
        + (f", {non_2xx.group(0)}" if non_2xx else ""),
    }


def cache_statuses(log):
    """Counts of $upstream_cache_status (the last field) since the log was emptied, and
    nginx's own p99 of $request_time (ms): how long nginx took, from the first byte of
    the request to the last it sent, so a p99 far above it is spent outside nginx
    (connecting, TLS, the client's own queue)."""
    lines = [line.rsplit(" ", 2)[-2:] for line in log.read_text().splitlines()]
    log.write_text("")
    times = sorted(float(seconds) for seconds, _ in lines)
    p99 = 1000 * times[int(0.99 * (len(times) - 1))] if times else 0.0
    return collections.Counter(status for _, status in lines), p99


def hit_rate(counts):
    """The share of answers nginx gave from its copy: fresh (HIT), or expired while one
    request fetches the next copy (UPDATING) or while the app cannot answer (STALE)."""
    total = sum(counts.values())
    cached = counts["HIT"] + counts["UPDATING"] + counts["STALE"]
    return f"{100 * cached / total:.1f}%" if total else "-"


def restarts(smoke, work, env, app_servers, processes):
    """Each app server stopped and started again in turn, then both at once."""
    time.sleep(2)
    for index in (0, 1):
        smoke.stop([app_servers[index]])
        [app_servers[index]] = smoke.start_app_servers(env, [smoke.GUNICORN_PORTS[index]])
        processes.append(app_servers[index])
        smoke.wait_for_app_servers(work, [app_servers[index]])
    smoke.stop(app_servers)
    time.sleep(2)
    app_servers[:] = smoke.start_app_servers(env)
    processes.extend(app_servers)
    smoke.wait_for_app_servers(work, app_servers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--commitments", type=int, default=5000)
    parser.add_argument("--warm-up", type=int, default=3, help="seconds, before each run")
    args = parser.parse_args()
    smoke = load_smoke()
    find_wrk()
    nginx = smoke.find_nginx()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="mayoralforum-load-"))
    os.chmod(work, 0o755)  # noqa: S103  (nginx's workers read the certificate and files)
    env = {**smoke.app_env(work), "GUNICORN_ACCESS_LOG": "/dev/null"}
    processes = []
    try:
        smoke.prepare(work, env, args.commitments, started)
        processes.append(smoke.start_nginx(nginx, work, workers="auto", connections=4096))
        app_servers = smoke.start_app_servers(env)
        processes.extend(app_servers)
        smoke.wait_for_app_servers(work, processes)
        site = f"https://127.0.0.1:{smoke.HTTPS_PORT}"
        probe = smoke.client("127.0.0.1", work)
        css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', probe.get(f"{site}/").text)
        runs = [("/healthz", 64), (css.group(1), 64), (css.group(1), 256)] + [
            (path, clients) for path in ("/", FILTERED) for clients in (64, 256)
        ]
        for path, _ in runs:
            probe.get(f"{site}{path}")
        log = work / "nginx-access.log"
        cache_statuses(log)
        print(
            f"\nwrk -t2 -cN -d{args.seconds}s --latency -H 'Accept-Encoding: gzip', "
            f"{args.commitments} commitments, 2 gunicorns x 2 workers, nginx over TLS"
        )
        print(
            f"{'page':<50} {'clients':>7} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'errors':>6} {'cached':>6} {'nginx p99':>9}"
        )

        def show(path, clients, result, statuses):
            counts, nginx_p99 = statuses
            print(
                f"{path:<50} {clients:>7} {result['rps']:>9,.0f} {result['p50']:>7.2f} "
                f"{result['p99']:>7.2f} {result['errors']:>6} {hit_rate(counts):>6} "
                f"{nginx_p99:>9.2f}"
            )

        for path, clients in runs:
            # A first run, not shown, warms what a site in service has warm: the
            # cached copy, nginx's and the app's workers, the TLS session cache.
            wrk(f"{site}{path}", clients, args.warm_up)
            cache_statuses(log)
            result = wrk(f"{site}{path}", clients, args.seconds)
            show(path, clients, result, cache_statuses(log))
        # Restarts: long enough for both rolling restarts and the outage.
        restart = threading.Thread(
            target=restarts, args=(smoke, work, env, app_servers, processes)
        )
        seconds = max(args.seconds, 60)
        restart.start()
        result = wrk(f"{site}/", 64, seconds)
        restart.join()
        statuses = cache_statuses(log)
        show("/ while both app servers restart", 64, result, statuses)
        counts = statuses[0]
        print(result["detail"])
        print(
            "cache statuses during the restarts: "
            + ", ".join(f"{name} {n}" for name, n in counts.most_common())
        )
    finally:
        smoke.stop(processes)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    import urllib3

    urllib3.disable_warnings()
    main()
