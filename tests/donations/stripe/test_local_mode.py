"""Without a Stripe key, only a development machine gets the local test checkout; elsewhere a
donor meets the calm "payment service unavailable" page and nothing can be faked."""

import pytest

from donations.models import CampaignProgress, Donation
from tests.support.fake_stripe import confirm_and_pay, donation_form
from tests.support.gifts import giving_campaign, offline_gift


@pytest.fixture
def campaign(db):
    """A small campaign of the test's own, with the form's suggested amounts."""
    return giving_campaign()


def test_without_a_key_or_local_checkout_giving_is_calmly_unavailable(client, campaign, settings):
    settings.LOCAL_TEST_CHECKOUT = False
    earlier = offline_gift(campaign, amount=8000)

    response, fields = confirm_and_pay(client, donation_form(campaign))

    assert response.status_code == 503
    assert "ただいま決済サービスにつながりません" in response.content.decode()
    donation = Donation.objects.get(checkout_token=fields["token"])
    assert donation.status == Donation.Status.PENDING
    fake = client.post(f"/donate/test-checkout/{donation.checkout_token}/", {"outcome": "pay"})
    assert fake.status_code == 404
    assert CampaignProgress.objects.get(pk=campaign.pk).onetime_raised == earlier.amount


def test_on_a_development_machine_the_local_checkout_is_offered(client, campaign):
    response, fields = confirm_and_pay(client, donation_form(campaign))

    assert response.status_code == 303
    assert response["Location"] == f"/donate/test-checkout/{fields['token']}/"
