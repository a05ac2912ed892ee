"""Reads from a PostgreSQL streaming replica (``DATABASE_REPLICA_URL``).

The rule: an anonymous GET or HEAD of a public page or of the API reads from the
replica; everything else — every write, every request of a logged-in person, the
admin, the portal and the account pages — uses the primary. A replica lags behind the
primary by a moment, which a visitor of a public page cannot notice, while a person
who just saved something must see it; and a write must never go to a read-only copy.

``ReadReplicaMiddleware`` decides per request and sets a context variable (safe for
threads and async code alike); ``ReadReplicaRouter`` reads it. Without a replica
configured the router is not installed and the flag changes nothing.
"""

from contextvars import ContextVar

from .visitors import is_private_path, is_signed_in

REPLICA = "replica"

reading_from_replica = ContextVar("read_from_replica", default=False)


def may_read_from_replica(request):
    return (
        request.method in ("GET", "HEAD")
        and not is_private_path(request.path_info)
        and not is_signed_in(request)
    )


class ReadReplicaMiddleware:
    """Place after AuthenticationMiddleware: it asks whether someone is logged in (that
    session lookup itself reads from the primary)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = reading_from_replica.set(may_read_from_replica(request))
        try:
            response = self.get_response(request)
            if getattr(response, "streaming", False) and reading_from_replica.get():
                # A download is read while it streams, after this returns: keep the flag
                # for the rows it still has to read.
                response.streaming_content = _with_replica(response.streaming_content)
            return response
        finally:
            reading_from_replica.reset(token)


def _with_replica(chunks):
    token = reading_from_replica.set(True)
    try:
        yield from chunks
    finally:
        reading_from_replica.reset(token)


class ReadReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if reading_from_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary by itself
