"""Signed, expiring links that let a monthly donor manage a donation without an account."""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import override

SALT = "donations.manage-link"
MAX_AGE = 60 * 60 * 24 * 14  # two weeks; the manage page sends a fresh link any time


def manage_url(donation) -> str:
    return _signed_url(donation, "donations:manage_open")


def _signed_url(donation, view_name) -> str:
    token = signing.TimestampSigner(salt=SALT).sign(str(donation.pk))
    with override(donation.locale):
        path = reverse(view_name)
    # In the query string, not the path: access logs record paths without their queries, and
    # the token opens a donor's billing portal for 14 days.
    return f"{settings.SITE_URL}{path}?{urlencode({'token': token})}"


def donation_id_from(token: str) -> int | None:
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return int(value) if value.isdigit() else None


def card_update_url(donation) -> str:
    """The one-click link of a failed-payment notice: the same signed token, opening the
    customer portal straight on the card update (giving/card_update_views.py)."""
    return _signed_url(donation, "donations:card_update")
