"""Without a Stripe key, a person tries a delayed method: the test checkout issues the slip or
transfer account, nothing counts, and "complete the transfer now" counts the gift once."""

import pytest

from donations.models import Donation
from tests.support.fake_stripe import confirm_and_pay, donation_form
from tests.support.gifts import campaign_offering_every_method
from tests.support.webhook_checks import NOTHING, counters, raised


@pytest.fixture
def campaign(db):
    return campaign_offering_every_method()


def start(client, campaign, method):
    data = donation_form(campaign, tier="other", other_amount="5000", payment_method=method)
    response, sent = confirm_and_pay(client, data)
    assert response.status_code == 303
    return response["Location"], Donation.objects.get(checkout_token=sent["token"])


@pytest.mark.parametrize("method", ["konbini", "bank_transfer"])
def test_a_delayed_gift_counts_when_the_transfer_is_completed_later(client, campaign, method):
    test_checkout, donation = start(client, campaign, method)

    thanks = client.get(client.post(test_checkout, {"outcome": "pay"})["Location"])
    assert "お支払いをお待ちしています" in thanks.content.decode()
    assert counters(campaign) == NOTHING

    page = client.get(test_checkout).content.decode()
    assert 'value="arrive"' in page
    client.post(test_checkout, {"outcome": "arrive"})
    client.post(test_checkout, {"outcome": "arrive"})  # pressed twice

    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED
    assert counters(campaign) == raised(5000)


def test_an_expired_slip_ends_the_pledge_with_a_way_to_try_again(client, campaign):
    test_checkout, donation = start(client, campaign, "konbini")
    client.post(test_checkout, {"outcome": "pay"})

    response = client.post(test_checkout, {"outcome": "expire"})
    page = client.get(response["Location"]).content.decode()

    donation.refresh_from_db()
    assert donation.status == Donation.Status.FAILED
    assert "もう一度お試しください" in page
    assert "寄付フォームへ戻る" in page
    assert counters(campaign) == NOTHING
