"""A monthly payment that fails: Stripe retries it; a second reminder goes a day before a
later retry, once, and never once the money came in; a payment paid after failing counts as
recovered; after the last retry, a calm goodbye with a way back."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from donations.models import Donation, Payment, SupporterPreference
from tests.support.failed_payments import (
    ended_subscription,
    failed_invoice,
    monthly_supporter,
    paid_invoice,
)
from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import deliver, small_campaign

pytestmark = pytest.mark.django_db(transaction=True)

INVOICE = "in_test_recovery_0001"


def subjects():
    return [message.subject for message in mail.outbox]


def mails_about(words):
    found = [message for message in mail.outbox if words in message.subject]
    for message in found:
        print(f"\n--- to {message.to}: {message.subject}\n{message.body}")
    return found


def waiting_reminders():
    return DBTaskResult.objects.filter(
        task_path="donations.tasks.send_retry_reminder", status="READY"
    )


def make_due(tasks):
    tasks.update(run_after=timezone.now())


def failing(client, **supporter):
    donation, session = monthly_supporter(client, small_campaign(), **supporter)
    deliver(
        client,
        "invoice.payment_failed",
        failed_invoice(donation, session, invoice_id=INVOICE, attempt=1, next_attempt_in_days=3),
    )
    return donation, session


def test_attempts_and_next_retry_follow_the_newest_failure(client):
    donation, session = failing(client)
    later = failed_invoice(donation, session, invoice_id=INVOICE, attempt=3, next_attempt_in_days=7)
    earlier = failed_invoice(
        donation, session, invoice_id=INVOICE, attempt=2, next_attempt_in_days=4
    )
    deliver(client, "invoice.payment_failed", later)
    deliver(client, "invoice.payment_failed", earlier)  # arrives late: older news

    payment = Payment.objects.get(stripe_invoice_id=INVOICE)
    assert payment.attempt_count == 3
    assert payment.next_payment_attempt == datetime.datetime.fromtimestamp(
        later["next_payment_attempt"], tz=datetime.UTC
    )


def test_the_second_reminder_waits_for_a_later_retry_and_goes_once(client):
    donation, session = failing(client)
    run_task_worker()
    assert len(mails_about("決済ができませんでした")) == 1
    assert not waiting_reminders().exists()  # the first retry is too soon for a second word

    retry = failed_invoice(donation, session, invoice_id=INVOICE, attempt=2, next_attempt_in_days=6)
    deliver(client, "invoice.payment_failed", retry)
    deliver(client, "invoice.payment_failed", retry)  # delivered twice

    [waiting, *_] = waiting_reminders()
    next_retry = datetime.datetime.fromtimestamp(retry["next_payment_attempt"], tz=datetime.UTC)
    assert waiting.run_after == next_retry - datetime.timedelta(days=1)
    run_task_worker()
    assert mails_about("まだできていません") == []  # not due yet

    make_due(waiting_reminders())
    run_task_worker()
    make_due(waiting_reminders())
    run_task_worker()

    [reminder] = mails_about("まだできていません")
    assert reminder.to == ["hanako@example.jp"]
    assert "¥3,000" in reminder.body
    assert timezone.localdate(next_retry).isoformat() in reminder.body
    assert "/donate/manage/card/?token=" in reminder.body
    assert Payment.objects.get(stripe_invoice_id=INVOICE).reminder_sent_at is not None


def test_no_reminder_once_the_payment_succeeded_and_it_counts_as_recovered(client):
    donation, session = failing(client)
    deliver(
        client,
        "invoice.payment_failed",
        failed_invoice(donation, session, invoice_id=INVOICE, attempt=2, next_attempt_in_days=6),
    )
    deliver(client, "invoice.paid", paid_invoice(donation, session, invoice_id=INVOICE))

    make_due(waiting_reminders())
    run_task_worker()

    assert mails_about("まだできていません") == []
    payment = Payment.objects.get(stripe_invoice_id=INVOICE)
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.recovered
    assert Donation.objects.get(pk=donation.pk).status == Donation.Status.ACTIVE
    first = Payment.objects.filter(donation=donation).exclude(pk=payment.pk).get()
    assert not first.recovered  # paid at once: nothing to recover


def test_the_goodbye_after_the_last_retry_comes_once_with_a_way_back(client):
    donation, session = failing(client)
    deliver(
        client,
        "invoice.payment_failed",
        failed_invoice(donation, session, invoice_id=INVOICE, attempt=4, next_attempt_in_days=None),
    )
    ended = ended_subscription(donation, session, status="canceled", reason="payment_failed")
    deliver(client, "customer.subscription.updated", ended)
    deliver(client, "customer.subscription.deleted", ended)

    run_task_worker()

    [goodbye] = mails_about("終了しました")
    assert "今後、請求されることはありません" in goodbye.body
    assert "http://testserver/donate/?campaign=truth&frequency=monthly" in goodbye.body
    assert Donation.objects.get(pk=donation.pk).status == Donation.Status.CANCELED


def test_no_goodbye_when_the_supporter_cancelled_themselves(client):
    donation, session = monthly_supporter(client, small_campaign())
    ended = ended_subscription(
        donation, session, status="canceled", reason="cancellation_requested"
    )
    deliver(client, "customer.subscription.deleted", ended)

    run_task_worker()

    assert mails_about("終了しました") == []


def test_the_goodbye_in_the_language_the_supporter_chose(client):
    donation, session = failing(client)
    SupporterPreference.objects.create(email="hanako@example.jp", language="en")
    deliver(
        client,
        "customer.subscription.updated",
        ended_subscription(donation, session, status="unpaid"),
    )

    run_task_worker()

    [goodbye] = mails_about("has ended")
    assert "Nothing more will be charged." in goodbye.body
    assert "http://testserver/en/donate/?campaign=truth&frequency=monthly" in goodbye.body


def test_nothing_goes_to_an_address_whose_mail_was_stopped(client):
    donation, session = failing(client)
    SupporterPreference.objects.create(
        email="hanako@example.jp", mail_stopped_at=timezone.now(), mail_stopped_reason="bounce"
    )
    deliver(
        client,
        "invoice.payment_failed",
        failed_invoice(donation, session, invoice_id=INVOICE, attempt=2, next_attempt_in_days=6),
    )
    deliver(
        client,
        "customer.subscription.updated",
        ended_subscription(donation, session, status="unpaid"),
    )

    make_due(waiting_reminders())
    run_task_worker()

    assert mails_about("まだできていません") == []
    assert mails_about("終了しました") == []


def test_no_goodbye_when_an_unpaid_subscription_was_paid_after_all(client):
    donation, session = failing(client)
    unpaid = ended_subscription(donation, session, status="unpaid")
    deliver(client, "invoice.paid", paid_invoice(donation, session, invoice_id=INVOICE))
    deliver(client, "customer.subscription.updated", unpaid, created=int(time.time()) - 60)

    run_task_worker()

    assert mails_about("終了しました") == []
    assert Donation.objects.get(pk=donation.pk).status == Donation.Status.ACTIVE
