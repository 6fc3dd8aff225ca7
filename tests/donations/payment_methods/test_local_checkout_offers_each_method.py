"""Without a Stripe key, the local test checkout offers what Stripe's page would (every method
the campaign has that takes the amount) and lets a person try each path: paid at once, a slip
or an account paid later, a partial and an over-funded transfer."""

import pytest

from campaigns.payment_methods import PaymentMethod
from donations.models import Donation
from tests.support.fake_stripe import confirm_and_pay, donation_form
from tests.support.gifts import campaign_offering_every_method
from tests.support.webhook_checks import NOTHING, counters, raised


@pytest.fixture
def campaign(db):
    return campaign_offering_every_method()


def start(client, campaign, method="card", amount=5000):
    data = donation_form(campaign, tier="other", other_amount=str(amount), payment_method=method)
    response, sent = confirm_and_pay(client, data)
    assert response.status_code == 303
    return response["Location"], Donation.objects.get(checkout_token=sent["token"])


def test_the_test_page_offers_the_methods_stripe_would(client, campaign):
    test_checkout, _donation = start(client, campaign, "paypay", amount=400_000)

    page = client.get(test_checkout).content.decode()

    for offered in ("card", "paypay", "customer_balance"):
        assert f'name="paid_with" value="{offered}"' in page
    assert 'value="konbini"' not in page  # beyond konbini's ¥300,000
    assert 'value="paypay" checked' in page  # the donor's choice comes first


def test_chose_card_but_paid_at_a_konbini_waits_for_the_money(client, campaign):
    test_checkout, donation = start(client, campaign, "card")

    thanks = client.post(test_checkout, {"outcome": "pay", "paid_with": "konbini"})

    donation.refresh_from_db()
    assert donation.payment_method == PaymentMethod.KONBINI
    assert donation.status == Donation.Status.AWAITING_PAYMENT
    assert "コンビニ" in client.get(thanks["Location"]).content.decode()
    assert counters(campaign) == NOTHING
    client.post(test_checkout, {"outcome": "arrive"})
    assert counters(campaign) == raised(5000)


def test_chose_konbini_but_paid_by_paypay_counts_at_once(client, campaign):
    test_checkout, donation = start(client, campaign, "konbini")

    client.post(test_checkout, {"outcome": "pay", "paid_with": "paypay"})

    donation.refresh_from_db()
    assert donation.payment_method == PaymentMethod.PAYPAY
    assert counters(campaign) == raised(5000)


def test_a_partial_then_an_over_funded_transfer(client, campaign):
    test_checkout, donation = start(client, campaign, "bank_transfer")
    client.post(test_checkout, {"outcome": "pay", "paid_with": "customer_balance"})

    client.post(test_checkout, {"outcome": "part"})
    page = client.get(test_checkout).content.decode()
    assert "¥2,500" in page  # what is still missing
    assert counters(campaign) == NOTHING

    client.post(test_checkout, {"outcome": "more"})

    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED
    assert counters(campaign) == raised(5000)  # what the gift asked, not what came
    assert donation.transfer_left_in_balance == 1000


def test_a_method_not_offered_is_paid_by_card(client, campaign):
    campaign.one_time_methods = ["card", "bank_pledge"]
    campaign.save()
    test_checkout, donation = start(client, campaign, "card")

    client.post(test_checkout, {"outcome": "pay", "paid_with": "konbini"})

    donation.refresh_from_db()
    assert donation.payment_method == PaymentMethod.CARD
    assert counters(campaign) == raised(5000)


def test_the_thank_you_page_shows_a_test_account_to_transfer_to(client, campaign):
    test_checkout, _donation = start(client, campaign, "card")
    thanks = client.post(test_checkout, {"outcome": "pay", "paid_with": "customer_balance"})

    page = client.get(thanks["Location"]).content.decode()
    assert "0000000" in page and "テスト銀行 (TEST)" in page
    assert "¥5,000" in page

    client.post(test_checkout, {"outcome": "part"})
    page = client.get(thanks["Location"]).content.decode()
    assert "¥2,500" in page  # what is still to transfer
