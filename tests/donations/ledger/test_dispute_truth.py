"""Each dispute status of API 2026-10-28 ends in the gift status and the counters that say where
the money is, whatever order the dispute's events arrive in and however often."""

import itertools
import time

import pytest

from donations.models import Donation, Payment
from tests.support import stripe_events as se
from tests.support.gifts import paid_once, small_campaign
from tests.support.webhook_checks import counters, deliver, raised

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return small_campaign()


def status_of(donation):
    donation.refresh_from_db()
    return donation.status


# status → (gift status, still counted)
OUTCOMES = {
    "warning_needs_response": (Donation.Status.SUCCEEDED, True),
    "warning_under_review": (Donation.Status.SUCCEEDED, True),
    "warning_closed": (Donation.Status.SUCCEEDED, True),
    "needs_response": (Donation.Status.DISPUTED, False),
    "under_review": (Donation.Status.DISPUTED, False),
    "appeal_needs_response": (Donation.Status.DISPUTED, False),
    "appeal_under_review": (Donation.Status.DISPUTED, False),
    "won": (Donation.Status.SUCCEEDED, True),
    "lost": (Donation.Status.DISPUTED, False),
    "prevented": (Donation.Status.REFUNDED, False),
}


@pytest.mark.parametrize("status", list(OUTCOMES))
def test_each_dispute_status_ends_in_its_own_outcome(client, campaign, status):
    donation, intent = paid_once(client, campaign, amount=7000)
    dispute = se.dispute_in(status, payment_intent=intent, amount=7000)

    deliver(client, "charge.dispute.updated", dispute)

    gift_status, counted = OUTCOMES[status]
    assert status_of(donation) == gift_status
    assert counters(campaign) == raised(7000 if counted else 0)
    assert Payment.objects.get(donation=donation).dispute_status == status


def test_an_inquiry_that_becomes_a_chargeback_withdraws_the_money(client, campaign):
    donation, intent = paid_once(client, campaign, amount=5000)
    now = int(time.time())
    inquiry = se.dispute_in("warning_needs_response", payment_intent=intent, amount=5000)
    deliver(client, "charge.dispute.created", inquiry, created=now - 600)
    assert counters(campaign) == raised(5000)

    deliver(client, "charge.dispute.updated", {**inquiry, "status": "needs_response"}, created=now)

    assert counters(campaign) == raised(0)
    assert status_of(donation) == Donation.Status.DISPUTED


def test_a_prevented_dispute_counts_as_a_refund_not_a_chargeback(client, campaign):
    donation, intent = paid_once(client, campaign, amount=5000)
    charge_id = se.new_id("ch")
    now = int(time.time())
    dispute = se.dispute_in("prevented", payment_intent=intent, amount=5000, charge_id=charge_id)

    deliver(client, "charge.dispute.closed", dispute, created=now)
    # Stripe's report of the same money refunded does not take it twice.
    deliver(
        client,
        "charge.refunded",
        se.charge(payment_intent=intent, charge_id=charge_id, amount=5000, amount_refunded=5000),
        created=now,
    )

    payment = Payment.objects.get(donation=donation)
    assert (payment.disputed, payment.refunded_amount) == (False, 5000)
    assert status_of(donation) == Donation.Status.REFUNDED
    assert counters(campaign) == raised(0)


LIFE = [  # one dispute's events, oldest first
    ("charge.dispute.created", "needs_response"),
    ("charge.dispute.funds_withdrawn", "needs_response"),
    ("charge.dispute.updated", "under_review"),
    ("charge.dispute.closed", "won"),
    ("charge.dispute.funds_reinstated", "won"),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(LIFE))))[::10])
def test_a_won_dispute_ends_counted_in_any_order(client, campaign, order):
    donation, intent = paid_once(client, campaign, amount=9000)
    dispute = se.dispute_in("needs_response", payment_intent=intent, amount=9000)
    now = int(time.time())
    for index in order:
        event_type, status = LIFE[index]
        deliver(client, event_type, {**dispute, "status": status}, created=now - 100 + index * 10)
        deliver(client, event_type, {**dispute, "status": status}, created=now - 100 + index * 10)

    assert counters(campaign) == raised(9000)
    assert status_of(donation) == Donation.Status.SUCCEEDED


def test_a_dispute_closed_in_the_same_second_as_it_opened_stays_closed(client, campaign):
    donation, intent = paid_once(client, campaign, amount=3000)
    dispute = se.dispute_in("lost", payment_intent=intent, amount=3000)
    now = int(time.time())

    deliver(client, "charge.dispute.closed", {**dispute, "status": "won"}, created=now)
    deliver(client, "charge.dispute.created", {**dispute, "status": "needs_response"}, created=now)

    assert counters(campaign) == raised(3000)
    assert status_of(donation) == Donation.Status.SUCCEEDED


def test_a_prevented_dispute_is_final(client, campaign):
    donation, intent = paid_once(client, campaign, amount=3000)
    dispute = se.dispute_in("prevented", payment_intent=intent, amount=3000)
    now = int(time.time())

    deliver(client, "charge.dispute.closed", dispute, created=now - 60)
    deliver(client, "charge.dispute.updated", {**dispute, "status": "lost"}, created=now)
    deliver(client, "charge.dispute.closed", dispute, created=now - 60)

    assert status_of(donation) == Donation.Status.REFUNDED
    assert not Payment.objects.get(donation=donation).disputed
    assert counters(campaign) == raised(0)


def test_a_dispute_before_its_payment_applies_once_the_payment_is_recorded(client, campaign):
    donation = se.pending(campaign, amount=4000)
    session = se.checkout_session(donation)
    dispute = se.dispute_in(
        "warning_needs_response", payment_intent=session["payment_intent"], amount=4000
    )
    now = int(time.time())
    deliver(client, "charge.dispute.created", dispute, created=now - 30)
    deliver(client, "charge.dispute.updated", {**dispute, "status": "lost"}, created=now)

    deliver(client, "checkout.session.completed", session, created=now - 100)

    assert status_of(donation) == Donation.Status.DISPUTED
    assert counters(campaign) == raised(0)
