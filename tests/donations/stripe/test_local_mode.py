"""Without a Stripe key, only a development machine gets the local test checkout; elsewhere a
donor meets the calm "payment service unavailable" page and nothing can be faked."""

from donations.models import CampaignProgress, Donation
from tests.support.fake_stripe import confirm_and_pay, donation_form


def test_without_a_key_or_local_checkout_giving_is_calmly_unavailable(client, seeded, settings):
    settings.LOCAL_TEST_CHECKOUT = False

    response, fields = confirm_and_pay(client, donation_form(seeded))

    assert response.status_code == 503
    assert "ただいま決済サービスにつながりません" in response.content.decode()
    donation = Donation.objects.get(checkout_token=fields["token"])
    assert donation.status == Donation.Status.PENDING
    fake = client.post(f"/donate/test-checkout/{donation.checkout_token}/", {"outcome": "pay"})
    assert fake.status_code == 404
    assert CampaignProgress.objects.get(pk=seeded.pk).onetime_raised == 23_000


def test_on_a_development_machine_the_local_checkout_is_offered(client, seeded):
    response, fields = confirm_and_pay(client, donation_form(seeded))

    assert response.status_code == 303
    assert response["Location"] == f"/donate/test-checkout/{fields['token']}/"
