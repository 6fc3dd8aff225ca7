"""Stripe events: recorded by the webhook (`record_event`), then applied to the ledger by the
event worker (`apply_due_events`): each event once by its id, each change once by the id of the
object it describes, in whatever order the events arrive.

An event of another API version than the site's is recorded and held: staff apply it
(`apply_held_events`) from its object fetched again from Stripe, in our version."""

import datetime
import logging

from django.db import InterfaceError, OperationalError
from django.db.models import Q

from donations import stripe_gateway, tasks
from donations.event_validation import MalformedEvent, in_our_version, validate
from donations.models import (
    CampaignProgress,
    DisputeStatus,
    Donation,
    Payment,
    Refund,
    StripeEvent,
)
from jii_campaign.locking import lock_stripe_objects
from jii_campaign.retrying import doubling_pause

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
            stripe_gateway.API_VERSION,
        )
    return recorded


def process_event(event: dict) -> bool:
    """Record and apply one event now, in one transaction; False when it had been applied
    before, or is held for its API version. Anything a handler raises is a bug of ours and
    propagates, rolling the event back."""
    with CampaignProgress.deferred():
        record_event(event)
        record = StripeEvent.objects.select_for_update().get(event_id=event["id"])
        if record.processed_at or record.held:
            return False
        _apply(record)
        StripeEvent.mark_applied([record])
    return True


BATCH_SIZE = 20


def apply_due_events(batch_size=BATCH_SIZE, *, pk=None) -> tuple[int, int]:
    """Apply the oldest recorded events that are due, up to `batch_size` in one transaction (one
    commit and one counter update for them all); how many were tried and how many applied, (0, 0)
    when none is due. Several appliers may run: each skips the rows another holds.

    If one fails, the batch is rolled back and its events are applied one per transaction, so
    that only the failing one waits, to be tried again after a growing pause."""
    due = StripeEvent.objects.due()
    if pk is not None:
        due = due.filter(pk=pk)
    claimed = []
    try:
        with CampaignProgress.deferred():
            claimed = list(due.select_for_update(skip_locked=True)[:batch_size])
            for record in claimed:
                _apply(record)
            StripeEvent.mark_applied(claimed)
        return len(claimed), len(claimed)
    except (OperationalError, InterfaceError):
        raise  # the database is away: nothing can be noted; the events stay queued
    except Exception as error:
        if not claimed:
            raise
        if len(claimed) == 1:
            # A bug of ours, or data we did not foresee: the traceback goes to the log (whose
            # formatter redacts personal data), the event waits, and the others go on.
            failed = claimed[0]
            log.exception("Stripe event %s (%s) failed to apply", failed.event_id, failed.type)
            failed.note_failure(error, retry_pause(failed.attempts + 1))
            return 1, 0
    applied = sum(apply_due_events(1, pk=record.pk)[1] for record in claimed)
    return len(claimed), applied


def retry_pause(attempt: int) -> datetime.timedelta:
    """After failed attempt number `attempt`: 10 s, doubling up to an hour (a fix is deployed
    within that, and the event applies on its own)."""
    return doubling_pause(attempt, datetime.timedelta(seconds=10), MAX_RETRY_PAUSE)


MAX_RETRY_PAUSE = datetime.timedelta(hours=1)


# --- events held for their API version ------------------------------------------------------


class CannotFetchAgain(Exception):
    """A held event whose object Stripe did not give back in our version: it stays held."""


# How to ask Stripe for an object afresh, by its kind (`object`); the SDK's answer is in our
# version. A Checkout session comes with its payment intent, as the thank-you page reads it.
FETCH_AGAIN = {
    "checkout.session": stripe_gateway.retrieve_checkout_session,
    "invoice": stripe_gateway.retrieve_invoice,
    "invoice_payment": stripe_gateway.retrieve_invoice_payment,
    "subscription": stripe_gateway.retrieve_subscription,
    "charge": stripe_gateway.retrieve_charge,
    "refund": stripe_gateway.retrieve_refund,
    "dispute": stripe_gateway.retrieve_dispute,
}


def apply_held_event(record: StripeEvent) -> bool:
    """Apply an event held for its API version exactly as one of ours: with its object as Stripe
    answers it now (fetched through the SDK, checked like any event of our version), by its
    handler, in one transaction that marks it applied. False when it was no longer held (applied
    by another press). Raises CannotFetchAgain when Stripe does not answer, or answers with
    something unusable: the event stays held."""
    obj = record.payload["data"]["object"]
    if record.type in HANDLERS:
        obj = _fetch_again(record)
    with CampaignProgress.deferred():
        if not record.release(obj, stripe_gateway.API_VERSION, **objects_named(record.type, obj)):
            return False
        _apply(record)
        StripeEvent.mark_applied([record])
    return True


def _fetch_again(record: StripeEvent) -> dict:
    obj = record.payload["data"]["object"]
    fetch = FETCH_AGAIN.get(obj.get("object"))
    object_id = obj.get("id")
    if fetch is None or not isinstance(object_id, str) or not object_id:
        raise CannotFetchAgain(f"no way to fetch the object of a {record.type} event again")
    try:
        current = fetch(object_id)
        ours = {"api_version": stripe_gateway.API_VERSION, "data": {"object": current}}
        validate({**record.payload, **ours})
    except (stripe_gateway.GatewayUnavailable, MalformedEvent) as error:
        raise CannotFetchAgain(str(error)) from error
    return current


def apply_held_events(records) -> tuple[list[StripeEvent], int]:
    """Apply the held events among `records`, oldest first (see `apply_held_event`): those
    applied, and how many could not be fetched again or failed to apply, and stay held."""
    applied, failed = [], 0
    for record in records.held().order_by("created", "id"):
        try:
            if apply_held_event(record):
                applied.append(record)
        except CannotFetchAgain as error:
            log.warning("Held Stripe event %s not applied: %s", record.event_id, error)
            failed += 1
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            # A bug of ours, as in apply_due_events: rolled back, logged, the event stays held.
            log.exception("Held Stripe event %s (%s) failed to apply", record.event_id, record.type)
            failed += 1
    return applied, failed


def _apply(record: StripeEvent):
    """Apply a locked, recorded event (the counters change at the end of the enclosing
    CampaignProgress.deferred transaction)."""
    if handler := HANDLERS.get(record.type):
        handler(record.payload["data"]["object"], record.created)


# --- finding our rows ----------------------------------------------------------------------


def donation_id_in(metadata) -> int | None:
    """Our donation's id from a Stripe object's metadata, when it carries one."""
    value = str((metadata or {}).get("donation_id") or "")
    return int(value) if value.isascii() and value.isdigit() else None


def _find_donation(metadata=None, **stripe_ids) -> Donation | None:
    if (pk := donation_id_in(metadata)) and (donation := Donation.objects.filter(pk=pk).first()):
        return donation
    for name, value in stripe_ids.items():
        if value and (donation := Donation.objects.filter(**{name: value}).first()):
            return donation
    log.info("Stripe object matches no donation: %s %s", metadata, stripe_ids)
    return None


def _find_payment(charge_id, payment_intent_id) -> Payment | None:
    # The payment may be being recorded this instant, under the same lock: wait, then see it.
    lock_stripe_objects(payment_intent_id or charge_id)
    if charge_id and (payment := Payment.objects.filter(stripe_charge_id=charge_id).first()):
        return payment
    if payment_intent_id:
        return Payment.objects.filter(stripe_payment_intent_id=payment_intent_id).first()
    return None


def _id(value):
    """Stripe sends either an id or, when expanded, the object carrying it."""
    return value.get("id") if isinstance(value, dict) else value


# --- Checkout ------------------------------------------------------------------------------


def apply_checkout_session(session: dict, as_of=None) -> Donation | None:
    """What a finished Checkout session means for its donation; safe to apply many times."""
    # Before anything is read: a refund or dispute of this payment may be applied right now.
    lock_stripe_objects(_id(session.get("payment_intent")))
    donation = _find_donation(
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
        stripe_customer_id=_id(session.get("customer")),
        stripe_subscription_id=_id(session.get("subscription")),
        stripe_payment_intent_id=_id(session.get("payment_intent")),
    )
    paid = session.get("payment_status") == "paid"
    if session.get("status") == "expired":
        donation.expire()
    elif donation.is_monthly:
        if paid:
            donation.activate(as_of=as_of)
    elif paid:
        payment, created = donation.receive_payment(
            amount=session["amount_total"],
            stripe_payment_intent_id=_id(session.get("payment_intent")),
        )
        if created:
            tasks.schedule_receipt(payment)
        _apply_waiting_events(payment)  # also when this report told us its payment intent
    elif session.get("status") == "complete":
        donation.await_payment()  # konbini: the voucher is issued, payment comes later
    return donation


def on_checkout_completed(session, as_of):
    apply_checkout_session(session, as_of)


def on_async_payment_failed(session, as_of):
    if donation := _find_donation(
        session.get("metadata"), stripe_checkout_session_id=session["id"]
    ):
        donation.fail()


def on_session_expired(session, as_of):
    if donation := _find_donation(
        session.get("metadata"), stripe_checkout_session_id=session["id"]
    ):
        donation.expire()


# --- subscriptions and invoices ------------------------------------------------------------


def _invoice_subscription(invoice):
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return _id(details.get("subscription")), details.get("metadata")


def _invoice_donation(invoice) -> Donation | None:
    subscription_id, metadata = _invoice_subscription(invoice)
    donation = _find_donation(metadata, stripe_subscription_id=subscription_id)
    if donation is None or not donation.is_monthly:
        return None
    donation.link_stripe(
        stripe_subscription_id=subscription_id, stripe_customer_id=_id(invoice.get("customer"))
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


def on_invoice_payment_paid(invoice_payment, as_of):
    """Which payment intent paid an invoice: a refund or dispute of a monthly charge names only
    that, since in this API version neither the charge nor the invoice names the other."""
    invoice_id = _id(invoice_payment.get("invoice"))
    paid_by = invoice_payment.get("payment") or {}
    lock_stripe_objects(invoice_id, _id(paid_by.get("payment_intent")))
    payment = Payment.objects.filter(stripe_invoice_id=invoice_id).first()
    if payment is None:
        return  # applied from the stored event once invoice.paid records the payment
    if payment.link_stripe(
        stripe_payment_intent_id=_id(paid_by.get("payment_intent")),
        stripe_charge_id=_id(paid_by.get("charge")),
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


SUBSCRIPTION_STATUS_ACTIONS = {
    "active": Donation.activate,
    "trialing": Donation.activate,
    "past_due": Donation.mark_past_due,
    "unpaid": Donation.mark_past_due,
    "canceled": Donation.cancel,
    "incomplete_expired": Donation.cancel,
}


def on_subscription_updated(subscription, as_of):
    donation = _find_donation(
        subscription.get("metadata"), stripe_subscription_id=subscription["id"]
    )
    if donation is None or not donation.is_monthly:
        return
    donation.link_stripe(
        stripe_subscription_id=subscription["id"],
        stripe_customer_id=_id(subscription.get("customer")),
    )
    if action := SUBSCRIPTION_STATUS_ACTIONS.get(subscription.get("status")):
        action(donation, as_of=as_of)
    cancel_at = subscription.get("cancel_at")
    donation.set_scheduled_end(
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        cancel_at=StripeEvent.stripe_time(cancel_at) if cancel_at else None,
        as_of=as_of,
    )


def on_subscription_deleted(subscription, as_of):
    donation = _find_donation(
        subscription.get("metadata"), stripe_subscription_id=subscription["id"]
    )
    if donation is not None and donation.is_monthly:
        donation.cancel(as_of=as_of)


# --- refunds and disputes ------------------------------------------------------------------


def on_charge_refunded(charge, as_of):
    """The charge's refunded total, as of this event: newer reports replace older ones."""
    payment = _find_payment(charge["id"], _id(charge.get("payment_intent")))
    if payment is None:
        log.info("Refund for a charge we do not know: %s", charge["id"])
        return
    payment.record_refund(charge.get("amount_refunded") or 0, as_of)


def on_refund_changed(refund, as_of):
    """One refund, by its id, in its current state: created, updated, failed or cancelled. A
    refund that fails or is cancelled gives its money back."""
    if not refund.get("amount") or refund.get("status") not in Refund.Status.values:
        return  # nothing refunded, or a state this API version does not document
    payment = _find_payment(_id(refund.get("charge")), _id(refund.get("payment_intent")))
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
    payment = _find_payment(_id(dispute.get("charge")), _id(dispute.get("payment_intent")))
    if payment is not None and dispute.get("status") in DisputeStatus.values:
        payment.set_dispute_status(
            dispute["id"], dispute["status"], amount=dispute.get("amount") or 0, as_of=as_of
        )


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
    return {name: _id(value) or None for name, value in named.items()}


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
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_invoice_payment_failed,
    "invoice_payment.paid": on_invoice_payment_paid,
    "customer.subscription.updated": on_subscription_updated,
    "customer.subscription.deleted": on_subscription_deleted,
    "charge.refunded": on_charge_refunded,
    **dict.fromkeys(REFUND_EVENTS, on_refund_changed),
    **dict.fromkeys(DISPUTE_EVENTS, on_dispute_changed),
}
