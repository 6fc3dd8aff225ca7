"""The shape of a verified Stripe event, checked before anything is stored or applied.

An event that is not what its type promises would fail the same way on every delivery, so it
is refused (400). Once an event has passed, whatever its handler raises is a bug of ours: it
propagates (500), the event stays unapplied, and Stripe's redelivery applies it once fixed.

The fields a handler reads are those of the API version the site is written for. An event of
another version (`in_our_version` is false) has only its envelope checked: its object may be
laid out otherwise, so it is stored, held for staff and never read as if it were ours."""

import math
import re

from donations.stripe.gateway import API_VERSION


class MalformedEvent(Exception):
    """A verified event that is not shaped as its type promises."""


MAX_DEPTH = 32  # Stripe's own objects nest less than half as deep
MAX_ID_LENGTH = 255  # the width of our Stripe id columns
MAX_TYPE_LENGTH = 100  # the width of StripeEvent.type
MAX_VERSION_LENGTH = 64  # the width of StripeEvent.api_version
AMOUNTS = range(100_000_000)  # yen, at most eight digits as Stripe allows
TIMES = range(946_684_800, 4_102_444_800)  # Unix time from 2000 to 2100
# NUL, which PostgreSQL text cannot hold, and surrogates: JSON joins a valid pair into one
# character, so any left over is alone and cannot be encoded.
UNSAFE_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def _int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _id(value):
    return isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH


def _ref(value):
    """Stripe sends an object's id or, expanded, the object carrying it."""
    return value is None or _id(value) or (isinstance(value, dict) and _id(value.get("id")))


def _amount(value):
    return value is None or (_int(value) and value in AMOUNTS)


def _time(value):
    return value is None or (_int(value) and value in TIMES)


def _text(value):
    return value is None or isinstance(value, str)


def _flag(value):
    return value is None or isinstance(value, bool)


def _metadata(value):
    return value is None or (
        isinstance(value, dict) and all(isinstance(item, str) for item in value.values())
    )


# What each handled type's handler reads from data.object. A nested dict is an object that may
# be absent or null; a function says whether a value is acceptable.
SESSION = {
    "id": _id,
    "amount_total": _amount,
    "created": _time,
    "status": _text,
    "payment_status": _text,
    "customer": _ref,
    "payment_intent": _ref,
    "subscription": _ref,
    "metadata": _metadata,
    # the methods it offered: one alone is the method the donor paid with
    "payment_method_types": lambda value: (
        value is None or (isinstance(value, list) and all(isinstance(item, str) for item in value))
    ),
}
INVOICE = {
    "id": _id,
    "customer": _ref,
    "amount_paid": _amount,
    "amount_due": _amount,
    "status_transitions": {"paid_at": _time},
    "parent": {"subscription_details": {"subscription": _ref, "metadata": _metadata}},
    # failed payments recovered: when the first try began, the attempt's number and Stripe's
    # next retry (the second reminder's time)
    "created": _time,
    "attempt_count": lambda value: value is None or (_int(value) and 0 <= value < 1000),
    "next_payment_attempt": _time,
    "billing_reason": _text,
}
SUBSCRIPTION = {
    "id": _id,
    "customer": _ref,
    "metadata": _metadata,
    "status": _text,
    "cancel_at_period_end": _flag,
    "cancel_at": _time,
    "cancellation_details": {"reason": _text},  # ended for non-payment: the goodbye
}
DISPUTE = {"id": _id, "charge": _ref, "payment_intent": _ref, "status": _text, "amount": _amount}
REFUND = {
    "id": _id,
    "charge": _ref,
    "payment_intent": _ref,
    "amount": _amount,
    "created": _time,
    "status": _text,
}
PARTIALLY_FUNDED_INTENT = {
    "id": _id,
    "metadata": _metadata,
    "next_action": {"display_bank_transfer_instructions": {"amount_remaining": _amount}},
}
CASH_BALANCE_TRANSACTION = {
    "id": _id,
    "customer": _ref,
    "created": _time,
    "ending_balance": _amount,
    "type": _text,
}
OBJECTS = {
    "checkout.session.completed": SESSION,
    "checkout.session.async_payment_succeeded": SESSION,
    "checkout.session.async_payment_failed": SESSION,
    "checkout.session.expired": SESSION,
    "payment_intent.partially_funded": PARTIALLY_FUNDED_INTENT,
    "customer_cash_balance_transaction.created": CASH_BALANCE_TRANSACTION,
    "invoice.paid": INVOICE,
    "invoice.payment_failed": INVOICE,
    "invoice_payment.paid": {
        "invoice": _ref,
        "payment": {"payment_intent": _ref, "charge": _ref},
    },
    "customer.subscription.updated": SUBSCRIPTION,
    "customer.subscription.deleted": SUBSCRIPTION,
    "charge.refunded": {"id": _id, "payment_intent": _ref, "amount_refunded": _amount},
    "refund.created": REFUND,
    "refund.updated": REFUND,
    "refund.failed": REFUND,
    "charge.refund.updated": REFUND,
    "charge.dispute.created": DISPUTE,
    "charge.dispute.updated": DISPUTE,
    "charge.dispute.funds_withdrawn": DISPUTE,
    "charge.dispute.funds_reinstated": DISPUTE,
    "charge.dispute.closed": DISPUTE,
}


def in_our_version(event: dict) -> bool:
    """Whether Stripe rendered the event in the API version the handlers are written for."""
    return event.get("api_version") == API_VERSION


def validate(event) -> None:
    """Raise MalformedEvent unless the event is one we can store and, when it is of our API
    version, one its handler can read."""
    if not isinstance(event, dict):
        raise MalformedEvent("the event is not an object")
    _check_values(event)
    if not _id(event.get("id")):
        raise MalformedEvent("id: not an event id")
    event_type = event.get("type")
    if not (isinstance(event_type, str) and 0 < len(event_type) <= MAX_TYPE_LENGTH):
        raise MalformedEvent("type: not an event type")
    if event.get("created") is None or not _time(event["created"]):
        raise MalformedEvent("created: not a time")
    if not _flag(event.get("livemode")):
        raise MalformedEvent("livemode: not true or false")
    version = event.get("api_version")
    if not (version is None or (isinstance(version, str) and len(version) <= MAX_VERSION_LENGTH)):
        raise MalformedEvent("api_version: not a version")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise MalformedEvent("data.object: not an object")
    if not in_our_version(event):
        return
    _check_fields(obj, OBJECTS.get(event_type, {}), "data.object")
    paid_session = (
        event_type.startswith("checkout.session.") and obj.get("payment_status") == "paid"
    )
    if paid_session and not obj.get("amount_total"):
        raise MalformedEvent("data.object.amount_total: a paid session without an amount")


def _check_fields(obj: dict, fields: dict, path: str):
    for name, rule in fields.items():
        value = obj.get(name)
        if isinstance(rule, dict):
            if value is None:
                continue
            if not isinstance(value, dict):
                raise MalformedEvent(f"{path}.{name}: not an object")
            _check_fields(value, rule, f"{path}.{name}")
        elif not rule(value):
            raise MalformedEvent(f"{path}.{name}: unexpected {type(value).__name__}")


def _check_values(event: dict):
    """No nesting deeper than Stripe's, and nothing the database could not store."""
    stack = [(event, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MalformedEvent("nested too deeply")
        if isinstance(node, dict):
            for key, value in node.items():
                _check_text(key)
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            _check_text(node)
        elif isinstance(node, float) and not math.isfinite(node):
            raise MalformedEvent("a number that is not finite")


def _check_text(text: str):
    if UNSAFE_CHARACTER.search(text):
        raise MalformedEvent("a string with a NUL or a lone surrogate")
