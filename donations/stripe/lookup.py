"""Finding our rows from what a Stripe object carries: our donation id in its metadata, or
the Stripe ids we stored."""

import logging

from donations.models import Donation, Payment
from jii_campaign.locking import lock_stripe_objects

log = logging.getLogger(__name__)


# --- finding our rows ----------------------------------------------------------------------


def donation_id_in(metadata) -> int | None:
    """Our donation's id from a Stripe object's metadata, when it carries one."""
    value = str((metadata or {}).get("donation_id") or "")
    return int(value) if value.isascii() and value.isdigit() else None


def find_donation(metadata=None, **stripe_ids) -> Donation | None:
    if (pk := donation_id_in(metadata)) and (donation := Donation.objects.filter(pk=pk).first()):
        return donation
    for name, value in stripe_ids.items():
        if value and (donation := Donation.objects.filter(**{name: value}).first()):
            return donation
    log.info("Stripe object matches no donation: %s %s", metadata, stripe_ids)
    return None


def find_payment(charge_id, payment_intent_id) -> Payment | None:
    # The payment may be being recorded this instant, under the same lock: wait, then see it.
    lock_stripe_objects(payment_intent_id or charge_id)
    if charge_id and (payment := Payment.objects.filter(stripe_charge_id=charge_id).first()):
        return payment
    if payment_intent_id:
        return Payment.objects.filter(stripe_payment_intent_id=payment_intent_id).first()
    return None


def stripe_id(value):
    """Stripe sends either an id or, when expanded, the object carrying it."""
    return value.get("id") if isinstance(value, dict) else value


def note_card(donation, method: dict | None):
    """The card a Stripe payment method holds (its id and expiry), noted on the monthly gift;
    nothing when the method is not a card with an expiry."""
    card = (method or {}).get("card") or {}
    if method and method.get("id") and card.get("exp_month") and card.get("exp_year"):
        donation.note_card(
            payment_method_id=method["id"],
            exp_month=card["exp_month"],
            exp_year=card["exp_year"],
        )
