"""Recording a verified Stripe event (the webhook): once by its id, with the ids of the Stripe
objects it names, so that an event that came before its payment is found again."""

import logging

from donations.models import StripeEvent
from donations.stripe import gateway
from donations.stripe.event_validation import in_our_version, validate
from donations.stripe.lookup import stripe_id

log = logging.getLogger(__name__)


def record_event(event: dict) -> bool:
    """Store a verified event, to be applied by `apply_due_events`; False when it had been stored
    before. An event not shaped as its type promises raises MalformedEvent and is not stored."""
    validate(event)
    if not in_our_version(event):
        return _hold(event)
    return StripeEvent.record(event, **objects_named(event["type"], event["data"]["object"]))


def _hold(event: dict) -> bool:
    """Store an event of another API version, for staff; the worker never takes it. Stripe gets
    its 200 all the same: answering otherwise only makes it retry for three days."""
    recorded = StripeEvent.record(event, held=True)
    if recorded:
        # Ids, type and versions only: nothing of the donor.
        log.error(
            "Stripe event %s (%s) is of API version %s, not %s: recorded and held, NOT applied. "
            "Run `manage.py stripe_setup --apply`, then apply it in the admin (Stripe events, "
            "Other API version) or with `manage.py apply_stripe_events --held`.",
            event["id"],
            event["type"],
            event.get("api_version") or "(none)",
            gateway.API_VERSION,
        )
    return recorded


REFUND_EVENTS = ("refund.created", "refund.updated", "refund.failed", "charge.refund.updated")


DISPUTE_EVENTS = (
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
    "charge.dispute.closed",
)


REFUND_AND_DISPUTE = ("charge.refunded", *REFUND_EVENTS, *DISPUTE_EVENTS)


def objects_named(event_type: str, obj: dict) -> dict:
    """The payment intent, charge and invoice an event is about, as StripeEvent columns."""
    if event_type == "charge.refunded":
        named = {"payment_intent_id": obj.get("payment_intent"), "charge_id": obj.get("id")}
    elif event_type in REFUND_AND_DISPUTE:  # a refund or a dispute names its charge
        named = {"payment_intent_id": obj.get("payment_intent"), "charge_id": obj.get("charge")}
    elif event_type == "invoice_payment.paid":
        paid_by = obj.get("payment") or {}
        named = {
            "invoice_id": obj.get("invoice"),
            "payment_intent_id": paid_by.get("payment_intent"),
            "charge_id": paid_by.get("charge"),
        }
    elif event_type in ("invoice.paid", "invoice.payment_failed"):
        named = {"invoice_id": obj.get("id")}
    else:
        named = {}
    return {name: stripe_id(value) or None for name, value in named.items()}
