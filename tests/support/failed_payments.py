"""A monthly supporter whose payments fail and are retried, built from signed Stripe events of
the SDK's shapes: the failed invoice at each attempt with Stripe's next retry, the subscription
ending unpaid, the retry that succeeds."""

import time

import stripe

from tests.support import stripe_events as se
from tests.support.gifts import deliver
from tests.support.stripe_events import pending
from tests.support.stripe_shapes import partial_object as shaped

DAY = 24 * 3600


def monthly_supporter(client, campaign, *, amount=3000, locale="ja", email="hanako@example.jp"):
    """A monthly gift whose first invoice was paid: (donation, session)."""
    donation = pending(campaign, frequency="monthly", amount=amount, locale=locale)
    if email != donation.donor_email:
        donation.donor_email = email
        donation.save(update_fields=["donor_email"])
    session = se.checkout_session(donation)
    deliver(client, "checkout.session.completed", session)
    first = paid_invoice(
        donation, session, invoice_id=se.new_id("in"), billing_reason="subscription_create"
    )
    deliver(client, "invoice.paid", first)
    return donation, session


def failed_invoice(donation, session, *, invoice_id, attempt, next_attempt_in_days=None):
    """The invoice as `invoice.payment_failed` sends it after attempt number `attempt`;
    `next_payment_attempt` is Stripe's next retry, null after the last."""
    base = se.invoice(
        donation,
        subscription_id=session["subscription"],
        customer_id=session["customer"],
        invoice_id=invoice_id,
        paid=False,
    )
    next_attempt = (
        int(time.time()) + next_attempt_in_days * DAY if next_attempt_in_days is not None else None
    )
    return shaped(
        stripe.Invoice,
        {**base, "attempt_count": attempt, "next_payment_attempt": next_attempt},
    )


def paid_invoice(donation, session, *, invoice_id, billing_reason="subscription_cycle"):
    return se.invoice(
        donation,
        subscription_id=session["subscription"],
        customer_id=session["customer"],
        invoice_id=invoice_id,
        billing_reason=billing_reason,
    )


def ended_subscription(donation, session, *, status, reason=None):
    """The subscription after Stripe's last retry: `unpaid`, or `canceled` with why."""
    base = se.subscription(
        donation,
        subscription_id=session["subscription"],
        customer_id=session["customer"],
        status=status,
    )
    details = {"comment": None, "feedback": None, "reason": reason}
    return shaped(stripe.Subscription, {**base, "cancellation_details": details})
