"""Whatever a correctly signed body holds, the webhook answers 200 (recorded) or 400 (refused),
never 500, and the event worker applies (or ignores) every recorded one without failing: a 500
would be retried by Stripe for three days, a failing event would wait, and both would hide our
real bugs.
Property-based: hypothesis writes the bodies, shaped like events with every field a handler
reads, filled with any JSON value, and real events about six donations with a field or two
replaced. After every delivery, and at the end on a ledger that holds payments, the counters
agree with the ledger."""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations.models import Donation, Payment, StripeEvent
from donations.stripe.event_validation import OBJECTS
from tests.support import stripe_events as se
from tests.support.personas import english_site
from tests.support.webhook_checks import counters

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),  # lone surrogates and NUL included
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def fields_of(shape: dict):
    """An object with some of the fields a handler reads, each any JSON value or, for a nested
    object, an object of its own."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: fields_of(rule) if isinstance(rule, dict) else json_values
            for name, rule in shape.items()
        },
    )


event_types = st.sampled_from(sorted(OBJECTS)) | st.text(max_size=40) | json_scalars
now = int(time.time())


@st.composite
def events(draw):
    event_type = draw(event_types)
    shape = OBJECTS.get(event_type, {}) if isinstance(event_type, str) else {}
    event = {
        "id": draw(st.from_regex(r"evt_[a-z0-9]{8}", fullmatch=True) | json_values),
        # Mostly ours, so that the handlers see the bodies; any other is held, not applied.
        "api_version": draw(st.just(se.API_VERSION) | json_values),
        "type": event_type,
        "created": draw(st.integers(now - 10**6, now) | json_values),
        "livemode": draw(st.booleans() | json_values),
        "data": {"object": draw(fields_of(shape) | json_values)},
    }
    # Some bodies lose a whole envelope field, or the event is not an object at all.
    envelope = ["id", "api_version", "type", "created", "data"]
    for name in draw(st.sets(st.sampled_from(envelope), max_size=2)):
        event.pop(name)
    return draw(st.just(event) | json_values)


@st.composite
def events_about(draw, donations, steady):
    """A real event about one of our donations (its payment, invoice, subscription, refund or
    dispute, with the ids the others share), a field or two then replaced by any JSON value: most
    apply, moving the ledger and the counters. The `steady` donations are only ever paid, so
    that the fuzz ends with money on the counters however it goes."""
    donation = draw(st.sampled_from(donations))
    paid_only = donation in steady
    ref = f"{donation.pk}"
    payment_intent = f"pi_fuzz_{ref}"  # a one-time gift's; an invoice has its own
    amount = draw(st.sampled_from([donation.amount, 1]) | st.integers(0, 10**8))
    if donation.is_monthly:
        invoice_id = draw(st.sampled_from([f"in_fuzz_{ref}_{n}" for n in range(3)]))
        payment_intent = f"pi_fuzz_{invoice_id}"
        subscription_id, customer_id = f"sub_fuzz_{ref}", f"cus_fuzz_{ref}"
        kinds = ["checkout", "invoice", "invoice_payment", "subscription", "refund", "dispute"]
    else:
        kinds = ["checkout", "checkout", "refund", "dispute"]
    kind = draw(st.sampled_from(kinds[:2] if paid_only else kinds))
    if kind == "checkout":
        event_type = draw(st.sampled_from(sorted(t for t in OBJECTS if "session" in t)))
        if paid_only:
            event_type = "checkout.session.completed"
        obj = se.checkout_session(
            donation,
            session_id=f"cs_fuzz_{ref}",
            customer=f"cus_fuzz_{ref}",
            payment_intent=None if donation.is_monthly else payment_intent,
            subscription=f"sub_fuzz_{ref}" if donation.is_monthly else None,
            status=draw(st.sampled_from(["complete"] if paid_only else ["complete", "expired"])),
            payment_status=draw(st.sampled_from(["paid"] if paid_only else ["paid", "unpaid"])),
        )
    elif kind == "invoice":
        failed = [] if paid_only else ["invoice.payment_failed"]
        event_type = draw(st.sampled_from(["invoice.paid", *failed]))
        obj = se.invoice(
            donation,
            subscription_id=subscription_id,
            customer_id=customer_id,
            invoice_id=invoice_id,
            paid=event_type == "invoice.paid",
        )
    elif kind == "invoice_payment":
        event_type = "invoice_payment.paid"
        obj = se.invoice_payment(
            invoice_id=invoice_id, payment_intent=payment_intent, amount=donation.amount
        )
    elif kind == "subscription":
        status = draw(st.sampled_from(["active", "past_due", "canceled"]))
        event_type = "customer.subscription." + ("deleted" if status == "canceled" else "updated")
        obj = se.subscription(
            donation,
            subscription_id=subscription_id,
            customer_id=customer_id,
            status=status,
            cancel_at_period_end=draw(st.booleans()),
        )
    elif kind == "refund":
        event_type = "charge.refunded"
        obj = se.charge(
            payment_intent=payment_intent,
            amount=donation.amount,
            amount_refunded=min(amount, donation.amount),
            charge_id=f"ch_{payment_intent}",
        )
    else:
        event_type = draw(st.sampled_from(["charge.dispute.created", "charge.dispute.closed"]))
        obj = se.dispute(
            payment_intent=payment_intent, amount=donation.amount, charge_id=f"ch_{payment_intent}"
        )
        obj["status"] = draw(st.sampled_from(["needs_response", "won", "lost", "warning_closed"]))
    for name in draw(st.sets(st.sampled_from(sorted(obj)), max_size=0 if paid_only else 2)):
        obj[name] = draw(json_values)
    return se.event(event_type, obj, created=draw(st.integers(now - 10**6, now)))


@pytest.fixture
def campaign(db):
    return english_site()


def test_no_signed_body_reaches_a_500(client, campaign):
    donations = [
        se.pending(campaign, frequency, amount)
        for frequency in ("once", "monthly")
        for amount in (1000, 3000, 10000)
    ]

    steady = {donations[2], donations[5]}

    @settings(
        max_examples=1500,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(body=events() | events_about(donations, steady))
    def deliver(body):
        payload = json.dumps(body)  # NaN and Infinity too, which Python's JSON reader accepts
        response = client.post(
            se.WEBHOOK_PATH,
            data=payload,
            content_type="application/json",
            headers={"Stripe-Signature": se.signature_header(payload)},
        )

        assert response.status_code in (200, 400), (response.status_code, payload)
        if response.status_code == 200:  # recorded: the event worker's handlers must take it
            se.apply_queued()
            failed = StripeEvent.objects.filter(attempts__gt=0)
            assert not failed.exists(), [(e.last_error, e.payload) for e in failed]
        counters(campaign)  # agree with the ledger

    deliver()

    # Whatever was applied, the counters agree with a ledger that holds real money.
    assert Payment.objects.filter(donation__campaign=campaign).count() >= 3
    assert Donation.objects.filter(status=Donation.Status.ACTIVE).exists()
    stored = counters(campaign)
    assert stored["onetime_raised"] >= donations[2].amount, stored
    assert stored["monthly_supporters"] >= 1, stored
