"""Signed one-click unsubscribe links (RFC 8058), never expiring (an old e-mail's link still
works). The path names the supporter's preference row by number, signed: no address appears in
URLs or access logs."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from donations.models import SupporterPreference

SALT = "updates.unsubscribe"


def token_for(email: str) -> str:
    return signing.dumps(SupporterPreference.objects.of(email).pk, salt=SALT)


def email_from(token: str) -> str | None:
    try:
        preference_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    found = SupporterPreference.objects.filter(pk=preference_id)
    return found.values_list("email", flat=True).first()


def unsubscribe_url(email: str, language: str) -> str:
    with translation.override(language):
        path = reverse("updates:unsubscribe", args=[token_for(email)])
    return settings.SITE_URL + path
