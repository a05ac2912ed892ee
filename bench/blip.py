# ruff: noqa: S603, S310  (a benchmark running gunicorn and fetching from it on localhost)
"""A database blip against a real gunicorn: what readers get while PostgreSQL is away.

    .venv/bin/python bench/blip.py --db mf_scale_10k

gunicorn reaches PostgreSQL through a TCP relay that this script owns; closing the
relay (and every connection through it) is the database going away for ``--down``
seconds, as during a restart. Before, during and after, it requests a page that was
read before the blip (kept in the page cache), one that was not (an unknown parameter
makes it new to the cache), and ``/healthz``,
and prints each status and ``X-Cache``. Ports: ``--port`` (gunicorn) and ``--port``+1
(the relay).
"""

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Relay:
    """Forwards a local port to PostgreSQL until stopped, in a thread of its own."""

    def __init__(self, port, target=("127.0.0.1", 5432)):
        self.port, self.target = port, target
        self.loop = asyncio.new_event_loop()
        self.server = None
        self.writers = set()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def _handle(self, reader, writer):
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    def start(self):
        async def start():
            self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

        asyncio.run_coroutine_threadsafe(start(), self.loop).result()

    def stop(self):
        async def stop():
            self.server.close()
            for writer in self.writers:
                writer.transport.abort()
            self.writers.clear()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result()


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, response.headers.get("X-Cache", "")
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")
        marker = "unavailable" if "Temporarily unavailable" in body else body[:60]
        return error.code, marker


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="mf_scale_10k")
    parser.add_argument("--port", type=int, default=8510)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--down", type=float, default=3)
    args = parser.parse_args()
    relay = Relay(args.port + 1)
    relay.start()
    env = dict(
        os.environ,
        MAYORALFORUM_LOCAL="1",
        PLAIN_STATIC_STORAGE="1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{args.port + 1}/{args.db}",
        REDIS_URL=args.redis,
        PAGE_CACHE_SECONDS="600",
    )
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "mayoralforum.wsgi", "--bind",
         f"127.0.0.1:{args.port}", "--workers", "2", "--worker-class", "gthread",
         "--threads", "4", "--timeout", "120", "--log-level", "critical"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    kept, other = "/relocations/?status=signed", f"/relocations/?status=completed&n={time.time()}"
    try:
        for _ in range(100):
            try:
                get(args.port, "/healthz")
                break
            except OSError:
                time.sleep(0.3)
        get(args.port, kept)  # kept in the page cache from here on

        def show(moment, paths=(kept, other, "/healthz")):
            for path in paths:
                status, state = get(args.port, path)
                print(f"{moment:<8} {status}  {state or '-':<12} {path}", flush=True)

        show("before", (kept, "/healthz"))
        relay.stop()
        started = time.monotonic()
        show("down")
        time.sleep(max(0, args.down - (time.monotonic() - started)))
        relay.start()
        show("after")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
