"""Sending an activity report: each recipient gets it exactly once, in their language, even when
a worker dies halfway and is run again, or two workers send at the same time; an address that
unsubscribed or bounced since is skipped; a failed send is retried later and staff see each
recipient's status."""

import collections
import datetime
import io
import smtplib
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import small_campaign
from tests.support.update_factories import organisation, supporter, update
from updates import sending
from updates.models import Delivery, Update

pytestmark = pytest.mark.django_db(transaction=True)


class WorkerDied(BaseException):
    """The process killed mid-send (not an error the task could catch)."""


class DiesAfterHalf(EmailBackend):
    sends_left = 0

    def send_messages(self, messages):
        if DiesAfterHalf.sends_left <= 0:
            raise WorkerDied
        DiesAfterHalf.sends_left -= 1
        return super().send_messages(messages)


class SlowMail(EmailBackend):
    def send_messages(self, messages):
        time.sleep(0.01)  # lets the other worker's turn come between two sends
        return super().send_messages(messages)


class MailDown(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def received() -> collections.Counter:
    return collections.Counter(address for message in mail.outbox for address in message.to)


@pytest.fixture
def ten_supporters():
    organisation()
    campaign = small_campaign()
    emails = [f"person{n}@example.jp" for n in range(10)]
    for email in emails:
        supporter(email, campaign)
    return campaign, emails


def test_a_worker_that_dies_halfway_then_runs_again_mails_each_person_once(
    ten_supporters, settings
):
    campaign, emails = ten_supporters
    report = update(campaign)
    sending.queue(report, Update.Audience.CONSENTING)
    settings.EMAIL_BACKEND = f"{__name__}.DiesAfterHalf"
    DiesAfterHalf.sends_left = 5

    run_task_worker()  # dies halfway through its task, which never schedules the next batch
    assert len(mail.outbox) == 5
    assert not DBTaskResult.objects.filter(status="READY").exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_updates", stdout=io.StringIO())
    run_task_worker()

    assert received() == dict.fromkeys(emails, 1)
    assert set(report.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_two_workers_at_once_mail_each_person_once(ten_supporters, settings, needs_postgresql):
    campaign, emails = ten_supporters
    report = update(campaign)
    sending.queue(report, Update.Audience.CONSENTING)
    settings.EMAIL_BACKEND = f"{__name__}.SlowMail"

    def worker():
        try:
            sending.send_batch(report.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert received() == dict.fromkeys(emails, 1)


def test_a_report_is_queued_once_however_often_staff_press_send(ten_supporters):
    campaign, emails = ten_supporters
    report = update(campaign)
    sending.queue(report, Update.Audience.CONSENTING)
    with pytest.raises(sending.AlreadySent):
        sending.queue(report, Update.Audience.CONSENTING)
    run_task_worker()

    assert received() == dict.fromkeys(emails, 1)


def test_each_recipient_reads_it_in_their_language():
    organisation()
    campaign = small_campaign()
    supporter("ja@example.jp", campaign, locale="ja")
    supporter("en@example.jp", campaign, locale="en")
    supporter("chose-en@example.jp", campaign, locale="ja", language="en")
    report = update(campaign)
    sending.queue(report, Update.Audience.CONSENTING)
    run_task_worker()

    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["ja@example.jp"].subject.endswith(report.title_ja)
    assert "日本語教室を開きました。" in by_address["ja@example.jp"].body
    for english in ("en@example.jp", "chose-en@example.jp"):
        assert by_address[english].subject.endswith(report.title_en)
        assert "We opened a Japanese class." in by_address[english].body
        assert "Sender" in by_address[english].body


def test_an_address_that_unsubscribed_after_queueing_is_skipped_and_never_mailed_again(
    ten_supporters,
):
    campaign, emails = ten_supporters
    report = update(campaign)
    sending.queue(report, Update.Audience.CONSENTING)
    from donations.models import SupporterPreference

    SupporterPreference.objects.filter(email="person3@example.jp").update(updates_consent=False)
    sending.stop_mail("person4@example.jp", "bounced (postmark)")
    run_task_worker()
    later = update(campaign)
    sending.queue(later, Update.Audience.CONSENTING)
    run_task_worker()

    gone = {"person3@example.jp", "person4@example.jp"}
    assert received() == {email: 2 for email in emails if email not in gone}
    skipped = report.deliveries.filter(status=Delivery.Status.SKIPPED)
    assert set(skipped.values_list("email", flat=True)) == gone
    assert not later.deliveries.filter(email__in=gone).exists()


def test_a_failed_send_waits_and_is_retried_and_staff_see_it(settings):
    organisation()
    campaign = small_campaign()
    supporter("person@example.jp", campaign)
    report = update(campaign)
    settings.EMAIL_BACKEND = f"{__name__}.MailDown"
    sending.queue(report, Update.Audience.CONSENTING)
    run_task_worker()

    delivery = report.deliveries.get()
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.attempts == 1
    assert delivery.detail == "SMTPServerDisconnected"
    assert delivery.next_attempt_at is not None
    assert sending.send_next(report.pk) is None  # not due yet

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    sending.send_batch(report.pk)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert received() == {"person@example.jp": 1}


def test_one_address_waiting_hours_for_a_retry_holds_up_no_one_else():
    report = update(small_campaign())
    retry_at = timezone.now() + datetime.timedelta(hours=6)
    Delivery.objects.create(update=report, email="bounced@example.jp", next_attempt_at=retry_at)
    Delivery.objects.create(update=report, email="waiting@example.jp")  # due now

    due = sending.next_run(report.pk)

    assert due <= timezone.now() + sending.BATCH_INTERVAL
