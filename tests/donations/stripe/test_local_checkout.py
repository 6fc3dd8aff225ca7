"""Without a Stripe key, a newcomer gives through the local test checkout and sees the counters
on the campaign page move; the test checkout feeds the same event handling as real webhooks."""

import re

import pytest

from donations.models import Donation, StripeEvent
from donations.stripe import local_checkout
from tests.support.fake_stripe import (
    confirm_and_pay,
    donation_form,
)
from tests.support.gifts import campaign_with_earlier_gifts, offline_gift


@pytest.fixture
def campaign(db):
    """A small campaign of the test's own whose counters already moved (tests/support/gifts.py)."""
    return campaign_with_earlier_gifts()


pytestmark = pytest.mark.django_db


def shown(client, counter):
    """The current figure the campaign page shows for a counter ("monthly" or "onetime")."""
    html = client.get("/").content.decode()
    figures = re.search(rf'id="progress-{counter}-figures">(.*?)</dl>', html, re.S).group(1)
    return re.search(r"<dd>(.*?)</dd>", figures).group(1)


def yen(text):
    return int(text.removeprefix("¥").replace(",", ""))


def supporters(text):
    return int(text.removesuffix("人"))


def finish(client, checkout, outcome):
    """Press a button on the test checkout and land where it sends the donor (303)."""
    response = client.post(checkout, {"outcome": outcome})
    assert response.status_code == 303
    return client.get(response["Location"])


def to_test_checkout(client, campaign, **fields):
    response, sent = confirm_and_pay(client, donation_form(campaign, **fields))
    assert response.status_code == 303
    donation = Donation.objects.get(checkout_token=sent["token"])
    assert response["Location"] == f"/donate/test-checkout/{donation.checkout_token}/"
    return donation, response["Location"]


def test_confirmation_and_checkout_are_labelled_as_tests(client, campaign):
    confirmation = client.post("/donate/confirm/", donation_form(campaign))
    assert "これはテスト環境です" in confirmation.content.decode()
    _, checkout = to_test_checkout(client, campaign)

    page = client.get(checkout)

    assert "ローカルのテスト決済です" in page.content.decode()
    assert "¥3,000" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_one_time_gift_moves_the_campaign_page(client, campaign):
    raised = yen(shown(client, "onetime"))
    donation, checkout = to_test_checkout(client, campaign, tier="10000")

    thanks = finish(client, checkout, "pay")

    assert "¥10,000 のご寄付を受け付けました" in thanks.content.decode()
    assert yen(shown(client, "onetime")) == raised + 10000
    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED
    assert StripeEvent.objects.filter(type="checkout.session.completed").exists()


@pytest.mark.django_db(transaction=True)
def test_monthly_gift_adds_a_supporter(client, campaign):
    before = supporters(shown(client, "monthly"))
    donation, checkout = to_test_checkout(client, campaign, frequency="monthly", tier="5000")

    thanks = finish(client, checkout, "pay")

    assert "毎月 ¥5,000 のマンスリーサポーターとしてのお申し込みを受け付けました" in (
        thanks.content.decode()
    )
    assert supporters(shown(client, "monthly")) == before + 1
    donation.refresh_from_db()
    assert donation.status == Donation.Status.ACTIVE
    assert donation.payments.count() == 1  # the first invoice


def test_abandoning_expires_the_donation_and_moves_nothing(client, campaign):
    before = shown(client, "onetime"), shown(client, "monthly")
    donation, checkout = to_test_checkout(client, campaign, frequency="monthly")

    thanks = finish(client, checkout, "abandon")

    assert "お手続きは完了しませんでした" in thanks.content.decode()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.EXPIRED
    assert (shown(client, "onetime"), shown(client, "monthly")) == before


@pytest.mark.django_db(transaction=True)
def test_paying_twice_counts_once(client, campaign):
    raised = yen(shown(client, "onetime"))
    donation, checkout = to_test_checkout(client, campaign)

    client.post(checkout, {"outcome": "pay"})
    client.post(checkout, {"outcome": "pay"})

    assert yen(shown(client, "onetime")) == raised + 3000
    assert donation.payments.count() == 1


@pytest.mark.django_db(transaction=True)
def test_monthly_pay_handled_twice_records_the_first_invoice_once(client, campaign):
    before = supporters(shown(client, "monthly"))
    donation, _ = to_test_checkout(client, campaign, frequency="monthly")

    # A double click: both requests found the donation pending before either finished, so
    # both get past the view's check (one after the other, the second would stop there).
    local_checkout.pay(donation)
    local_checkout.pay(donation)

    assert donation.payments.count() == 1
    assert supporters(shown(client, "monthly")) == before + 1


@pytest.mark.django_db(transaction=True)
def test_resubmitting_the_confirmation_after_paying_goes_to_the_thanks_page(client, campaign):
    raised = yen(shown(client, "onetime"))
    response, sent = confirm_and_pay(client, donation_form(campaign))
    client.post(response["Location"], {"outcome": "pay"})

    again = client.post("/donate/pay/", sent)

    assert again.status_code == 303
    assert again["Location"] == f"/donate/thanks/?token={sent['token']}"
    assert "¥3,000 のご寄付を受け付けました" in client.get(again["Location"]).content.decode()
    assert yen(shown(client, "onetime")) == raised + 3000


def test_a_finished_test_checkout_cannot_be_abandoned_afterwards(client, campaign):
    donation, checkout = to_test_checkout(client, campaign)
    client.post(checkout, {"outcome": "pay"})

    client.post(checkout, {"outcome": "abandon"})

    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED


def test_no_test_checkout_once_stripe_is_configured(client, campaign, fake_stripe):
    donation, _ = _pending_via_stripe(client, campaign)

    response = client.get(f"/donate/test-checkout/{donation.checkout_token}/")

    assert response.status_code == 404


def _pending_via_stripe(client, campaign):
    response, sent = confirm_and_pay(client, donation_form(campaign))
    return Donation.objects.get(checkout_token=sent["token"]), response


@pytest.mark.parametrize("query", ["", "?token=", "?token=not-a-token"])
def test_thanks_page_without_a_valid_token_shows_no_donation(client, campaign, query):
    # Gifts staff recorded by hand have no checkout token: none of them may be shown as the
    # visitor's own.
    offline_gift(campaign)
    assert Donation.objects.filter(checkout_token__isnull=True).exists()

    response = client.get(f"/donate/thanks/{query}")

    html = response.content.decode()
    assert "ご寄付が見つかりませんでした" in html
    assert "受け付けました" not in html
