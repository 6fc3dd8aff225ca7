"""The event worker's common case, applied a batch at a time: Checkout sessions that report a
one-time gift paid (`receive_gifts_paid`: a few statements for the whole batch), with what each
new payment sets off as `handlers.apply_checkout_session` does (its receipt queued, a refund or
dispute that arrived before it applied). Every other event is left to its handler."""

from donations import tasks
from donations.models import StripeEvent
from donations.models.gifts_paid import GiftPaid, receive_gifts_paid
from donations.stripe import payment_method_used
from donations.stripe.handlers import HANDLERS
from donations.stripe.lookup import donation_id_in, stripe_id
from donations.stripe.recording import REFUND_AND_DISPUTE
from jii_campaign.bulk_tasks import enqueue_many
from jii_campaign.locking import lock_stripe_objects

PAID_SESSION_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


def apply_paid_sessions(records: list[StripeEvent]) -> list[StripeEvent]:
    """Apply together the locked events of a batch that report a one-time gift paid; the events
    left for their handlers (all others, and the reports `receive_gifts_paid` leaves), in the
    batch's order."""
    reports = {gift: record for record in records if (gift := gift_paid(record))}
    if not reports:
        return records
    # Before anything is read, as the handler does: a refund of one of these may be applying.
    lock_stripe_objects(*(gift.payment_intent_id for gift in reports))
    received = receive_gifts_paid(list(reports))
    receipts = payment_method_used.learn_for_batch(
        [(payment, session_of(reports[gift])) for payment, gift in received]
    )
    enqueue_many(tasks.send_receipt, [(payment.pk,) for payment in receipts])
    _apply_waiting_events([payment for payment, _gift in received])
    applied = {reports[gift].pk for _payment, gift in received}
    return [record for record in records if record.pk not in applied]


def session_of(record: StripeEvent) -> dict:
    return record.payload["data"]["object"]


def gift_paid(record: StripeEvent) -> GiftPaid | None:
    """What a paid one-time Checkout session reports, or None for any other event."""
    if record.type not in PAID_SESSION_EVENTS:
        return None
    session = session_of(record)
    amount = session.get("amount_total")
    if (
        session.get("payment_status") != "paid"
        or session.get("status") == "expired"
        or session.get("subscription")
        or not isinstance(amount, int)
        or amount <= 0
    ):
        return None
    return GiftPaid(
        donation_id=donation_id_in(session.get("metadata")),
        checkout_session_id=session["id"],
        amount=amount,
        payment_intent_id=stripe_id(session.get("payment_intent")) or None,
        customer_id=stripe_id(session.get("customer")) or None,
    )


def _apply_waiting_events(payments):
    """Refunds and disputes of these payments that arrived before them matched nothing then;
    they count now (`handlers._apply_waiting_events`, in one query for the batch)."""
    intents = [payment.stripe_payment_intent_id for payment in payments]
    waiting = StripeEvent.objects.filter(
        type__in=REFUND_AND_DISPUTE, payment_intent_id__in=[i for i in intents if i], held=False
    ).order_by("created")
    for event in waiting:
        HANDLERS[event.type](event.payload["data"]["object"], event.created)
