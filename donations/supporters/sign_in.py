"""Sign-in by link: a signed token that names an address, expires after 30 minutes and opens the
page once. Single use without a table of tokens: the token carries the address's last sign-in
time, and signing in moves that time on, so every older link stops working.

The signed-in address lives in the session (a day at most, or until sign-out); it is the only
address whose gifts the page shows."""

from django.core import signing
from django.db import transaction
from django.utils import timezone

from donations.models import SupporterPreference
from donations.models.supporter_preferences import normalized_email

SALT = "donations.supporters.sign-in"
MAX_AGE = 30 * 60
SESSION_KEY = "supporter_email"
SESSION_SECONDS = 24 * 60 * 60


def _stamp(preference) -> str:
    if preference is None or preference.signed_in_at is None:
        return ""
    return preference.signed_in_at.isoformat()


def make_token(email: str) -> str:
    email = normalized_email(email)
    preference = SupporterPreference.objects.filter(email=email).first()
    return signing.dumps({"e": email, "s": _stamp(preference)}, salt=SALT, compress=True)


def _read(token: str) -> dict | None:
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError):  # BadSignature includes SignatureExpired
        return None
    if not isinstance(value, dict) or not isinstance(value.get("e"), str):
        return None
    return value


def is_valid(token: str) -> bool:
    """Whether the link would still sign in (for the page with the sign-in button)."""
    value = _read(token)
    if value is None:
        return False
    preference = SupporterPreference.objects.filter(email=value["e"]).first()
    return value.get("s") == _stamp(preference)


def sign_in(request, token: str) -> str | None:
    """Open a session for the token's address, once; the address, or None for a link that is
    expired, altered or used already."""
    value = _read(token)
    if value is None:
        return None
    with transaction.atomic():
        SupporterPreference.objects.of(value["e"])
        preference = SupporterPreference.objects.select_for_update().get(email=value["e"])
        if value.get("s") != _stamp(preference):
            return None
        preference.signed_in_at = timezone.now()
        preference.save(update_fields=["signed_in_at", "updated_at"])
    request.session.cycle_key()
    request.session[SESSION_KEY] = value["e"]
    request.session.set_expiry(SESSION_SECONDS)
    return value["e"]


def signed_in_email(request) -> str | None:
    return request.session.get(SESSION_KEY)


def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
