"""Stripe Checkout opens in the donor's language, or the nearest Stripe has, for each of the
offered languages; the fake refuses, as Stripe does, a locale the SDK does not list."""

import pytest

from donations.models import Donation
from donations.stripe import gateway
from donations.stripe.checkout import checkout_locale
from tests.support.checkout_session_params import one_time_session
from tests.support.fake_stripe import confirm_and_pay, donation_form
from tests.support.language_sites import OFFERED, prefix, site_written_in

EXPECTED = {
    "ja": "ja",
    "ja-x-easy": "ja",
    "en": "en",
    "zh-hans": "zh",
    "vi": "vi",
    "ko": "ko",
    "pt-br": "pt-BR",
    "tl": "fil",
    "ne": "hi-IN",
}


@pytest.fixture
def campaign(db):
    return site_written_in("ja")


def test_every_offered_language_has_its_checkout_locale():
    assert {code: checkout_locale(code) for code in OFFERED} == EXPECTED


@pytest.mark.parametrize("language", OFFERED)
def test_a_gift_opens_checkout_in_the_pages_language(client, campaign, fake_stripe, language):
    response, sent = confirm_and_pay(client, donation_form(campaign), prefix=prefix(language))

    assert response.status_code == 303
    donation = Donation.objects.get(checkout_token=sent["token"])
    assert donation.locale == language
    [call] = fake_stripe.session_creates
    assert call.params["locale"] == EXPECTED[language]  # and the fake, like Stripe, took it


def test_stripe_refuses_a_locale_it_does_not_have(fake_stripe, caplog):
    fake_stripe.expect_refusals()
    with pytest.raises(gateway.GatewayUnavailable):
        # No Nepali at Stripe: hence hi-IN.
        gateway.create_checkout_session(one_time_session(locale="ne"), "locale-ne")
    assert "(param locale)" in caplog.text
    assert fake_stripe.sessions == {}
    assert gateway.create_checkout_session(one_time_session(locale="hi-IN"), "locale-hi")["id"]
