"""Signed one-click unsubscribe links (RFC 8058): the address in the path, signed, never expiring
(an old e-mail's link still works)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "updates.unsubscribe"


def token_for(email: str) -> str:
    return signing.dumps(email.lower(), salt=SALT, compress=True)


def email_from(token: str) -> str | None:
    try:
        return signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None


def unsubscribe_url(email: str, language: str) -> str:
    with translation.override(language):
        path = reverse("updates:unsubscribe", args=[token_for(email)])
    return settings.SITE_URL + path
