"""The address of a gift's thank-you page, which says what became of the gift: for a gift paid
through Stripe Checkout, its session (`?session_id=`, read back from Stripe); for one made in
the local test checkout (no Stripe key; its sessions are named `cs_local_…`) or not yet sent to
Checkout, its checkout token. The giving pages send the donor there; the payment reminder links
to it."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

LOCAL_SESSION_PREFIX = "cs_local_"


def thanks_path(donation) -> str:
    """In the page's language."""
    session_id = donation.stripe_checkout_session_id or ""
    if session_id and not session_id.startswith(LOCAL_SESSION_PREFIX):
        query = {"session_id": session_id}
    elif donation.checkout_token:
        query = {"token": str(donation.checkout_token)}
    else:
        return reverse("donations:start")  # recorded by staff: no thank-you page of its own
    return f"{reverse('donations:thanks')}?{urlencode(query)}"


def thanks_url(donation) -> str:
    """For an e-mail: the whole address, in the donor's language."""
    with override(donation.locale):
        return settings.SITE_URL + thanks_path(donation)
