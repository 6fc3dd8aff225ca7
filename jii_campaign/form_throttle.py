"""A per-IP allowance for public forms, counted in Django's cache.

One small function so that a shared rate-limit helper can replace it later. With the default
local-memory cache each server process counts on its own; a shared cache (Redis, the database
cache) makes the limit hold across processes.
"""

from django.core.cache import cache


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a trusted
    # proxy rewrites REMOTE_ADDR for us.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(request, scope: str, *, limit: int, period: int) -> bool:
    """Count one submission from this client; False once it made more than `limit` within
    `period` seconds."""
    key = f"form-throttle:{scope}:{client_ip(request)}"
    if cache.add(key, 1, timeout=period):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=period)
        return True
    return count <= limit


def refused(request, form, scope: str, *, limit: int, period: int, message) -> bool:
    """For a POSTed form: True, with `message` added to the form (which keeps what was typed),
    when this client is over its allowance."""
    if allow(request, scope, limit=limit, period=period):
        return False
    form.is_valid()
    form.add_error(None, message)
    return True
