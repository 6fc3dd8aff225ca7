"""Redis (the shared cache of REDIS_URL) going away is not an outage of the site: pages are
rendered from the database instead of served whole (jii_campaign/page_cache.py), rate limits
count in each process's own memory (jii_campaign/ratelimits.py), and everything uses Redis again
as soon as it answers, without a restart.

After a failure a process leaves Redis alone for `RETRY_SECONDS`, so that an unreachable server
costs one failed attempt per process per second rather than a timeout per request, and it logs
the outage once per `LOG_EVERY_SECONDS`, not once per request."""

import logging
import threading
import time

import redis

log = logging.getLogger(__name__)

# What Django's RedisCache raises when the server is down, refuses or times out.
SHARED_CACHE_DOWN = (redis.RedisError, OSError)
RETRY_SECONDS = 1.0
LOG_EVERY_SECONDS = 60.0

_lock = threading.Lock()
_skip_until = 0.0
_logged_at = None
_failing = False


def skipped() -> bool:
    """True while this process leaves the shared cache alone after a failure."""
    return time.monotonic() < _skip_until


def failed(error: Exception, consequence: str) -> None:
    """Record a failed call to the shared cache: leave it alone for a second; log at most once a
    minute (with what the site does instead)."""
    global _skip_until, _logged_at, _failing
    now = time.monotonic()
    with _lock:
        _skip_until = now + RETRY_SECONDS
        _failing = True
        if _logged_at is not None and now - _logged_at < LOG_EVERY_SECONDS:
            return
        _logged_at = now
    log.error("Shared cache (Redis) unavailable (%s): %s", type(error).__name__, consequence)


def answered() -> None:
    """Record a successful call: once after an outage, say that Redis is back."""
    global _failing, _logged_at
    if not _failing:
        return
    with _lock:
        if not _failing:
            return
        _failing = False
        _logged_at = None
    log.warning("Shared cache (Redis) reachable again")


def reset() -> None:
    """Forget any failure (tests)."""
    global _skip_until, _logged_at, _failing
    with _lock:
        _skip_until, _logged_at, _failing = 0.0, None, False


def shared_or(call, instead, consequence: str):
    """`call()` on the shared cache; while it cannot be reached (this call failing, or a failure
    less than RETRY_SECONDS ago), `instead()`, the failure logged at most once a minute with
    `consequence`, what the site does instead. The one way the site talks to Redis."""
    if not skipped():
        try:
            result = call()
        except SHARED_CACHE_DOWN as error:
            failed(error, consequence)
        else:
            answered()
            return result
    return instead()


def get_or_set(key, compute, timeout):
    """`cache.get_or_set` for a figure that is only cached to save work: computed afresh while
    the shared cache cannot be reached."""
    from django.core.cache import cache

    return shared_or(
        lambda: cache.get_or_set(key, compute, timeout),
        compute,
        "cached figures are computed afresh until it answers",
    )
