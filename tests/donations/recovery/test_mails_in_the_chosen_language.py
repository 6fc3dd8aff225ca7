"""The language a supporter chose for e-mails on their page holds for every mail about their
gifts, receipts and change notices too (read once per mail with the rest of their choices),
though the gift itself was made in Japanese."""

import pytest
from django.core import mail

from donations import tasks
from donations.models import SupporterPreference
from tests.support.failed_payments import monthly_supporter, paid_invoice
from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import deliver, small_campaign

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_receipt_and_a_change_notice_in_english_for_a_japanese_gift(client):
    donation, session = monthly_supporter(client, small_campaign(), locale="ja")
    run_task_worker()
    SupporterPreference.objects.create(email="hanako@example.jp", language="en")
    mail.outbox.clear()

    deliver(client, "invoice.paid", paid_invoice(donation, session, invoice_id="in_renewal"))
    tasks.send_gift_change_notice.enqueue(donation.pk, "paused")
    run_task_worker()

    [receipt] = [m for m in mail.outbox if "Receipt for your donation" in m.subject]
    [_notice] = [m for m in mail.outbox if m.subject == "Your monthly donation is paused"]
    assert "/en/donate/receipt/" in receipt.body
