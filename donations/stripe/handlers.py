"""What each Stripe event means for the ledger: one handler per event type (`HANDLERS`),
idempotent and applicable in any order. `apply_checkout_session` also reads back a session
for the thank-you page and for reconciliation."""

import logging

from django.db.models import Q

from campaigns.payment_methods import PaymentMethod
from donations import tasks
from donations.models import DisputeStatus, Donation, Payment, Refund, StripeEvent
from donations.stripe import payment_method_used, payment_recovery
from donations.stripe.lookup import find_donation, find_payment, stripe_id
from donations.stripe.recording import DISPUTE_EVENTS, REFUND_AND_DISPUTE, REFUND_EVENTS
from jii_campaign.locking import lock_stripe_objects

log = logging.getLogger(__name__)


# --- Checkout ------------------------------------------------------------------------------


def apply_checkout_session(session: dict, as_of=None) -> Donation | None:
    """What a finished Checkout session means for its donation; safe to apply many times."""
    # Before anything is read: a refund or dispute of this payment may be applied right now.
    lock_stripe_objects(stripe_id(session.get("payment_intent")))
    donation = find_donation(
        session.get("metadata"),
        stripe_checkout_session_id=session["id"],
    )
    if donation is None:
        return None
    if as_of is None and session.get("created"):
        # Read back on the thank-you page: the session is no news about anything that happened
        # after it was created, so it must not revive a subscription that has since lapsed.
        as_of = StripeEvent.stripe_time(session["created"])
    donation.link_stripe(
        stripe_checkout_session_id=session["id"],
        stripe_customer_id=stripe_id(session.get("customer")),
        stripe_subscription_id=stripe_id(session.get("subscription")),
        stripe_payment_intent_id=stripe_id(session.get("payment_intent")),
    )
    # Whatever method the donor chose in our form, the session's `payment_status` says whether
    # the money is there (card, PayPay) or comes later (konbini, bank transfer).
    paid = session.get("payment_status") == "paid"
    if session.get("status") == "expired":
        donation.expire()
    elif donation.is_monthly:
        if paid:
            donation.activate(as_of=as_of)
    elif paid:
        payment, created = donation.receive_payment(
            amount=session["amount_total"],
            stripe_payment_intent_id=stripe_id(session.get("payment_intent")),
        )
        receipt_waits = payment_method_used.learn(
            donation, session, ask=created, receipt_for=payment if created else None
        )
        if created and not receipt_waits:
            tasks.schedule_receipt(payment)
        _apply_waiting_events(payment)  # also when this report told us its payment intent
    elif session.get("status") == "complete":
        # A voucher or transfer instructions: payment comes later.
        payment_method_used.learn(donation, session, ask=donation.await_payment())
    return donation


def on_checkout_completed(session, as_of):
    apply_checkout_session(session, as_of)


def on_async_payment_failed(session, as_of):
    if donation := find_donation(session.get("metadata"), stripe_checkout_session_id=session["id"]):
        donation.fail()


def on_session_expired(session, as_of):
    if donation := find_donation(session.get("metadata"), stripe_checkout_session_id=session["id"]):
        donation.expire()


# --- Stripe's bank transfers (customer_balance) ---------------------------------------------


def on_payment_intent_partially_funded(intent, as_of):
    """Part of a bank transfer arrived: staff see what is missing. Nothing counts yet; the
    session's async_payment_succeeded counts the gift once the whole amount is there."""
    lock_stripe_objects(intent["id"])
    donation = find_donation(intent.get("metadata"), stripe_payment_intent_id=intent["id"])
    instructions = (intent.get("next_action") or {}).get("display_bank_transfer_instructions")
    if donation is None or not instructions or instructions.get("amount_remaining") is None:
        return
    donation.link_stripe(stripe_payment_intent_id=intent["id"])
    donation.note_payment_method(PaymentMethod.BANK_TRANSFER)
    donation.note_transfer_missing(instructions["amount_remaining"])


def on_cash_balance_transaction(balance_transaction, as_of):
    """A movement in a donor's Stripe cash balance: what is left after the gift took its
    amount was sent beyond it (kept by Stripe for the donor: staff refund or return it)."""
    customer_id = stripe_id(balance_transaction.get("customer"))
    if not customer_id or balance_transaction.get("ending_balance") is None:
        return
    donation = (
        Donation.objects.filter(stripe_customer_id=customer_id, frequency=Donation.Frequency.ONCE)
        .order_by("-created_at")
        .first()
    )
    if donation is not None:
        created = balance_transaction.get("created")
        when = StripeEvent.stripe_time(created) if created else as_of
        donation.note_cash_balance(balance_transaction["ending_balance"], when)


# --- subscriptions and invoices ------------------------------------------------------------


def _invoice_subscription(invoice):
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return stripe_id(details.get("subscription")), details.get("metadata")


def _invoice_donation(invoice) -> Donation | None:
    subscription_id, metadata = _invoice_subscription(invoice)
    donation = find_donation(metadata, stripe_subscription_id=subscription_id)
    if donation is None or not donation.is_monthly:
        return None
    donation.link_stripe(
        stripe_subscription_id=subscription_id,
        stripe_customer_id=stripe_id(invoice.get("customer")),
    )
    return donation


def on_invoice_paid(invoice, as_of):
    lock_stripe_objects(invoice["id"])  # invoice_payment.paid may be looking for its payment
    donation = _invoice_donation(invoice)
    if donation is None:
        return
    if not invoice.get("amount_paid"):
        donation.activate(as_of=as_of)
        return
    paid_at = (invoice.get("status_transitions") or {}).get("paid_at")
    payment, created = donation.receive_invoice_payment(
        amount=invoice["amount_paid"],
        paid_at=StripeEvent.stripe_time(paid_at) if paid_at else as_of,
        as_of=as_of,
        stripe_invoice_id=invoice["id"],
    )
    if created:
        tasks.schedule_receipt(payment)
        _apply_waiting_events(payment)
        if invoice.get("billing_reason") == "subscription_create":
            tasks.schedule_welcome(donation)


def on_invoice_payment_paid(invoice_payment, as_of):
    """Which payment intent paid an invoice: a refund or dispute of a monthly charge names only
    that, since in this API version neither the charge nor the invoice names the other."""
    invoice_id = stripe_id(invoice_payment.get("invoice"))
    paid_by = invoice_payment.get("payment") or {}
    lock_stripe_objects(invoice_id, stripe_id(paid_by.get("payment_intent")))
    payment = Payment.objects.filter(stripe_invoice_id=invoice_id).first()
    if payment is None:
        return  # applied from the stored event once invoice.paid records the payment
    if payment.link_stripe(
        stripe_payment_intent_id=stripe_id(paid_by.get("payment_intent")),
        stripe_charge_id=stripe_id(paid_by.get("charge")),
    ):
        _apply_waiting_events(payment)


def on_invoice_payment_failed(invoice, as_of):
    donation = _invoice_donation(invoice)
    if donation is None or not invoice.get("amount_due"):
        return
    payment, created = donation.record_invoice_failure(
        amount=invoice["amount_due"], as_of=as_of, stripe_invoice_id=invoice["id"]
    )
    if created:
        tasks.schedule_failure_notice(payment)
    payment_recovery.follow_failed_attempt(payment, invoice)


SUBSCRIPTION_STATUS_ACTIONS = {
    "active": Donation.activate,
    "trialing": Donation.activate,
    "past_due": Donation.mark_past_due,
    "unpaid": Donation.mark_past_due,
    "canceled": Donation.cancel,
    "incomplete_expired": Donation.cancel,
}


def _monthly_amount(subscription) -> int | None:
    """The yen charged each month by a one-item subscription (changed on the supporter page)."""
    items = (subscription.get("items") or {}).get("data") or []
    if len(items) != 1:
        return None
    price = items[0].get("price") or {}
    if price.get("currency") != "jpy" or not price.get("unit_amount"):
        return None
    return int(price["unit_amount"]) * int(items[0].get("quantity") or 1)


def on_subscription_updated(subscription, as_of):
    donation = find_donation(
        subscription.get("metadata"), stripe_subscription_id=subscription["id"]
    )
    if donation is None or not donation.is_monthly:
        return
    donation.link_stripe(
        stripe_subscription_id=subscription["id"],
        stripe_customer_id=stripe_id(subscription.get("customer")),
    )
    if action := SUBSCRIPTION_STATUS_ACTIONS.get(subscription.get("status")):
        action(donation, as_of=as_of)
    # --- a pause set on the supporter page (or in the Dashboard) ---
    pause = subscription.get("pause_collection") or {}
    resumes_at = pause.get("resumes_at")
    donation.set_pause(StripeEvent.stripe_time(resumes_at) if resumes_at else None, as_of=as_of)
    if amount := _monthly_amount(subscription):
        donation.change_monthly_amount(amount, as_of=as_of)
    # ---
    payment_recovery.say_goodbye_if_unpaid(donation, subscription)
    cancel_at = subscription.get("cancel_at")
    donation.set_scheduled_end(
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        cancel_at=StripeEvent.stripe_time(cancel_at) if cancel_at else None,
        as_of=as_of,
    )


def on_subscription_deleted(subscription, as_of):
    donation = find_donation(
        subscription.get("metadata"), stripe_subscription_id=subscription["id"]
    )
    if donation is not None and donation.is_monthly:
        donation.cancel(as_of=as_of)
        payment_recovery.say_goodbye_if_unpaid(donation, subscription)


# --- refunds and disputes ------------------------------------------------------------------


def on_charge_refunded(charge, as_of):
    """The charge's refunded total, as of this event: newer reports replace older ones."""
    payment = find_payment(charge["id"], stripe_id(charge.get("payment_intent")))
    if payment is None:
        log.info("Refund for a charge we do not know: %s", charge["id"])
        return
    payment.record_refund(charge.get("amount_refunded") or 0, as_of)


def on_refund_changed(refund, as_of):
    """One refund, by its id, in its current state: created, updated, failed or cancelled. A
    refund that fails or is cancelled gives its money back."""
    if not refund.get("amount") or refund.get("status") not in Refund.Status.values:
        return  # nothing refunded, or a state this API version does not document
    payment = find_payment(stripe_id(refund.get("charge")), stripe_id(refund.get("payment_intent")))
    if payment is None:
        log.info("Refund of a payment we do not know: %s", refund["id"])
        return
    created = refund.get("created")
    payment.record_stripe_refund(
        refund["id"],
        amount=refund["amount"],
        status=refund["status"],
        created=StripeEvent.stripe_time(created) if created else None,
        as_of=as_of,
    )


def on_dispute_changed(dispute, as_of):
    """Created, updated, funds withdrawn or reinstated, closed: the dispute's status says where
    the money is (`Payment.set_dispute_status`)."""
    payment = find_payment(
        stripe_id(dispute.get("charge")), stripe_id(dispute.get("payment_intent"))
    )
    if payment is not None and dispute.get("status") in DisputeStatus.values:
        payment.set_dispute_status(
            dispute["id"], dispute["status"], amount=dispute.get("amount") or 0, as_of=as_of
        )


def _apply_waiting_events(payment):
    """Events about a payment that arrived before it was recorded (or before we knew its payment
    intent) matched nothing then; they count now. Applying one again changes nothing: ids are
    only ever filled in, and a charge's refunded total, each refund's state and a dispute's
    state carry the time of the event that set them."""
    waiting = Q()
    if payment.stripe_invoice_id:
        waiting |= Q(type="invoice_payment.paid", invoice_id=payment.stripe_invoice_id)
    if payment.stripe_payment_intent_id:
        waiting |= Q(
            type__in=REFUND_AND_DISPUTE, payment_intent_id=payment.stripe_payment_intent_id
        )
    if not waiting:
        return
    for event in StripeEvent.objects.filter(waiting, held=False).order_by("created"):
        HANDLERS[event.type](event.payload["data"]["object"], event.created)


HANDLERS = {
    "checkout.session.completed": on_checkout_completed,
    "checkout.session.async_payment_succeeded": on_checkout_completed,
    "checkout.session.async_payment_failed": on_async_payment_failed,
    "checkout.session.expired": on_session_expired,
    "payment_intent.partially_funded": on_payment_intent_partially_funded,
    "customer_cash_balance_transaction.created": on_cash_balance_transaction,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_invoice_payment_failed,
    "invoice_payment.paid": on_invoice_payment_paid,
    "customer.subscription.updated": on_subscription_updated,
    "customer.subscription.deleted": on_subscription_deleted,
    "charge.refunded": on_charge_refunded,
    **dict.fromkeys(REFUND_EVENTS, on_refund_changed),
    **dict.fromkeys(DISPUTE_EVENTS, on_dispute_changed),
}
