"""The webhook bodies the tests send have the shape of the SDK's pinned API version: every field of
every builder's output is one the SDK's resource classes declare, with a value of the declared
kind, as deep as the SDK types nested objects."""

import pytest
import stripe

from campaigns.models import Campaign
from donations.models import Donation
from tests.support import stripe_events as se
from tests.support.stripe_shapes import event_problems, partial_object, problems


def donation(frequency):
    # Builders read only these attributes: an unsaved donation needs no database.
    return Donation(
        pk=7,
        campaign=Campaign(slug="kids"),
        frequency=frequency,
        amount=3000,
        donor_email="hanako@example.jp",
    )


ONCE, MONTHLY = donation("once"), donation("monthly")

EVENTS = {
    "one-time session, paid": ("checkout.session.completed", lambda: se.checkout_session(ONCE)),
    "monthly session, paid": ("checkout.session.completed", lambda: se.checkout_session(MONTHLY)),
    "konbini session, unpaid": (
        "checkout.session.completed",
        lambda: se.checkout_session(ONCE, payment_status="unpaid"),
    ),
    "session expired": (
        "checkout.session.expired",
        lambda: se.checkout_session(ONCE, status="expired", payment_status="unpaid"),
    ),
    "invoice paid": ("invoice.paid", lambda: se.invoice(MONTHLY, subscription_id="sub_1")),
    "invoice failed": (
        "invoice.payment_failed",
        lambda: se.invoice(MONTHLY, subscription_id="sub_1", paid=False, with_metadata=False),
    ),
    "invoice payment": (
        "invoice_payment.paid",
        lambda: se.invoice_payment(invoice_id="in_1", payment_intent="pi_1", amount=3000),
    ),
    "subscription updated": (
        "customer.subscription.updated",
        lambda: se.subscription(MONTHLY, subscription_id="sub_1", cancel_at_period_end=True),
    ),
    "subscription deleted": (
        "customer.subscription.deleted",
        lambda: se.subscription(MONTHLY, subscription_id="sub_1", status="canceled"),
    ),
    "charge refunded": (
        "charge.refunded",
        lambda: se.charge(payment_intent="pi_1", amount=3000, amount_refunded=1000),
    ),
    "dispute": ("charge.dispute.created", lambda: se.dispute(payment_intent="pi_1", amount=3000)),
}


@pytest.mark.parametrize("name", EVENTS)
def test_every_builder_sends_only_what_the_sdk_declares(name):
    event_type, build = EVENTS[name]

    evt = se.event(event_type, build())

    assert event_problems(evt) == []
    assert evt["api_version"] == stripe.api_version
    assert set(evt) == {
        "id",
        "object",
        "api_version",
        "created",
        "data",
        "livemode",
        "pending_webhooks",
        "request",
        "type",
    }


def test_the_old_version_invoice_is_not_shaped_like_ours():
    old = se.invoice_2024_06_20(MONTHLY, subscription_id="sub_1", invoice_id="in_1")

    found = event_problems(se.event("invoice.paid", old, api_version=se.OLD_API_VERSION))

    assert "event.data.object.subscription: not an attribute of Invoice" in found
    assert "event.data.object.subscription_details: not an attribute of Invoice" in found


def test_a_field_the_sdk_does_not_declare_is_refused_when_built():
    with pytest.raises(AssertionError, match="subscription: not an attribute of Invoice"):
        partial_object(stripe.Invoice, {"id": "in_1", "subscription": "sub_1"})


def test_nested_objects_are_checked_as_deep_as_the_sdk_types_them():
    invoice = se.invoice(MONTHLY, subscription_id="sub_1")
    invoice["parent"]["subscription_details"]["plan"] = "monthly"
    invoice["status_transitions"]["paid_at"] = "today"

    found = problems(invoice)

    assert found == [
        "invoice.parent.subscription_details.plan: "
        "not an attribute of Invoice.Parent.SubscriptionDetails",
        "invoice.status_transitions.paid_at: 'today' where the SDK has int",
    ]


def test_values_of_the_wrong_kind_are_refused():
    assert problems({"object": "charge", "amount": "3000"}) == [
        "charge.amount: '3000' where the SDK has int"
    ]
    assert problems({"object": "charge", "refunded": 1}) == [
        "charge.refunded: 1 where the SDK has bool"
    ]
    assert problems({"object": "dispute", "status": 3}) != []
    assert problems({"object": "event", "type": "invoice.pay"}) != []
