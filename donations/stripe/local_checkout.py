"""The local test checkout used when no Stripe key is set: it builds the same events Stripe would
send and feeds them to the very code that handles real webhooks. No money moves."""

import time
import uuid

from campaigns import payment_methods
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


def offered(donation: Donation) -> list[str]:
    """The methods (Stripe's types) the session would offer, as `checkout.session_params` asks."""
    if donation.is_monthly:
        return ["card"]
    methods = payment_methods.checkout_methods(donation.campaign.one_time_methods, donation.amount)
    return [payment_methods.CHECKOUT_TYPES[method] for method in methods]


def _session(donation: Donation, paid_with: str | None = None, **fields) -> dict:
    """The session as Stripe reports it; with `paid_with`, as the thank-you page reads it back
    (the payment intent and the payment method the donor used, expanded)."""
    ref = donation.checkout_token.hex
    intent = None if donation.is_monthly else f"pi_local_{ref}"
    if intent and paid_with:
        method = {"id": f"pm_local_{ref}", "object": "payment_method", "type": paid_with}
        intent = {"id": intent, "object": "payment_intent", "payment_method": method}
    return {
        "id": f"{LOCAL_SESSION_PREFIX}{ref}",
        "object": "checkout.session",
        "mode": "subscription" if donation.is_monthly else "payment",
        "amount_total": donation.amount,
        "currency": "jpy",
        "customer": f"cus_local_{ref}",
        "payment_intent": intent,
        "payment_method_types": offered(donation),
        "subscription": f"sub_local_{ref}" if donation.is_monthly else None,
        "metadata": _metadata(donation),
        **fields,
    }


# The methods whose money comes after Checkout (Stripe's types).
DELAYED_TYPES = {payment_methods.CHECKOUT_TYPES[method] for method in payment_methods.DELAYED}


def pay(donation: Donation, paid_with: str | None = None):
    """The donor finished Checkout with one of the offered methods (by default the one chosen in
    our form): paid at once, or (konbini, bank transfer) with a slip or an account to pay to
    later."""
    methods = offered(donation)
    paid_with = paid_with or payment_methods.CHECKOUT_TYPES.get(donation.payment_method)
    if paid_with not in methods:
        paid_with = methods[0]
    status = "unpaid" if paid_with in DELAYED_TYPES else "paid"
    process_event(
        _event(
            "checkout.session.completed",
            _session(donation, paid_with, status="complete", payment_status=status),
        )
    )
    if donation.is_monthly:
        pay_invoice(donation)


# --- delayed methods: konbini and Stripe's bank transfer ------------------------------------


def test_transfer_account(donation: Donation) -> dict:
    """The virtual account the thank-you page shows for a bank transfer, shaped like the
    `zengin` address of Stripe's transfer instructions, plainly a test one."""
    missing = donation.transfer_amount_missing
    return {
        "bank_name": "テスト銀行 (TEST)",
        "bank_code": "0000",
        "branch_name": "テスト支店 (TEST)",
        "branch_code": "000",
        "account_type": "futsu",
        "account_number": "0000000",
        "account_holder_name": "TEST",
        "amount_remaining": donation.amount if missing is None else missing,
    }


def part_arrives(donation: Donation):
    """Half the amount is transferred: staff see what is missing, nothing counts yet."""
    ref = donation.checkout_token.hex
    instructions = {"amount_remaining": donation.amount - donation.amount // 2}
    intent = {
        "id": f"pi_local_{ref}",
        "object": "payment_intent",
        "metadata": _metadata(donation),
        "next_action": {
            "type": "display_bank_transfer_instructions",
            "display_bank_transfer_instructions": {**instructions, "type": "jp_bank_transfer"},
        },
    }
    process_event(_event("payment_intent.partially_funded", intent))


OVER_FUNDED_BY = 1000


def more_arrives(donation: Donation):
    """¥1,000 more than the gift is transferred: the gift counts what it asked, the rest stays
    in the donor's Stripe cash balance (funded, applied to the payment, then reported)."""
    ref = donation.checkout_token.hex
    for kind, balance in (
        ("funded", donation.amount + OVER_FUNDED_BY),
        ("applied_to_payment", OVER_FUNDED_BY),
    ):
        transaction = {
            "id": f"ccsbtxn_local_{ref}_{kind}",
            "object": "customer_cash_balance_transaction",
            "created": int(time.time()),
            "currency": "jpy",
            "customer": f"cus_local_{ref}",
            "ending_balance": balance,
            "type": kind,
        }
        process_event(_event("customer_cash_balance_transaction.created", transaction))
    money_arrives(donation)


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
