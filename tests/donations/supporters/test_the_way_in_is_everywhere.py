"""「寄付の確認・変更」 wherever a donor looks: the footer of every page, the thank-you page and
the receipt e-mail all lead to the supporter's own page."""

import pytest
from django.core import mail

from donations.models import Donation
from tests.support.fake_stripe import confirm_and_pay, donation_form, run_task_worker
from tests.support.gifts import giving_campaign

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_footer_the_thank_you_page_and_the_receipt_lead_to_the_supporter_page(client):
    campaign = giving_campaign()
    for page in ("/", "/en/"):
        assert 'href="' + page.rstrip("/") + '/supporter/"' in client.get(page).content.decode()

    response, sent = confirm_and_pay(client, donation_form(campaign, frequency="monthly"))
    thanks = client.get(client.post(response["Location"], {"outcome": "pay"})["Location"])
    assert 'href="/supporter/"' in thanks.content.decode().split("<footer")[0]
    run_task_worker()

    [receipt] = [m for m in mail.outbox if "領収" in m.subject]
    assert "http://testserver/supporter/" in receipt.body
    assert Donation.objects.get(checkout_token=sent["token"]).status == Donation.Status.ACTIVE
