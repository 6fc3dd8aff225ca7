"""E-mails to donors, sent by the real task worker once the ledger change has committed."""

import datetime
import re
import smtplib
import zoneinfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from donations.models import Donation, Payment
from tests.support import stripe_events as se
from tests.support.fake_stripe import confirm_and_pay, donation_form, run_task_worker
from tests.support.gifts import an_organisation, tiers
from tests.support.stripe_events import pending
from tests.support.webhook_checks import deliver

pytestmark = pytest.mark.django_db(transaction=True)


class FailingOnceBackend(EmailBackend):
    """An SMTP server that refuses the first message, then accepts."""

    failures_left = 0

    def send_messages(self, messages):
        if FailingOnceBackend.failures_left:
            FailingOnceBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def paid_monthly(client, campaign, locale="ja"):
    donation = pending(campaign, frequency="monthly", locale=locale)
    session = se.checkout_session(donation)
    deliver(client, "checkout.session.completed", session)
    return donation, session


def invoice_for(donation, session, **fields):
    return se.invoice(
        donation, subscription_id=session["subscription"], customer_id=session["customer"], **fields
    )


def test_one_receipt_per_payment_sent_by_the_worker(client, campaign):
    organisation = an_organisation()
    donation = pending(campaign, amount=3000)
    session = se.checkout_session(donation)
    evt = se.event("checkout.session.completed", session)
    se.post_event(client, evt)
    se.post_event(client, evt)
    deliver(client, "checkout.session.async_payment_succeeded", session)
    assert mail.outbox == []  # the webhook only queues it

    run_task_worker()
    run_task_worker()

    [receipt] = mail.outbox
    payment = Payment.objects.get(donation=donation)
    assert receipt.to == ["hanako@example.jp"]
    assert payment.receipt_number in receipt.subject
    assert payment.receipt_number in receipt.body
    assert "¥3,000" in receipt.body
    assert "今回だけ" in receipt.body
    assert "山田 花子 様" in receipt.body
    assert organisation.name in receipt.body
    assert "寄付金控除の対象になりません" in receipt.body
    assert "/donate/manage/" not in receipt.body
    payment.refresh_from_db()
    assert payment.receipt_sent_at is not None


def test_monthly_donors_get_a_receipt_for_every_invoice(client, campaign):
    donation, session = paid_monthly(client, campaign)
    first = invoice_for(donation, session, billing_reason="subscription_create")
    deliver(client, "invoice.paid", first)
    deliver(client, "invoice.paid", first)
    deliver(client, "invoice.paid", invoice_for(donation, session))

    run_task_worker()

    receipts = [m for m in mail.outbox if "JII-" in m.subject]  # the welcome comes too
    assert len(receipts) == 2
    numbers = {p.receipt_number for p in Payment.objects.filter(donation=donation)}
    assert {n for n in numbers for m in receipts if n in m.subject} == numbers
    for message in receipts:
        assert "マンスリー（毎月）" in message.body
        assert re.search(r"http://testserver/donate/manage/\S+/", message.body)


def test_receipt_for_an_english_donation(client, campaign):
    tiers(campaign, 3_000)
    an_organisation(short_name="テストNPO", short_name_en="Test NPO")
    response, fields = confirm_and_pay(
        client, donation_form(campaign, frequency="monthly"), prefix="/en"
    )
    donation = Donation.objects.get(checkout_token=fields["token"])
    assert donation.locale == "en"
    client.post(response["Location"], {"outcome": "pay"})  # the local test checkout

    run_task_worker()

    [receipt] = [m for m in mail.outbox if "Receipt" in m.subject]  # the welcome comes too
    payment = Payment.objects.get(donation=donation)
    subject = f"[Test NPO] Receipt for your donation ({payment.receipt_number})"
    assert receipt.subject.strip() == subject
    assert f"Receipt number: {payment.receipt_number}" in receipt.body
    assert "Dear 山田 花子," in receipt.body
    assert "領収番号" not in receipt.body
    assert "¥3,000" in receipt.body
    assert re.search(r"http://testserver/en/donate/manage/\S+/", receipt.body)


def test_failed_monthly_payment_sends_one_notice(client, campaign):
    donation, session = paid_monthly(client, campaign)
    failed = invoice_for(donation, session, paid=False)
    deliver(client, "invoice.payment_failed", failed)
    deliver(client, "invoice.payment_failed", failed)

    run_task_worker()

    [notice] = mail.outbox
    assert notice.to == ["hanako@example.jp"]
    assert "決済ができませんでした" in notice.subject
    assert "¥3,000" in notice.body
    assert re.search(r"http://testserver/donate/manage/\S+/", notice.body)


def test_failed_send_is_retried_later_and_never_fails_the_webhook(client, campaign, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingOnceBackend"
    FailingOnceBackend.failures_left = 1
    donation = pending(campaign)

    deliver(client, "checkout.session.completed", se.checkout_session(donation))
    run_task_worker()

    assert mail.outbox == []
    payment = Payment.objects.get(donation=donation)
    assert payment.receipt_sent_at is None
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now()
    # The retry waits; once its time has come, the worker sends it.
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_task_worker()

    [receipt] = mail.outbox
    assert payment.receipt_number in receipt.subject
    payment.refresh_from_db()
    assert payment.receipt_sent_at is not None


def test_nothing_is_sent_for_a_change_that_rolled_back(client, campaign):
    donation = pending(campaign)
    session = se.checkout_session(donation)
    # A completed session whose amount the ledger refuses: the webhook fails as a whole.
    bad = se.event("checkout.session.completed", {**session, "amount_total": -1})

    response = se.post_event(client, bad)

    assert response.status_code == 400
    run_task_worker()
    assert mail.outbox == []
    assert not Payment.objects.filter(donation=donation).exists()


@pytest.mark.parametrize(
    ("paid_in_tokyo", "date", "year"),
    [
        ((2026, 3, 15, 12, 0), "2026-03-15", 2026),
        # Just after midnight on New Year's Day in Japan, still the old year in UTC.
        ((2027, 1, 1, 0, 30), "2027-01-01", 2027),
    ],
)
def test_receipt_date_and_number_follow_the_payment_date_in_japan(
    client, campaign, paid_in_tokyo, date, year
):
    donation, session = paid_monthly(client, campaign)
    paid_at = datetime.datetime(*paid_in_tokyo, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))
    invoice = invoice_for(donation, session, paid_at=int(paid_at.timestamp()))
    deliver(client, "invoice.paid", invoice)

    run_task_worker()

    [receipt] = mail.outbox
    assert f"受領日: {date}" in receipt.body
    assert f"JII-{year}-" in receipt.subject
    assert f"JII-{year}-" in receipt.body
