"""The PDF receipt says how the money came, as the e-mail, the export and the dashboard do."""

import pytest
from django.test import Client
from django.utils import timezone

from donations import receipts
from donations.models import Donation
from tests.support.gifts import paid_once
from tests.support.pdf_text import pdf_text, squeezed

pytestmark = pytest.mark.django_db


def test_a_paypay_gifts_receipt_names_paypay(campaign):
    donation, _intent = paid_once(Client(), campaign, amount=4000)
    Donation.objects.filter(pk=donation.pk).update(payment_method="paypay")
    donation.refresh_from_db()

    text = pdf_text(receipts.payment_pdf(donation.payments.get()))

    assert "お支払い方法" in squeezed(text) and "PayPay" in text


def test_a_transfer_to_our_account_is_named_on_the_receipt(campaign):
    donation = Donation.pledge_transfer(
        campaign=campaign,
        frequency=Donation.Frequency.ONCE,
        amount=6000,
        donor_name="佐藤 一郎",
        donor_email="ichiro@example.jp",
    )
    donation.confirm_transfer(received_at=timezone.now())

    text = squeezed(pdf_text(receipts.payment_pdf(donation.payments.get())))

    assert "銀行振込" in text and "当会の口座へ" in text  # the cell wraps in its column
