"""A Stripe bank transfer's receipt is e-mailed when the money arrives, not before, and says
how the gift was paid."""

import pytest
from django.core import mail

from tests.support import stripe_events as se
from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import deliver, small_campaign

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it does in use


def test_the_receipt_waits_for_the_transfer_and_names_the_method(client):
    donation = se.pending(small_campaign(), amount=7000)
    donation.payment_method = "bank_transfer"
    donation.save()
    unpaid = se.checkout_session(donation, payment_status="unpaid")
    deliver(client, "checkout.session.completed", unpaid)
    run_task_worker()
    assert mail.outbox == []  # instructions issued: no receipt for money not yet there

    deliver(
        client, "checkout.session.async_payment_succeeded", {**unpaid, "payment_status": "paid"}
    )
    run_task_worker()

    [receipt] = mail.outbox
    print(receipt.subject, receipt.body, sep="\n")
    assert "¥7,000" in receipt.body
    assert "お支払い方法: 銀行振込（Stripe が表示する専用口座へ）" in receipt.body
