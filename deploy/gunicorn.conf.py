"""Gunicorn settings for the Mayoral Forum site (``gunicorn -c deploy/gunicorn.conf.py
mayoralforum.wsgi``). Each value can be changed through the environment variable named
beside it, so one file serves every machine and the smoke test."""

import multiprocessing
import os

# Only the reverse proxy may reach the app: behind it, the client address that the rate
# limit and the login lockout count comes from X-Forwarded-For (docs/deployment.md).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threaded workers: a sync worker that streams a long download cannot report alive
# and is killed at ``timeout`` (this cut a full download of 1M commitments short),
# while a gthread worker's main loop keeps reporting as its threads stream. One worker
# per core plus one, each with a few threads for the short database-bound views.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 8))

# How long a worker may go silent (its main loop, not a request) before the master
# restarts it; nginx's proxy_read_timeout matches it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
# A graceful restart (systemctl reload: SIGHUP) lets running downloads finish this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 60))
keepalive = 5

# Recycle workers now and then so that a slow leak never grows without bound; the
# jitter keeps them from all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))

# Load the application in each worker (not the master), so a reload picks up new code.
preload_app = False

# The proxy's address is the only one allowed to set X-Forwarded-Proto and friends.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "mayoralforum"

# Gunicorn's control socket sits in one per-user place ($HOME/.gunicorn): two instances
# of one user would fight over it, and nothing here uses it.
control_socket_disable = True
