"""PDF receipts: a payment's and a donor's annual total, read back from the PDF file itself;
the same receipt every time; staff download them; the donor's e-mail links to theirs."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from donations import receipts
from donations.models import Donation
from tests.support.fake_stripe import confirm_and_pay, donation_form, run_task_worker
from tests.support.gifts import an_organisation, tiers
from tests.support.pdf_text import pdf_text, squeezed


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 10))


def gift(campaign, amount, when, email="hanako@example.jp", frequency="once"):
    return Donation.record_offline(
        campaign=campaign,
        frequency=frequency,
        amount=amount,
        received_at=when,
        donor_name="山田 花子",
        donor_email=email,
    )


@pytest.mark.django_db
def test_a_payments_receipt_shows_its_amount_number_date_and_organisation(campaign):
    organisation = an_organisation()
    payment = gift(campaign, 12_345, at(2026, 3, 9)).payments.get()

    text = pdf_text(receipts.payment_pdf(payment))

    assert "領収書" in squeezed(text) and "山田花子様" in squeezed(text)
    assert "¥12,345" in text
    assert payment.receipt_number in text and "2026-03-09" in text
    assert organisation.name in text
    assert "寄付金控除の対象になりません" in text  # never claims a deduction
    assert "控除の対象となります" not in text


@pytest.mark.django_db
def test_the_annual_receipt_totals_one_calendar_year_in_japan(campaign):
    gift(campaign, 3_000, at(2025, 1, 1))  # New Year's Day in Japan, still 2024 in UTC
    gift(campaign, 2_000, at(2025, 12, 31))
    gift(campaign, 7_000, at(2026, 1, 2))  # next year
    gift(campaign, 9_999, at(2025, 6, 1), email="someone-else@example.jp")
    voided = gift(campaign, 4_000, at(2025, 7, 1))
    voided.void()

    text = pdf_text(receipts.annual_pdf("HANAKO@example.jp", 2025))

    assert "合計領収書" in squeezed(text)
    assert "¥5,000" in text
    assert "¥7,000" not in text and "¥9,999" not in text
    assert "2025-01-01" in text and "2025-12-31" in text
    assert receipts.annual_pdf("hanako@example.jp", 2019) is None


@pytest.mark.django_db
def test_a_receipt_is_the_same_when_made_again(campaign):
    payment = gift(campaign, 3_000, at(2026, 2, 1)).payments.get()

    first, again = receipts.payment_pdf(payment), receipts.payment_pdf(payment)

    assert pdf_text(first) == pdf_text(again)


@pytest.mark.django_db
def test_staff_download_receipts_from_the_donation_page(campaign, staff_client):
    donation = gift(campaign, 4_321, at(2026, 4, 1))
    page = staff_client.get(f"/admin/donations/donation/{donation.pk}/change/").content.decode()
    links = re.findall(r'href="(/admin/donations/donation/receipts/[^"]+)"', page)

    assert len(links) == 2  # the payment's receipt and the 2026 annual receipt
    for link in links:
        response = staff_client.get(link)
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert "¥4,321" in pdf_text(response.content)


@pytest.mark.django_db(transaction=True)
def test_the_receipt_email_links_to_the_donors_pdf(client, campaign):
    tiers(campaign, 3_000)
    pay, _ = confirm_and_pay(client, donation_form(campaign, tier="3000"))
    client.post(pay["Location"], {"outcome": "pay"})
    run_task_worker()

    [receipt] = [m for m in mail.outbox if "領収" in m.subject]
    url = re.search(r"http://testserver(/donate/receipt/\S+/)", receipt.body).group(1)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "¥3,000" in pdf_text(response.content)
    assert client.get(url.replace("/receipt/", "/receipt/x")).status_code == 400
