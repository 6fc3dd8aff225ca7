"""Refunds that fail or are cancelled give the money back: to the counters and to the gift's
status, whatever order Stripe's events arrive in and however often."""

import io
import itertools
import json
import time

import pytest
from django.core.management import CommandError, call_command

from donations.models import Donation, Payment
from donations.personal_data import scrubbed
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


def test_a_refund_that_fails_counts_the_gift_again(client, campaign):
    donation, intent = paid_once(client, campaign, amount=5000)
    charge_id = se.new_id("ch")
    refund = se.refund(payment_intent=intent, charge_id=charge_id, amount=5000)
    now = int(time.time())
    deliver(client, "refund.created", refund, created=now - 60)
    deliver(
        client,
        "charge.refunded",
        se.charge(payment_intent=intent, charge_id=charge_id, amount=5000, amount_refunded=5000),
        created=now - 60,
    )
    assert counters(campaign) == raised(0)
    assert status_of(donation) == Donation.Status.REFUNDED

    deliver(client, "refund.failed", {**refund, "status": "failed"}, created=now)

    assert counters(campaign) == raised(5000)
    assert status_of(donation) == Donation.Status.SUCCEEDED


def test_a_failure_known_only_from_its_own_event_undoes_the_charge_report(client, campaign):
    """Without refund.created: charge.refunded says ¥5,000 refunded, then the refund fails."""
    donation, intent = paid_once(client, campaign, amount=5000)
    charge_id = se.new_id("ch")
    now = int(time.time())
    deliver(
        client,
        "charge.refunded",
        se.charge(payment_intent=intent, charge_id=charge_id, amount=5000, amount_refunded=5000),
        created=now - 60,
    )
    failed = se.refund(
        payment_intent=intent, charge_id=charge_id, amount=5000, status="failed", created=now - 70
    )
    deliver(client, "charge.refund.updated", failed, created=now)

    assert counters(campaign) == raised(5000)
    assert status_of(donation) == Donation.Status.SUCCEEDED


REFUND_EVENTS = ["refund.created", "charge.refunded", "refund.failed"]


@pytest.mark.parametrize("order", list(itertools.permutations(REFUND_EVENTS)), ids="→".join)
def test_a_failed_refund_ends_the_same_in_any_order(client, campaign, order):
    donation, intent = paid_once(client, campaign, amount=4000)
    charge_id = se.new_id("ch")
    now = int(time.time())
    refund = se.refund(payment_intent=intent, charge_id=charge_id, amount=4000, created=now - 90)
    events = {
        "refund.created": ({**refund, "status": "pending"}, now - 90),
        "charge.refunded": (
            se.charge(
                payment_intent=intent, charge_id=charge_id, amount=4000, amount_refunded=4000
            ),
            now - 60,
        ),
        "refund.failed": ({**refund, "status": "failed"}, now),
    }
    for event_type in order:
        obj, created = events[event_type]
        deliver(client, event_type, obj, created=created)

    assert counters(campaign) == raised(4000)
    assert status_of(donation) == Donation.Status.SUCCEEDED
    assert Payment.objects.get(donation=donation).refunded_amount == 0


def test_a_cancelled_refund_gives_the_money_back(client, campaign):
    donation, intent = paid_once(client, campaign, amount=3000)
    refund = se.refund(payment_intent=intent, amount=3000, status="requires_action")
    now = int(time.time())
    deliver(client, "refund.created", refund, created=now - 60)
    assert counters(campaign) == raised(0)

    deliver(client, "refund.updated", {**refund, "status": "canceled"}, created=now)

    assert counters(campaign) == raised(3000)
    assert status_of(donation) == Donation.Status.SUCCEEDED


def test_one_of_two_partial_refunds_fails(client, campaign):
    donation, intent = paid_once(client, campaign, amount=10000)
    charge_id = se.new_id("ch")
    now = int(time.time())
    first = se.refund(payment_intent=intent, charge_id=charge_id, amount=2000, created=now - 300)
    second = se.refund(payment_intent=intent, charge_id=charge_id, amount=3000, created=now - 200)
    deliver(client, "refund.created", first, created=now - 300)
    deliver(client, "refund.created", second, created=now - 200)
    deliver(
        client,
        "charge.refunded",
        se.charge(payment_intent=intent, charge_id=charge_id, amount=10000, amount_refunded=5000),
        created=now - 200,
    )
    assert counters(campaign) == raised(5000)

    deliver(client, "refund.failed", {**second, "status": "failed"}, created=now)

    assert counters(campaign) == raised(8000)
    assert Payment.objects.get(donation=donation).refunded_amount == 2000
    assert status_of(donation) == Donation.Status.SUCCEEDED


def test_a_failed_refund_delivered_again_changes_nothing_more(client, campaign):
    donation, intent = paid_once(client, campaign, amount=3000)
    refund = se.refund(payment_intent=intent, amount=3000)
    now = int(time.time())
    deliver(client, "refund.created", refund, created=now - 60)
    failed = {**refund, "status": "failed"}

    deliver(client, "refund.failed", failed, created=now)
    deliver(client, "refund.failed", failed, created=now)
    deliver(client, "charge.refund.updated", failed, created=now)
    # An older report of the refund, arriving last, does not revive it.
    deliver(client, "refund.updated", {**refund, "status": "succeeded"}, created=now - 30)

    assert counters(campaign) == raised(3000)
    assert status_of(donation) == Donation.Status.SUCCEEDED


def test_a_refund_that_arrived_before_its_payment_counts_once_the_payment_does(client, campaign):
    donation = se.pending(campaign, amount=6000)
    session = se.checkout_session(donation)
    now = int(time.time())
    refund = se.refund(payment_intent=session["payment_intent"], amount=6000, created=now - 30)
    deliver(client, "refund.created", refund, created=now - 30)
    deliver(client, "refund.failed", {**refund, "status": "failed"}, created=now)
    second = se.refund(payment_intent=session["payment_intent"], amount=1000, created=now)
    deliver(client, "refund.created", second, created=now)

    deliver(client, "checkout.session.completed", session, created=now - 100)

    assert counters(campaign) == raised(5000)
    assert Payment.objects.get(donation=donation).refunded_amount == 1000
    assert status_of(donation) == Donation.Status.SUCCEEDED


def test_recount_check_finds_a_refunded_amount_its_refunds_do_not_explain(client, campaign):
    donation, intent = paid_once(client, campaign, amount=5000)
    refund = se.refund(payment_intent=intent, amount=2000)
    deliver(client, "refund.created", refund)
    Payment.objects.filter(donation=donation).update(refunded_amount=0)  # as a bug would

    with pytest.raises(CommandError, match="1 payment"):
        call_command("recount_progress", "--check", stdout=io.StringIO())

    call_command("recount_progress", stdout=io.StringIO())
    assert Payment.objects.get(donation=donation).refunded_amount == 2000
    assert counters(campaign) == raised(3000)


def test_the_donors_address_in_a_refund_or_dispute_is_personal_data():
    refund = {
        **se.refund(payment_intent="pi_x", amount=3000),
        "instructions_email": "hanako@example.jp",
    }
    dispute = {
        **se.dispute_in("needs_response", payment_intent="pi_x", amount=3000),
        "evidence": {"customer_email_address": "hanako@example.jp", "customer_name": "山田 花子"},
    }

    for obj in (refund, dispute):
        assert "hanako@example.jp" not in json.dumps(scrubbed(obj), ensure_ascii=False)


def test_a_refund_recorded_before_refunds_had_rows_can_still_fail(client, campaign):
    """Migration 0003 keeps a refunded total reported before this change, without a time."""
    donation, intent = paid_once(client, campaign, amount=5000)
    payment = Payment.objects.get(donation=donation)
    Payment.objects.filter(pk=payment.pk).update(refunded_amount=5000, charge_refunded_amount=5000)
    donation.__class__.objects.filter(pk=donation.pk).update(status=Donation.Status.REFUNDED)
    call_command("recount_progress", stdout=io.StringIO())
    assert counters(campaign) == raised(0)
    now = int(time.time())
    # A smaller report of unknown age does not shrink it.
    deliver(
        client,
        "charge.refunded",
        se.charge(payment_intent=intent, amount=5000, amount_refunded=1000),
        created=now - 60,
    )
    assert counters(campaign) == raised(0)

    failed = se.refund(payment_intent=intent, amount=5000, status="failed", created=now - 3600)
    deliver(client, "refund.failed", failed, created=now)

    assert counters(campaign) == raised(5000)
    assert status_of(donation) == Donation.Status.SUCCEEDED
