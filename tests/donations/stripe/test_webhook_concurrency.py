"""Stripe delivers at least once and in parallel: several processes may apply the same event, or
different events about the same donation, at the same moment. Real threads, real PostgreSQL."""

import multiprocessing
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from donations.models import Donation, Payment, StripeEvent
from donations.stripe.applying import process_event
from tests.support import parallel_delivery
from tests.support import stripe_events as se
from tests.support.gifts import campaign_with_earlier_gifts
from tests.support.stripe_events import pending
from tests.support.webhook_checks import counters


@pytest.fixture
def campaign(db):
    """A small campaign of the test's own whose counters already moved (tests/support/gifts.py)."""
    return campaign_with_earlier_gifts()


pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 6  # stays below the connection pool's size (10)


def all_at_once(functions):
    """Run the functions in threads released together; each thread closes its connection."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait(timeout=10)
            function()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [thread for thread in threads if thread.is_alive()], "a thread hung"
    assert not errors, errors


def test_same_event_delivered_by_several_processes_counts_once(live_server, campaign):
    before = counters(campaign)
    donation = pending(campaign, amount=10000)
    evt = se.event("checkout.session.completed", se.checkout_session(donation))
    statuses = []
    url = live_server.url + se.WEBHOOK_PATH

    all_at_once([lambda: statuses.append(se.post_over_http(url, evt))] * THREADS)

    assert statuses == [200] * THREADS
    assert StripeEvent.objects.filter(event_id=evt["id"]).count() == 1
    all_at_once([se.apply_queued] * THREADS)  # several event workers, too
    assert counters(campaign)["onetime_raised"] == before["onetime_raised"] + 10000
    assert Payment.objects.filter(donation=donation).count() == 1
    assert DBTaskResult.objects.filter(task_path="donations.tasks.send_receipt").count() == 1


def test_several_event_workers_apply_each_recorded_event_once(live_server, campaign):
    before = counters(campaign)
    donations = [pending(campaign, amount=1000 + i) for i in range(24)]
    url = live_server.url + se.WEBHOOK_PATH
    for donation in donations:
        evt = se.event("checkout.session.completed", se.checkout_session(donation))
        assert se.post_over_http(url, evt) == 200
    assert counters(campaign) == before  # recorded, not applied yet

    applied = []
    all_at_once([lambda: applied.append(se.apply_queued())] * 4)

    assert sum(applied) == len(donations)
    assert counters(campaign)["onetime_raised"] == before["onetime_raised"] + sum(
        1000 + i for i in range(24)
    )
    assert not StripeEvent.objects.queued().exists()
    assert Payment.objects.filter(donation__in=donations).count() == len(donations)


def test_different_events_about_one_monthly_donation_at_once(campaign):
    before = counters(campaign)
    donation = pending(campaign, frequency="monthly", amount=5000)
    session = se.checkout_session(donation)
    first = se.invoice(
        donation,
        subscription_id=session["subscription"],
        customer_id=session["customer"],
        billing_reason="subscription_create",
    )
    subscription = se.subscription(
        donation, subscription_id=session["subscription"], customer_id=session["customer"]
    )
    events = [
        se.event("checkout.session.completed", session),
        se.event("invoice.paid", first),
        se.event("invoice.paid", first),  # the same invoice under another event id
        se.event("customer.subscription.updated", subscription),
        se.event("checkout.session.completed", session),
        se.event("invoice.paid", first),
    ]

    all_at_once([lambda evt=evt: process_event(evt) for evt in events])

    now = counters(campaign)
    assert now["monthly_supporters"] == before["monthly_supporters"] + 1
    assert now["monthly_amount"] == before["monthly_amount"] + 5000
    assert Payment.objects.filter(donation=donation).count() == 1
    donation.refresh_from_db()
    assert donation.status == Donation.Status.ACTIVE


def test_many_donations_at_once_lose_no_update(campaign):
    before = counters(campaign)
    onetime = [pending(campaign, amount=1000 * (n + 1)) for n in range(THREADS)]
    monthly = [pending(campaign, frequency="monthly", amount=3000) for _ in range(THREADS)]
    events = [se.event("checkout.session.completed", se.checkout_session(d)) for d in onetime]
    events += [se.event("checkout.session.completed", se.checkout_session(d)) for d in monthly]

    all_at_once([lambda evt=evt: process_event(evt) for evt in events])

    now = counters(campaign)
    assert now["onetime_raised"] == before["onetime_raised"] + sum(d.amount for d in onetime)
    assert now["monthly_supporters"] == before["monthly_supporters"] + THREADS
    assert now["monthly_amount"] == before["monthly_amount"] + 3000 * THREADS


def test_refunds_and_a_dispute_racing_on_one_payment(campaign):
    before = counters(campaign)
    donation = pending(campaign, amount=8000)
    session = se.checkout_session(donation)
    process_event(se.event("checkout.session.completed", session))
    intent = session["payment_intent"]
    created = int(time.time())

    def refund(total):
        obj = se.charge(payment_intent=intent, amount=8000, amount_refunded=total)
        return se.event("charge.refunded", obj, created=created)

    events = [refund(2000), refund(5000), refund(2000), refund(5000)]
    events.append(
        se.event("charge.dispute.created", se.dispute(payment_intent=intent, amount=8000))
    )

    all_at_once([lambda evt=evt: process_event(evt) for evt in events])

    payment = Payment.objects.get(donation=donation)
    assert payment.refunded_amount == 5000
    assert payment.disputed
    assert counters(campaign)["onetime_raised"] == before["onetime_raised"]


def test_cancellation_racing_with_a_renewal(campaign):
    donation = pending(campaign, frequency="monthly", amount=3000)
    session = se.checkout_session(donation)
    start = int(time.time()) - 40 * 24 * 3600
    process_event(se.event("checkout.session.completed", session, created=start))
    before = counters(campaign)
    renewal = se.invoice(
        donation, subscription_id=session["subscription"], customer_id=session["customer"]
    )
    deleted = se.subscription(
        donation,
        subscription_id=session["subscription"],
        customer_id=session["customer"],
        status="canceled",
    )
    now = int(time.time())
    events = [
        se.event("invoice.paid", renewal, created=now - 60),
        se.event("customer.subscription.deleted", deleted, created=now),
        se.event("invoice.paid", renewal, created=now - 60),
    ]

    all_at_once([lambda evt=evt: process_event(evt) for evt in events])

    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELED
    after = counters(campaign)
    assert after["monthly_supporters"] == before["monthly_supporters"] - 1
    assert after["monthly_amount"] == before["monthly_amount"] - 3000
    assert Payment.objects.filter(donation=donation).count() == 1


PAIRS = 48
OUTCOMES = ["refunded in full", "refunded in part", "disputed", "monthly charge"]


def colliding_pair(campaign, outcome):
    """Two events Stripe sends about one payment at nearly the same moment: (the payment's,
    the other's, check) where check() asserts that both were applied."""
    if outcome == "monthly charge":
        donation = pending(campaign, frequency="monthly", amount=3000)
        session = se.checkout_session(donation)
        process_event(se.event("checkout.session.completed", session))
        invoice = se.invoice(donation, subscription_id=session["subscription"])
        intent = se.new_id("pi")

        def check():
            payment = Payment.objects.get(stripe_invoice_id=invoice["id"])
            assert payment.stripe_payment_intent_id == intent, outcome

        linked = se.invoice_payment(invoice_id=invoice["id"], payment_intent=intent, amount=3000)
        return se.event("invoice.paid", invoice), se.event("invoice_payment.paid", linked), check
    donation = pending(campaign, amount=5000)
    session = se.checkout_session(donation)
    intent = session["payment_intent"]
    refunded = {"refunded in full": 5000, "refunded in part": 1000}.get(outcome, 0)
    if outcome == "disputed":
        other = se.event("charge.dispute.created", se.dispute(payment_intent=intent, amount=5000))
        status = Donation.Status.DISPUTED
    else:
        refund = se.charge(payment_intent=intent, amount=5000, amount_refunded=refunded)
        other = se.event("charge.refunded", refund)
        status = Donation.Status.REFUNDED if refunded == 5000 else Donation.Status.SUCCEEDED

    def check():
        payment = Payment.objects.get(donation=donation)
        assert (payment.refunded_amount, payment.disputed) == (refunded, outcome == "disputed")
        donation.refresh_from_db()
        assert donation.status == status, outcome

    return se.event("checkout.session.completed", session), other, check


@pytest.mark.slow
def test_a_refund_or_dispute_delivered_with_its_payment_by_another_process_is_kept(campaign):
    outcomes = [OUTCOMES[n % len(OUTCOMES)] for n in range(PAIRS)]
    pairs = [colliding_pair(campaign, outcome) for outcome in outcomes]
    before = counters(campaign)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    url = parallel_delivery.database_url(connection.settings_dict)
    # Each outcome meets every delay from 0 to 22 ms between the payment and the other event,
    # so that some land while the payment's transaction is still open.
    payments = [(0, payment) for payment, *_ in pairs]
    others = [(n // len(OUTCOMES) % 12 * 0.002, other) for n, (_, other, _) in enumerate(pairs)]
    processes = [
        context.Process(target=parallel_delivery.deliver, args=(url, barrier, side))
        for side in (payments, others)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)

    assert [process.exitcode for process in processes] == [0, 0]
    for *_, check in pairs:
        check()
    after = counters(campaign)
    # Of each ¥5,000 gift only what a partial refund leaves counts; monthly supporters stay.
    raised = 4000 * outcomes.count("refunded in part")
    assert after == {**before, "onetime_raised": before["onetime_raised"] + raised}
    call_command("recount_progress", "--check")
