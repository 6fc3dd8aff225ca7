"""The event worker applies a batch's paid one-time gifts together: the same outcome as one
event at a time (each gift once, its receipt once, a refund that came first counted), in a few
statements whatever the batch's size."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.models import Donation, Payment, StripeEvent
from donations.stripe.handlers import apply_checkout_session
from tests.support import stripe_events as se
from tests.support.gifts import campaign_with_earlier_gifts
from tests.support.stripe_events import pending
from tests.support.webhook_checks import counters, receipts_queued

MONTHLY_ONE_OF_3000 = {"monthly_supporters": 1, "monthly_amount": 3000}


@pytest.fixture
def campaign(db):
    return campaign_with_earlier_gifts()


def recorded_gifts(client, campaign, count, amount=1000):
    """`count` one-time gifts by card (chosen in our form, as /donate/pay/ records it) whose
    paid sessions the webhook recorded, not applied yet."""
    donations = [pending(campaign, amount=amount) for _ in range(count)]
    Donation.objects.filter(pk__in=[d.pk for d in donations]).update(payment_method="card")
    for donation in donations:
        evt = se.event("checkout.session.completed", se.checkout_session(donation))
        assert se.post_event(client, evt, apply=False).status_code == 200
    return donations


def queries_to_apply():
    with CaptureQueriesContext(connection) as queries:
        se.apply_queued()
    return len(queries)


@pytest.mark.django_db
def test_a_batch_of_paid_gifts_costs_the_same_queries_whatever_its_size(client, campaign):
    recorded_gifts(client, campaign, 3)
    few = queries_to_apply()
    recorded_gifts(client, campaign, 30)
    many = queries_to_apply()

    assert many == few  # one by one, each gift cost 17 queries
    assert Payment.objects.filter(donation__campaign=campaign).count() == 33 + 1
    assert receipts_queued() == 33


@pytest.mark.django_db
def test_a_mixed_batch_applies_each_gift_once(client, campaign):
    before = counters(campaign)
    twice = pending(campaign, amount=2000)
    refunded = pending(campaign, amount=5000)
    thanked = pending(campaign, amount=7000)
    monthly_gift = pending(campaign, frequency="monthly", amount=3000)
    twice_session = se.checkout_session(twice)
    refunded_session = se.checkout_session(refunded)
    thanked_session = se.checkout_session(thanked)
    # The refund arrives first, and the donor's thank-you page records one gift before the worker.
    refund = se.charge(
        payment_intent=refunded_session["payment_intent"], amount=5000, amount_refunded=1500
    )
    apply_checkout_session(thanked_session)
    paid_twice = se.event("checkout.session.completed", twice_session)
    events = [
        se.event("charge.refunded", refund),
        paid_twice,
        se.event("checkout.session.completed", refunded_session),
        se.event("checkout.session.completed", thanked_session),
        se.event("checkout.session.async_payment_succeeded", twice_session),
        se.event("checkout.session.completed", se.checkout_session(monthly_gift)),
        paid_twice,  # a redelivery: recorded once
    ]
    for evt in events:
        assert se.post_event(client, evt, apply=False).status_code == 200

    assert se.apply_queued() == len(events) - 1

    after = counters(campaign)
    moved = {name: after[name] - before[name] for name in after}
    assert moved == {"onetime_raised": 2000 + 3500 + 7000, **MONTHLY_ONE_OF_3000}
    for donation, status in [
        (twice, Donation.Status.SUCCEEDED),
        (refunded, Donation.Status.SUCCEEDED),
        (thanked, Donation.Status.SUCCEEDED),
        (monthly_gift, Donation.Status.ACTIVE),
    ]:
        donation.refresh_from_db()
        assert donation.status == status
    assert [p.amount for p in Payment.objects.filter(donation=twice)] == [2000]
    assert Payment.objects.get(donation=refunded).refunded_amount == 1500
    assert Payment.objects.filter(donation=thanked).count() == 1
    assert twice.stripe_payment_intent_id == twice_session["payment_intent"]
    assert twice.stripe_customer_id == twice_session["customer"]
    assert receipts_queued() == 3
    # Applied together, in one transaction (not one by one after the batch failed).
    applied_at = StripeEvent.objects.filter(event_id__in=[evt["id"] for evt in events])
    assert len(set(applied_at.values_list("processed_at", flat=True))) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_racing_the_thank_you_pages_counts_each_gift_once(client):
    campaign = campaign_with_earlier_gifts()
    before = counters(campaign)
    donations = [pending(campaign, amount=1000 + n) for n in range(12)]
    sessions = [se.checkout_session(donation) for donation in donations]
    for session in sessions:
        evt = se.event("checkout.session.completed", session)
        assert se.post_event(client, evt, apply=False).status_code == 200
    barrier = threading.Barrier(1 + len(sessions))
    errors = []

    def run(function, *args):
        try:
            barrier.wait(timeout=10)
            function(*args)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(se.apply_queued,))]
    threads += [threading.Thread(target=run, args=(apply_checkout_session, s)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert counters(campaign)["onetime_raised"] == before["onetime_raised"] + sum(
        d.amount for d in donations
    )
    assert Payment.objects.filter(donation__in=donations).count() == len(donations)
    assert receipts_queued() == len(donations)
