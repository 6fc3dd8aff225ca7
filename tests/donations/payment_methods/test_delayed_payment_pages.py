"""What a donor sees after Stripe Checkout for PayPay and Stripe's bank transfer, with the
session read back from the fake Stripe; and what `stripe_setup` says about the methods."""

import io

import pytest
from django.core.management import call_command

from donations.models import Donation, Payment
from tests.support.fake_stripe import (
    confirm_and_pay,
    donation_form,
    payment_method_configuration,
)
from tests.support.gifts import campaign_offering_every_method
from tests.support.webhook_checks import NOTHING, counters, raised


@pytest.fixture
def campaign(db):
    return campaign_offering_every_method()


def give(client, campaign, fake, method, prefix=""):
    data = donation_form(campaign, tier="other", other_amount="8000", payment_method=method)
    response, sent = confirm_and_pay(client, data, prefix=prefix)
    assert response.status_code == 303
    donation = Donation.objects.get(checkout_token=sent["token"])
    return donation, fake.sessions[donation.stripe_checkout_session_id]


@pytest.mark.parametrize(
    ("prefix", "waiting", "holder"),
    [
        ("", "お支払いをお待ちしています", "名義人"),
        ("/en", "Awaiting your payment", "Account holder"),
    ],
)
def test_a_bank_transfer_shows_the_account_and_counts_nothing_yet(
    client, campaign, fake_stripe, prefix, waiting, holder
):
    donation, session = give(client, campaign, fake_stripe, "bank_transfer", prefix)
    instructions = "https://payments.stripe.com/bank_transfers/instructions/test_abc"
    fake_stripe.complete_bank_transfer(session["id"], instructions, amount_remaining=8000)

    response = client.get(f"{prefix}/donate/thanks/", {"session_id": session["id"]})

    html = response.content.decode()
    assert waiting in html
    assert holder in html
    assert "1234567" in html and "¥8,000" in html
    assert f'href="{instructions}"' in html
    donation.refresh_from_db()
    assert donation.status == Donation.Status.AWAITING_PAYMENT
    assert not Payment.objects.filter(donation=donation).exists()  # no receipt yet
    assert counters(campaign) == NOTHING
    assert not fake_stripe.shape_errors


def test_a_paypay_gift_approved_in_the_app_is_thanked_and_counted(client, campaign, fake_stripe):
    _donation, session = give(client, campaign, fake_stripe, "paypay")
    fake_stripe.complete_paypay(session["id"])

    response = client.get("/donate/thanks/", {"session_id": session["id"]})

    assert "ご寄付ありがとうございます" in response.content.decode()
    assert counters(campaign) == raised(8000)


def test_the_confirmation_names_the_methods_timing(client, campaign, fake_stripe):
    data = donation_form(campaign, tier="other", other_amount="8000", payment_method="konbini")

    page = client.post("/en/donate/confirm/", data).content.decode()

    assert "Convenience store (konbini)" in page
    assert "pay at the store within 3 days" in page


def test_stripe_setup_lists_the_payment_methods_and_what_is_off(db, fake_stripe):
    fake_stripe.payment_method_configurations = [payment_method_configuration(off=("paypay",))]
    out = io.StringIO()

    call_command("stripe_setup", stdout=out)

    text = out.getvalue()
    assert "PayPay: OFF" in text
    assert "Google Pay (with cards on Stripe's Checkout page): on" in text
    assert "Apple Pay (with cards on Stripe's Checkout page; no domain registration)" in text
    assert not fake_stripe.refused
