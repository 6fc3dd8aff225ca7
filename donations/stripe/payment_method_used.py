"""Which method a donor actually paid a one-time gift with. Checkout offers all the campaign's
methods that take the amount, so the choice made in our form is only a wish: what Stripe
reports is recorded, and the receipt, the exports and the dashboard name that.

The cheapest true source first: a session that offered a single method; the payment method on
the payment intent when it came expanded (the thank-you page's retrieve); otherwise one
expanded retrieve by a task, outside any database transaction."""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from campaigns import payment_methods
from donations import tasks
from donations.models import Donation, Payment
from donations.stripe import gateway
from jii_campaign.bulk_tasks import enqueue_many

log = logging.getLogger(__name__)


def stripe_type_in(session: dict) -> str | None:
    """The payment method type a session shows, or None when it cannot tell without asking."""
    intent = session.get("payment_intent")
    method = intent.get("payment_method") if isinstance(intent, dict) else None
    if isinstance(method, dict) and isinstance(method.get("type"), str):
        return method["type"]
    offered = session.get("payment_method_types")
    if isinstance(offered, list) and len(offered) == 1 and isinstance(offered[0], str):
        return offered[0]
    return None


def method_shown(session: dict) -> str | None:
    """Our name of the method the session shows the donor paid with, or None."""
    return payment_methods.used_in_stripe(stripe_type_in(session))


def stripe_must_be_asked(donation: Donation, session: dict) -> bool:
    """The one decision for a gift and its session: record the method the session shows, or
    (True) it shows none and Stripe can be asked, by `learn_payment_method`, the receipt
    waiting for the answer. The caller holds the gift's row lock (its event's transaction), so
    a method already recorded needs no second lock to be left as it is."""
    shown = method_shown(session)
    if shown is None:
        return gateway.is_configured()
    if shown != donation.payment_method:
        donation.note_payment_method(shown)
    return False


def _asking(donation: Donation, session: dict, receipt_for: Payment | None) -> tuple:
    """`learn_payment_method`'s arguments for this gift."""
    return donation.pk, session["id"], receipt_for.pk if receipt_for else None


def learn(
    donation: Donation, session: dict, *, ask: bool, receipt_for: Payment | None = None
) -> bool:
    """Record the method the donor used: now if the session shows it, else (when `ask`: the
    first report of this outcome, not a repeat or a reconciliation) through a task that asks
    Stripe; a receipt waits for it so that it names the right method. Returns whether the
    receipt (if any) was left to the task."""
    if not stripe_must_be_asked(donation, session) or not ask:
        return False
    # The database task backend writes the row in the current transaction: the task runs once
    # the gift is committed, never if it rolls back.
    learn_payment_method.enqueue(*_asking(donation, session, receipt_for))
    return receipt_for is not None


def learn_for_batch(paid: list[tuple[Payment, dict]]) -> list[Payment]:
    """`learn` for the event worker's batch of first reports, each (its new payment, its
    session), the tasks for those Stripe must be asked about queued together. The payments
    whose receipt can go now; the others' receipts wait for their task."""
    receipts, asked = [], []
    for payment, session in paid:
        if stripe_must_be_asked(payment.donation, session):
            asked.append(_asking(payment.donation, session, payment))
        else:
            receipts.append(payment)
    enqueue_many(learn_payment_method, asked)
    return receipts


ATTEMPTS = 6
PAUSE = datetime.timedelta(minutes=2)


@task()
def learn_payment_method(donation_id: int, session_id: str, payment_id=None, attempt: int = 1):
    """Ask Stripe which method paid (the session, its payment intent and payment method
    expanded), record it, then queue the receipt that waited for it. If Stripe stays away the
    receipt goes anyway, naming the method the donor chose."""
    try:
        session = gateway.retrieve_checkout_session(session_id)
    except gateway.GatewayUnavailable:
        if attempt < ATTEMPTS:
            later = timezone.now() + PAUSE * 2 ** (attempt - 1)
            learn_payment_method.using(run_after=later).enqueue(
                donation_id, session_id, payment_id, attempt=attempt + 1
            )
            return
        log.warning("The payment method of donation %s stays unknown", donation_id)
    else:
        if shown := method_shown(session):
            Donation.objects.get(pk=donation_id).note_payment_method(shown)
    if payment_id is not None:
        tasks.schedule_receipt(Payment.objects.get(pk=payment_id))
