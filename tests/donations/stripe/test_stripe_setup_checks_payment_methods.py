"""`manage.py stripe_setup` says, through the API, which ways to pay Stripe's Checkout page will
show: each method on or off in the payment method configuration, the account capability it
needs, and every open campaign that offers a method Stripe will not show."""

import io

import pytest
from django.core.management import call_command

from tests.support.fake_stripe import (
    CAPABILITIES_ACTIVE,
    account_with,
    payment_method_configuration,
)
from tests.support.gifts import small_campaign


@pytest.fixture
def campaign(db):
    campaign = small_campaign()
    campaign.one_time_methods = ["card", "paypay", "konbini", "bank_transfer", "bank_pledge"]
    campaign.save()
    return campaign


def setup() -> str:
    out = io.StringIO()
    call_command("stripe_setup", stdout=out)
    return out.getvalue()


def test_all_on_and_active_raises_no_campaign_warning(fake_stripe, campaign):
    text = setup()

    assert "PayPay: on, capability paypay_payments: active" in text
    assert "Bank transfer (jp_bank_transfer): on, capability jp_bank_transfer_payments: active" in (
        text
    )
    assert "will not show" not in text
    assert not fake_stripe.refused


def test_a_campaign_offering_a_method_switched_off_is_named(fake_stripe, campaign):
    fake_stripe.payment_method_configurations = [payment_method_configuration(off=("paypay",))]

    text = setup()

    assert "PayPay: OFF" in text
    assert "Campaign “truth” offers PayPay, which Stripe will not show" in text


def test_a_method_whose_capability_is_not_active_is_named(fake_stripe, campaign):
    fake_stripe.account = account_with({**CAPABILITIES_ACTIVE, "konbini_payments": "pending"})

    text = setup()

    assert "Konbini: on, capability konbini_payments: pending" in text
    assert "offers Convenience store (konbini), which Stripe will not show" in text
