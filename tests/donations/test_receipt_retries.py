"""A mail outage loses no receipt: the worker keeps trying with growing pauses for at least three
days, sends each receipt exactly once when mail comes back, and staff see what is still unsent."""

import datetime
import smtplib
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from donations import tasks
from donations.models import Payment
from tests.support import stripe_events as se
from tests.support.fake_stripe import run_task_worker
from tests.support.staff_personas import signed_in
from tests.support.stripe_events import pending

pytestmark = pytest.mark.django_db(transaction=True)


class MailDown(EmailBackend):
    """An SMTP server that refuses `failures_left` messages (all, with None), then accepts."""

    failures_left: int | None = None

    def send_messages(self, messages):
        if MailDown.failures_left is None or MailDown.failures_left > 0:
            if MailDown.failures_left:
                MailDown.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.MailDown"
    MailDown.failures_left = None
    yield MailDown
    MailDown.failures_left = None


def paid(client, campaign):
    donation = pending(campaign)
    response = se.post_event(
        client, se.event("checkout.session.completed", se.checkout_session(donation))
    )
    assert response.status_code == 200
    return Payment.objects.get(donation=donation)


def run_due_retries():
    """Let time pass until the next retry is due, and run the worker. Returns the pause the
    retry asked for, or None when no retry is waiting."""
    waiting = DBTaskResult.objects.filter(status="READY").order_by("run_after").first()
    if waiting is None:
        return None
    pause = datetime.timedelta(
        seconds=round((waiting.run_after - waiting.enqueued_at).total_seconds())
    )
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
    run_task_worker()
    return pause


def test_receipts_are_retried_for_three_days_with_growing_pauses(client, campaign, mail_down):
    payment = paid(client, campaign)
    run_task_worker()

    pauses = []
    while (pause := run_due_retries()) is not None:
        pauses.append(pause)
        assert len(pauses) < 100, "never gives up"

    assert sum(pauses, datetime.timedelta()) >= datetime.timedelta(days=3)
    assert pauses == sorted(pauses)  # growing, never shrinking
    assert pauses[0] <= datetime.timedelta(minutes=5)  # a short hiccup costs minutes
    assert max(pauses) <= datetime.timedelta(hours=6)  # and mail back is noticed within hours
    payment.refresh_from_db()
    assert payment.receipt_sent_at is None
    assert mail.outbox == []


def test_a_receipt_is_sent_exactly_once_when_mail_comes_back(client, campaign, mail_down):
    mail_down.failures_left = 8  # about eight hours of outage
    payment = paid(client, campaign)
    # A duplicate of the task as well (a retried delivery, a second worker): still one receipt.
    tasks.send_receipt.enqueue(payment.pk)
    run_task_worker()

    while run_due_retries() is not None:
        pass

    [receipt] = mail.outbox
    assert payment.receipt_number in receipt.subject
    payment.refresh_from_db()
    assert payment.receipt_sent_at is not None
    assert not DBTaskResult.objects.filter(status="READY").exists()


class SlowMail(EmailBackend):
    def send_messages(self, messages):
        time.sleep(0.5)  # a slow SMTP server: both workers are inside the send at once
        return super().send_messages(messages)


def test_two_workers_sending_the_same_receipt_send_it_once(client, campaign, settings):
    payment = paid(client, campaign)
    settings.EMAIL_BACKEND = f"{__name__}.SlowMail"

    def worker():
        try:
            tasks.send_receipt.call(payment.pk)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()

    assert len(mail.outbox) == 1


def test_staff_see_the_receipts_not_sent_yet(client, campaign, mail_down, django_user_model):
    unsent = paid(client, campaign)
    run_task_worker()
    mail_down.failures_left = 0
    sent = paid(client, campaign)
    run_task_worker()
    staff = signed_in(django_user_model.objects.create_superuser("staff", "s@example.org", None))

    html = staff.get("/admin/donations/payment/", {"receipt": "unsent"}).content.decode()

    assert "未送信" in html
    assert unsent.receipt_number in html
    assert sent.receipt_number not in html
