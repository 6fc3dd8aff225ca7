"""The e-mail service's webhooks (anymail's own views, which check the request's basic auth),
answered only once EMAIL_WEBHOOK_SECRET is set: without a secret anymail would accept anyone's
report, and anyone could stop mail to any address."""

import functools

from anymail import urls as anymail_urls
from django.conf import settings
from django.http import Http404
from django.urls import URLPattern


def _with_secret_only(view):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


app_name = "anymail"  # anymail reverses its own names in this namespace
# The tracking webhooks only (deliveries, bounces, complaints): no inbound mail is read here.
urlpatterns = [
    URLPattern(pattern.pattern, _with_secret_only(pattern.callback), name=pattern.name)
    for pattern in anymail_urls.urlpatterns
    if isinstance(pattern, URLPattern) and "tracking" in (pattern.name or "")
]
