"""Erasing a donor on request: their name, e-mail address, nickname, payer name and the
authorship of their cheering messages go from the ledger rows and from the Stripe event
payloads we stored; amounts, statuses and therefore the counters stay exactly as they were.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donations.models import Donation, StatementLine, StripeEvent
from donations.personal_data import scrubbed

STRIPE_ID_FIELDS = [
    "stripe_checkout_session_id",
    "stripe_payment_intent_id",
    "stripe_subscription_id",
    "stripe_customer_id",
]


def anonymize_donor(email: str) -> int:
    """Erase the donor known by this address. Returns how many donations were theirs."""
    email = email.strip()
    if not email:
        return 0
    with transaction.atomic():
        donations = list(
            Donation.objects.select_for_update(of=("self",))
            .filter(donor_email__iexact=email)
            .select_related("support_message")
        )
        if not donations:
            return 0
        known = {email.lower()} | {
            value.strip().lower()
            for d in donations
            for value in (d.donor_name, d.nickname, d.payer_kana)
            if value.strip()
        }
        _scrub_events(donations, known)
        StatementLine.objects.filter(donation__in=donations).update(payer_name="")
        for donation in donations:
            _erase(donation)
    return len(donations)


def _scrub_events(donations, known):
    ids = {getattr(d, name) for d in donations for name in STRIPE_ID_FIELDS} - {None, ""}
    query = Q()
    for value in ids | known:
        query |= Q(payload__icontains=value)
    for event in StripeEvent.objects.select_for_update().filter(query):
        event.payload = scrubbed(event.payload, known)
        event.save(update_fields=["payload"])


def _erase(donation):
    message = donation.support_message
    if message is not None:
        message.display_name = ""
        message.save(update_fields=["display_name"])
    with translation.override(settings.LANGUAGE_CODE):
        line = _("%(date)s personal data erased on request") % {"date": timezone.localdate()}
    donation.donor_name = donation.donor_email = donation.nickname = donation.payer_kana = ""
    donation.public_name = Donation.PublicName.ANONYMOUS
    donation.note = f"{donation.note}\n{line}" if donation.note else line
    donation.save(
        update_fields=[
            "donor_name",
            "donor_email",
            "nickname",
            "payer_kana",
            "public_name",
            "note",
            "updated_at",
        ]
    )
