"""Stripe event payloads shaped like API version 2026-10-28, and posting them to the webhook
signed with the real Stripe-Signature scheme.

Each object is built against the SDK's resource class of its kind
(`partial_object(stripe.Invoice, ...)`, tests/support/stripe_shapes.py): a field this version
does not have, or a value of the wrong kind, fails the test that builds it.
Only `invoice_2024_06_20` is shaped otherwise, on purpose."""

import json
import time
import urllib.request
import uuid

import stripe

from campaigns.payment_methods import CHECKOUT_TYPES
from donations.models import Donation
from donations.stripe import applying
from tests.support.stripe_shapes import partial_object

API_VERSION = stripe.api_version  # the SDK's pinned version: "2026-10-28.endive"
WEBHOOK_PATH = "/stripe/webhook/"
SECRET = "whsec_test_secret"  # what tests/conftest.py configures


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{uuid.uuid4().hex[:24]}"


def event(
    event_type: str,
    obj: dict,
    *,
    created: int | None = None,
    event_id=None,
    api_version=API_VERSION,
) -> dict:
    """The envelope as `stripe.Event` declares it; `obj` is checked by its own builder."""
    return partial_object(
        stripe.Event,
        {
            "id": event_id or new_id("evt"),
            "api_version": api_version,
            "created": created if created is not None else int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        },
    )


def metadata(donation) -> dict:
    """What the site puts on sessions, payment intents and subscriptions."""
    return {
        "donation_id": str(donation.pk),
        "campaign": donation.campaign.slug,
        "frequency": donation.frequency,
    }


def checkout_session(
    donation,
    *,
    session_id=None,
    status="complete",
    payment_status="paid",
    customer="auto",
    payment_intent="auto",
    subscription="auto",
) -> dict:
    monthly = donation.is_monthly
    ref = uuid.uuid4().hex[:12]
    if customer == "auto":
        customer = f"cus_{ref}"
    if payment_intent == "auto":
        payment_intent = None if monthly else f"pi_{ref}"
    if subscription == "auto":
        subscription = f"sub_{ref}" if monthly else None
    return partial_object(
        stripe.checkout.Session,
        {
            "id": session_id or donation.stripe_checkout_session_id or new_id("cs"),
            "amount_subtotal": donation.amount,
            "amount_total": donation.amount,
            "client_reference_id": str(donation.pk),
            "created": int(time.time()) - 60,
            "currency": "jpy",
            "customer": customer if status == "complete" else None,
            "customer_email": donation.donor_email,
            "livemode": False,
            "metadata": metadata(donation),
            "mode": "subscription" if monthly else "payment",
            "payment_intent": payment_intent if status == "complete" else None,
            # A session that offered the method the donor chose (Stripe's name for it).
            "payment_method_types": [CHECKOUT_TYPES.get(donation.payment_method, "card")],
            "payment_status": payment_status,
            "status": status,
            "submit_type": "donate",
            "subscription": subscription if status == "complete" else None,
            "url": None,
        },
    )


def invoice(
    donation,
    *,
    subscription_id,
    customer_id="cus_test_monthly",
    invoice_id=None,
    amount=None,
    paid=True,
    billing_reason="subscription_cycle",
    paid_at=None,
    with_metadata=True,
) -> dict:
    """An invoice of a subscription: since API 2025-03-31 it names its subscription only under
    `parent.subscription_details`."""
    amount = donation.amount if amount is None else amount
    now = int(time.time())
    details = {
        "subscription": subscription_id,
        "metadata": metadata(donation) if with_metadata else {},
    }
    return partial_object(
        stripe.Invoice,
        {
            "id": invoice_id or new_id("in"),
            "amount_due": amount,
            "amount_paid": amount if paid else 0,
            "amount_remaining": 0 if paid else amount,
            "attempt_count": 1,
            "billing_reason": billing_reason,
            "created": now - 3600,
            "currency": "jpy",
            "customer": customer_id,
            "customer_email": donation.donor_email,
            "livemode": False,
            "parent": {
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": details,
            },
            "status": "paid" if paid else "open",
            "status_transitions": {
                "finalized_at": now - 3600,
                "paid_at": (paid_at or now) if paid else None,
            },
        },
    )


OLD_API_VERSION = "2024-06-20"


def invoice_2024_06_20(donation, *, subscription_id, invoice_id, customer_id="cus_test_monthly"):
    """An invoice of a subscription as API 2024-06-20 rendered it, and as an endpoint left on an
    account's old default version still sends it: the subscription at the top level, its
    metadata under `subscription_details`, no `parent`."""
    now = int(time.time())
    return {
        "id": invoice_id,
        "object": "invoice",
        "amount_due": donation.amount,
        "amount_paid": donation.amount,
        "amount_remaining": 0,
        "attempt_count": 1,
        "billing_reason": "subscription_cycle",
        "charge": new_id("ch"),
        "created": now - 3600,
        "currency": "jpy",
        "customer": customer_id,
        "customer_email": donation.donor_email,
        "livemode": False,
        "paid": True,
        "payment_intent": new_id("pi"),
        "status": "paid",
        "status_transitions": {"finalized_at": now - 3600, "paid_at": now},
        "subscription": subscription_id,
        "subscription_details": {"metadata": metadata(donation)},
    }


def subscription(
    donation,
    *,
    subscription_id,
    customer_id="cus_test_monthly",
    status="active",
    cancel_at_period_end=False,
) -> dict:
    return partial_object(
        stripe.Subscription,
        {
            "id": subscription_id,
            "cancel_at_period_end": cancel_at_period_end,
            "canceled_at": int(time.time()) if status == "canceled" else None,
            "created": int(time.time()) - 40 * 24 * 3600,
            "currency": "jpy",
            "customer": customer_id,
            "livemode": False,
            "metadata": metadata(donation),
            "status": status,
        },
    )


def charge(*, payment_intent, amount, amount_refunded=0, charge_id=None) -> dict:
    """A charge as `charge.refunded` sends it: amount_refunded is the running total."""
    return partial_object(
        stripe.Charge,
        {
            "id": charge_id or new_id("ch"),
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": amount_refunded,
            "currency": "jpy",
            "livemode": False,
            "paid": True,
            "payment_intent": payment_intent,
            "refunded": amount_refunded >= amount,
            "status": "succeeded",
        },
    )


def invoice_payment(*, invoice_id, payment_intent, amount) -> dict:
    """`invoice_payment.paid`: the only object tying a monthly invoice to its payment intent."""
    return partial_object(
        stripe.InvoicePayment,
        {
            "id": new_id("inpay"),
            "amount_paid": amount,
            "currency": "jpy",
            "invoice": invoice_id,
            "is_default": True,
            "livemode": False,
            "payment": {"type": "payment_intent", "payment_intent": payment_intent},
            "status": "paid",
        },
    )


def dispute(*, payment_intent, amount, charge_id=None) -> dict:
    return dispute_in(
        "needs_response", payment_intent=payment_intent, amount=amount, charge_id=charge_id
    )


def signature_header(payload: str, *, secret=SECRET, timestamp=None) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def post_event(client, evt: dict, *, secret=SECRET, timestamp=None, apply=True):
    """Deliver an event as Stripe does (the raw JSON body, signed), then let the event worker
    apply what the webhook recorded, unless `apply` is False."""
    payload = json.dumps(evt)
    response = client.post(
        WEBHOOK_PATH,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": signature_header(payload, secret=secret, timestamp=timestamp)},
    )
    if apply:
        apply_queued()
    return response


def apply_queued() -> int:
    """What `manage.py apply_stripe_events` does with the queue: apply every due event. The number
    applied."""
    applied = 0
    while True:
        tried, done = applying.apply_due_events()
        applied += done
        if not tried:
            return applied


def post_over_http(url, evt: dict) -> int:
    """Deliver an event to a running server (live_server, gunicorn) at `url`; its status."""
    payload = json.dumps(evt)
    request = urllib.request.Request(
        url,
        data=payload.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": signature_header(payload)},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def pending(campaign, frequency="once", amount=3000, locale="ja"):
    """A donation as /donate/pay/ leaves it before Checkout."""
    return Donation.objects.create(
        campaign=campaign,
        frequency=frequency,
        amount=amount,
        donor_name="山田 花子",
        donor_email="hanako@example.jp",
        locale=locale,
        checkout_token=uuid.uuid4(),
    )


# --- refunds, disputes and scheduled ends (shaped from stripe/_refund.py, _dispute.py and
# _subscription.py of stripe-python 16.1) ------------------------------------------------------


def refund(
    *,
    payment_intent,
    amount,
    charge_id=None,
    refund_id=None,
    status="succeeded",
    created=None,
    failure_reason=None,
) -> dict:
    """A Refund as `refund.created`/`.updated`/`.failed` and `charge.refund.updated` send it:
    its own id, amount and status (`pending`, `requires_action`, `succeeded`, `failed`,
    `canceled`)."""
    failed = status == "failed"
    return partial_object(
        stripe.Refund,
        {
            "id": refund_id or new_id("re"),
            "amount": amount,
            "balance_transaction": new_id("txn"),
            "charge": charge_id or new_id("ch"),
            "created": created if created is not None else int(time.time()) - 120,
            "currency": "jpy",
            "failure_balance_transaction": new_id("txn") if failed else None,
            "failure_reason": (failure_reason or "expired_or_canceled_card") if failed else None,
            "metadata": {},
            "payment_intent": payment_intent,
            "reason": "requested_by_customer",
            "status": status,
        },
    )


def dispute_in(status: str, *, payment_intent, amount, dispute_id=None, charge_id=None) -> dict:
    """A Dispute in one of this API version's statuses, e.g. `warning_needs_response` (an
    inquiry), `needs_response`, `appeal_under_review`, `won`, `lost` or `prevented`."""
    return partial_object(
        stripe.Dispute,
        {
            "id": dispute_id or new_id("dp"),
            "amount": amount,
            "balance_transactions": [],
            "charge": charge_id or new_id("ch"),
            "created": int(time.time()) - 600,
            "currency": "jpy",
            "is_charge_refundable": status.startswith("warning"),
            "livemode": False,
            "metadata": {},
            "payment_intent": payment_intent,
            "reason": "fraudulent",
            "status": status,
        },
    )


def subscription_ending(donation, *, subscription_id, cancel_at, **fields) -> dict:
    """A subscription that ends on a date (`cancel_at`, Unix time, or None when removed)."""
    return partial_object(
        stripe.Subscription,
        {
            **subscription(donation, subscription_id=subscription_id, **fields),
            "cancel_at": cancel_at,
        },
    )
