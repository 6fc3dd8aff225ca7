"""Rate limits on public forms, counted in Django's cache (Redis when REDIS_URL is set, so every
process shares the counts) by django-ratelimit. The numbers are in settings.RATE_LIMITS and
docs/SECURITY.md.

A form view takes one line:

    @rate_limited("manage", email_field="email", on_limit=_manage_page_again)

`on_limit(request, *args, **kwargs)` answers instead of the view when a limit is reached: the
form again, filled in with what the person typed, a calm notice and status 429.

While Redis cannot be reached, every limit counts in the process's own memory instead: no form
fails open (unlimited: card testing and e-mail floods while it lasts) and none fails closed (no
donation, pledge or manage link while a cache is down); with N processes a client gets at most
N times the numbers until Redis answers again. docs/SECURITY.md gives the reasons per form.
"""

import functools
import logging
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django_ratelimit.core import _split_rate, is_ratelimited

from jii_campaign import cache_outage
from jii_campaign.client_ip import client_ip

log = logging.getLogger(__name__)

TOO_MANY_REQUESTS = 429
COUNTED_HERE = "rate limits count in each process's memory until it answers"
# The counts of this process while the shared cache is down.
_counts_here = LocMemCache("ratelimits-during-outage", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def over_limit(request, scope: str, **keys: str) -> bool:
    """Count this request against each limit of `scope`: "ip" (always) and any other key given
    (an e-mail address, a session id). True when any of them is exceeded."""
    values = {"ip": client_ip(request), **keys}
    over = False
    for name, rate in settings.RATE_LIMITS[scope].items():
        value = (values.get(name) or "").strip().lower()
        if not value:
            continue
        # Count every limit, even once one is exceeded: a blocked address keeps its count going.
        over |= _counted(request, f"{scope}.{name}", value, rate)
    if over:
        log.warning("Rate limit reached: %s", scope)
    return over


def _counted(request, group: str, value: str, rate: str) -> bool:
    """Count one request in the shared cache, or in this process while it cannot be reached;
    True when over `rate`."""
    return cache_outage.shared_or(
        lambda: is_ratelimited(
            request, group=group, key=lambda _group, _request: value, rate=rate, increment=True
        ),
        lambda: _counted_here(group, value, rate),
        COUNTED_HERE,
    )


def _counted_here(group: str, value: str, rate: str) -> bool:
    limit, period = parsed_rate(rate)
    key = f"{group}:{int(time.time()) // period}:{value}"
    if _counts_here.add(key, 1, timeout=period):
        return limit < 1
    try:
        return _counts_here.incr(key) > limit
    except ValueError:  # expired between the two calls: a new window
        return False


def parsed_rate(rate: str) -> tuple[int, int]:
    """ "10/m" -> (10, 60): how many requests per how many seconds, read by django-ratelimit's
    own parser, so that the counts here and in the shared cache mean the same thing."""
    return _split_rate(rate)


def refused(request, form, scope: str, message, **keys: str) -> bool:
    """For a POSTed form whose page shows its own errors: True, with `message` added to the form
    (which keeps what was typed), when this request is over a limit of `scope`."""
    if not over_limit(request, scope, **keys):
        return False
    form.is_valid()
    form.add_error(None, message)
    return True


def rate_limited(scope: str, *, on_limit, email_field: str | None = None):
    """Limit a form view's POSTs per IP address and, with `email_field`, per e-mail address."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                email = request.POST.get(email_field, "") if email_field else ""
                if over_limit(request, scope, email=email):
                    return on_limit(request, *args, **kwargs)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
