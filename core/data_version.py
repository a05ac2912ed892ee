"""The data version: a number in the cache that every committed write to a public
record moves on (``core.signals``), and that the page cache puts in its keys
(``core.middleware.PageCacheMiddleware``), so a page kept before a write is never
served after it.

It lives in the cache, not in a database row: a row that every write updates would
make every write to a public record wait for every other one. The version moves on
when the write's transaction commits (``on_commit``), never before: a reader cannot
render the old data under the new version. A reader that renders the new data under
the old version just keeps a newer page than its key needs.

If the cache loses the number (a restart, an eviction), the next reader starts a new
one from the clock, so no page kept under an earlier number is ever reached again.
With several app servers the cache must be shared (Redis, ``REDIS_URL``); the
per-process cache of a single development server needs nothing more.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

KEY = "data-version"


def current() -> int:
    """The version pages are kept under now (raises when the cache cannot be reached)."""
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, time.time_ns(), timeout=None)
        value = cache.get(KEY)
    return int(value)


def bump(using: str | None = None) -> None:
    """Moves the version on once the current transaction (if any) has committed."""
    transaction.on_commit(_move_on, using=using)


def _move_on() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # lost meanwhile: a fresh number is as good as a higher one
        cache.add(KEY, time.time_ns(), timeout=None)
    except Exception:
        # The cache is down: the pages kept in it are out of reach as well.
        logger.warning("Page cache unreachable (data version)", exc_info=True)
