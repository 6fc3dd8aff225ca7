"""The second reminder goes before Stripe's last retry, once, timed from the failed invoice's
`next_payment_attempt` and `attempt_count` (donations/stripe/payment_recovery.py): even when
every retry comes within a few days, the retry that may be the last by its number is reminded
of a day ahead; after the last failure (no next attempt) comes the goodbye, not a reminder."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from donations.stripe.payment_recovery import RETRY_ATTEMPTS, second_reminder_time
from tests.support.failed_payments import ended_subscription, failed_invoice, monthly_supporter
from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import deliver, small_campaign

INVOICE = "in_test_last_retry_0001"
BEGAN = datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def reminders():
    return [m for m in mail.outbox if "まだできていません" in m.subject]


def queued_reminders():
    return DBTaskResult.objects.filter(task_path="donations.tasks.send_retry_reminder")


def fail(client, donation, session, attempt, next_attempt_in_days):
    invoice = failed_invoice(
        donation,
        session,
        invoice_id=INVOICE,
        attempt=attempt,
        next_attempt_in_days=next_attempt_in_days,
    )
    deliver(client, "invoice.payment_failed", invoice)
    return invoice


@pytest.mark.django_db(transaction=True)
def test_retries_close_together_the_one_that_may_be_last_is_reminded_of_once(client):
    donation, session = monthly_supporter(client, small_campaign())
    for attempt in range(1, RETRY_ATTEMPTS - 1):  # tries 2 … 7: all within days
        fail(client, donation, session, attempt, next_attempt_in_days=1)
        run_task_worker()
    assert reminders() == []

    before_last = fail(client, donation, session, RETRY_ATTEMPTS - 1, next_attempt_in_days=3)
    deliver(client, "invoice.payment_failed", before_last)  # reported twice
    [queued] = queued_reminders()
    last_try = datetime.datetime.fromtimestamp(before_last["next_payment_attempt"], tz=datetime.UTC)
    assert queued.run_after == last_try - DAY  # a day before the try that may be the last
    run_task_worker()
    assert reminders() == []  # not yet due
    queued_reminders().update(run_after=timezone.now())
    run_task_worker()

    [reminder] = reminders()
    assert timezone.localdate(last_try).isoformat() in reminder.body
    assert "/donate/manage/card/?token=" in reminder.body

    fail(client, donation, session, RETRY_ATTEMPTS, next_attempt_in_days=None)  # the last
    deliver(
        client,
        "customer.subscription.updated",
        ended_subscription(donation, session, status="unpaid"),
    )
    run_task_worker()

    assert len(reminders()) == 1
    [goodbye] = [m for m in mail.outbox if "終了しました" in m.subject]
    assert "/donate/?campaign=truth&frequency=monthly" in goodbye.body


@pytest.mark.django_db(transaction=True)
def test_a_hard_decline_with_no_retry_gets_the_goodbye_and_no_reminder(client):
    donation, session = monthly_supporter(client, small_campaign())
    fail(client, donation, session, 1, next_attempt_in_days=None)
    deliver(
        client,
        "customer.subscription.deleted",
        ended_subscription(donation, session, status="canceled", reason="payment_failed"),
    )
    run_task_worker()

    assert reminders() == [] and not queued_reminders().exists()
    assert len([m for m in mail.outbox if "終了しました" in m.subject]) == 1


def test_the_rule_waits_for_a_retry_late_in_the_window_or_the_last_by_number():
    early = BEGAN + 2 * DAY
    assert second_reminder_time(began=BEGAN, attempt_count=2, next_attempt=early) is None
    late = BEGAN + 5 * DAY
    assert second_reminder_time(began=BEGAN, attempt_count=2, next_attempt=late) == late - DAY
    last = RETRY_ATTEMPTS - 1
    assert second_reminder_time(began=BEGAN, attempt_count=last, next_attempt=early) == BEGAN + DAY
    assert second_reminder_time(began=BEGAN, attempt_count=last, next_attempt=None) is None
