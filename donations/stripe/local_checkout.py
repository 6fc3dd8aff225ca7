"""The local test checkout used when no Stripe key is set: it builds the same events Stripe would
send and feeds them to the very code that handles real webhooks. No money moves."""

import time
import uuid

from donations.models import Donation
from donations.stripe.applying import process_event
from donations.stripe.gateway import API_VERSION
from donations.thanks_links import LOCAL_SESSION_PREFIX


def _event(event_type: str, obj: dict) -> dict:
    return {
        "id": f"evt_local_{uuid.uuid4().hex}",
        "object": "event",
        "api_version": API_VERSION,
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def _metadata(donation: Donation) -> dict:
    return {"donation_id": str(donation.pk), "frequency": donation.frequency}


def _session(donation: Donation, **fields) -> dict:
    ref = donation.checkout_token.hex
    return {
        "id": f"{LOCAL_SESSION_PREFIX}{ref}",
        "object": "checkout.session",
        "mode": "subscription" if donation.is_monthly else "payment",
        "amount_total": donation.amount,
        "currency": "jpy",
        "customer": f"cus_local_{ref}",
        "payment_intent": None if donation.is_monthly else f"pi_local_{ref}",
        "subscription": f"sub_local_{ref}" if donation.is_monthly else None,
        "metadata": _metadata(donation),
        **fields,
    }


def complete(donation: Donation):
    """The donor paid: checkout completes and, for a monthly gift, the first invoice is paid."""
    process_event(
        _event(
            "checkout.session.completed",
            _session(donation, status="complete", payment_status="paid"),
        )
    )
    if donation.is_monthly:
        pay_invoice(donation)


# --- delayed methods: konbini and Stripe's bank transfer ------------------------------------


def issue_instructions(donation: Donation):
    """A konbini slip or a transfer account is issued: Checkout completes unpaid."""
    process_event(
        _event(
            "checkout.session.completed",
            _session(donation, status="complete", payment_status="unpaid"),
        )
    )


def money_arrives(donation: Donation):
    """The donor paid at the store or the transfer arrived, days later."""
    process_event(
        _event(
            "checkout.session.async_payment_succeeded",
            _session(donation, status="complete", payment_status="paid"),
        )
    )


def instructions_expire(donation: Donation):
    """The slip or the transfer instructions expired unpaid."""
    process_event(
        _event(
            "checkout.session.async_payment_failed",
            _session(donation, status="complete", payment_status="unpaid"),
        )
    )


def pay_invoice(donation: Donation):
    """The first invoice paid. Its id is fixed, as Stripe's is, so that a double-clicked "pay"
    records it once."""
    ref = donation.checkout_token.hex
    now = int(time.time())
    invoice = {
        "id": f"in_local_{ref}_1",
        "object": "invoice",
        "customer": f"cus_local_{ref}",
        "amount_paid": donation.amount,
        "amount_due": donation.amount,
        "billing_reason": "subscription_create",
        "currency": "jpy",
        "status": "paid",
        "status_transitions": {"paid_at": now},
        "parent": {
            "type": "subscription_details",
            "subscription_details": {
                "subscription": f"sub_local_{ref}",
                "metadata": _metadata(donation),
            },
        },
    }
    process_event(_event("invoice.paid", invoice))


def abandon(donation: Donation):
    """The donor gave up (or the card was declined until the session expired)."""
    process_event(
        _event(
            "checkout.session.expired",
            _session(donation, status="expired", payment_status="unpaid"),
        )
    )


def cancel_subscription(donation: Donation):
    subscription = {
        "id": donation.stripe_subscription_id,
        "object": "subscription",
        "status": "canceled",
        "customer": donation.stripe_customer_id,
        "metadata": _metadata(donation),
    }
    process_event(_event("customer.subscription.deleted", subscription))


# --- a supporter's own changes, without Stripe (donations/supporters/changes.py) ------------


def _subscription(donation: Donation, **fields) -> dict:
    return {
        "id": donation.stripe_subscription_id,
        "object": "subscription",
        "status": "active",
        "customer": donation.stripe_customer_id,
        "cancel_at_period_end": donation.cancel_at_period_end,
        "cancel_at": int(donation.cancel_at.timestamp()) if donation.cancel_at else None,
        "metadata": _metadata(donation),
        **fields,
    }


def pause_subscription(donation: Donation, resumes_at: int):
    pause = {"behavior": "void", "resumes_at": resumes_at}
    process_event(
        _event("customer.subscription.updated", _subscription(donation, pause_collection=pause))
    )


def resume_subscription(donation: Donation):
    process_event(
        _event("customer.subscription.updated", _subscription(donation, pause_collection=None))
    )


def change_amount(donation: Donation, amount: int):
    items = {"object": "list", "data": [{"price": {"currency": "jpy", "unit_amount": amount}}]}
    process_event(_event("customer.subscription.updated", _subscription(donation, items=items)))
