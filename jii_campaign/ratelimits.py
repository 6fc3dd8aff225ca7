"""Rate limits on public forms, counted in Django's cache (Redis when REDIS_URL is set, so every
process shares the counts) by django-ratelimit. The numbers are in settings.RATE_LIMITS and
docs/SECURITY.md.

A form view takes one line:

    @rate_limited("manage", email_field="email", on_limit=_manage_page_again)

`on_limit(request, *args, **kwargs)` answers instead of the view when a limit is reached: the
form again, filled in with what the person typed, a calm notice and status 429.
"""

import functools
import logging

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from jii_campaign.client_ip import client_ip

log = logging.getLogger(__name__)

TOO_MANY_REQUESTS = 429


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
        over |= is_ratelimited(
            request,
            group=f"{scope}.{name}",
            key=lambda _group, _request, value=value: value,
            rate=rate,
            increment=True,
        )
    if over:
        log.warning("Rate limit reached: %s", scope)
    return over


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
