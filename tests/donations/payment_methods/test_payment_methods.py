"""The ways to pay a one-time gift: staff choose them per campaign, the form checks each
method's amounts, and a delayed one
(PayPay, Stripe's bank transfer) counts once, when the money is there."""

import pytest
import stripe

from donations.models import Donation
from tests.support import stripe_events as se
from tests.support.fake_stripe import confirm_and_pay, donation_form
from tests.support.gifts import campaign_offering_every_method
from tests.support.stripe_shapes import full_object as shaped
from tests.support.webhook_checks import NOTHING, counters, deliver, raised


@pytest.fixture
def campaign(db):
    campaign = campaign_offering_every_method()
    campaign.min_amount = 100
    campaign.save()
    return campaign


def form(campaign, **fields):
    """The donation form of a campaign without tiers: ¥3,000 typed in, unless told otherwise."""
    return donation_form(campaign, **{"tier": "other", "other_amount": "3000", **fields})


def give(client, campaign, **fields):
    response, sent = confirm_and_pay(client, form(campaign, **fields))
    assert response.status_code == 303, response.content
    return Donation.objects.get(checkout_token=sent["token"])


def test_a_method_the_campaign_does_not_offer_is_refused(client, campaign, fake_stripe):
    campaign.one_time_methods = ["card"]
    campaign.save()

    response = client.post("/donate/confirm/", form(campaign, payment_method="paypay"))

    assert response.status_code == 400
    assert fake_stripe.session_creates == []


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", "コンビニ払いは¥120から¥300,000までです。"),
        ("/en", "Convenience store (konbini) takes amounts from ¥120 to ¥300,000."),
    ],
)
def test_an_amount_beyond_konbini_says_which_methods_can_take_it(
    client, campaign, fake_stripe, prefix, expected
):
    campaign.max_amount = 1_000_000
    campaign.save()
    data = form(campaign, payment_method="konbini", other_amount="400000")

    response = client.post(f"{prefix}/donate/confirm/", data)

    assert response.status_code == 400
    page = response.content.decode()
    assert expected in page
    assert "¥400,000" in page
    if prefix == "/en":
        assert "For ¥400,000 you can use: Card, Apple Pay or Google Pay, PayPay," in page
    assert fake_stripe.session_creates == []


def test_the_bank_pledge_choice_leads_to_the_pledge_form(client, campaign):
    response = client.post("/donate/confirm/", form(campaign, payment_method="bank_pledge"))

    assert response.status_code == 303
    assert "/donate/bank/?campaign=truth&amount=3000&frequency=once" in response["Location"]


# --- delayed payments in the ledger --------------------------------------------------------


def delayed_gift(campaign, method, amount=3000):
    donation = se.pending(campaign, amount=amount)
    donation.payment_method = method
    donation.save()
    return donation


@pytest.mark.parametrize("method", ["paypay", "bank_transfer"])
def test_a_delayed_gift_counts_once_on_its_async_event_and_not_before(client, campaign, method):
    donation = delayed_gift(campaign, method)
    unpaid = se.checkout_session(donation, payment_status="unpaid")
    deliver(client, "checkout.session.completed", unpaid)
    assert counters(campaign) == NOTHING
    donation.refresh_from_db()
    assert donation.status == Donation.Status.AWAITING_PAYMENT

    paid = {**unpaid, "payment_status": "paid"}
    deliver(client, "checkout.session.async_payment_succeeded", paid)
    deliver(client, "checkout.session.async_payment_succeeded", paid)

    assert counters(campaign) == raised(3000)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED


def partially_funded_intent(donation, intent_id, remaining):
    instructions = shaped(
        stripe.PaymentIntent.NextAction.DisplayBankTransferInstructions,
        amount_remaining=remaining,
        currency="jpy",
        type="jp_bank_transfer",
    )
    return shaped(
        "payment_intent",
        id=intent_id,
        amount=donation.amount,
        amount_capturable=0,
        amount_received=0,
        capture_method="automatic",
        confirmation_method="automatic",
        created=1_790_000_000,
        currency="jpy",
        livemode=False,
        metadata=se.metadata(donation),
        payment_method_types=["customer_balance"],
        status="requires_action",
        next_action=shaped(
            stripe.PaymentIntent.NextAction,
            type="display_bank_transfer_instructions",
            display_bank_transfer_instructions=instructions,
        ),
    )


def test_a_partial_transfer_shows_what_is_missing_and_counts_nothing(client, campaign):
    donation = delayed_gift(campaign, "bank_transfer", amount=10_000)
    session = se.checkout_session(donation, payment_status="unpaid")
    deliver(client, "checkout.session.completed", session)

    intent = partially_funded_intent(donation, session["payment_intent"], remaining=4_000)
    deliver(client, "payment_intent.partially_funded", intent)
    older = partially_funded_intent(donation, session["payment_intent"], remaining=7_000)
    deliver(client, "payment_intent.partially_funded", older)  # an earlier report, late

    donation.refresh_from_db()
    assert donation.transfer_amount_missing == 4_000
    assert "¥4,000" in donation.transfer_summary()
    assert counters(campaign) == NOTHING


def cash_balance_transaction(customer, ending_balance, created, kind):
    return shaped(
        "customer_cash_balance_transaction",
        id=se.new_id("ccsbtxn"),
        created=created,
        currency="jpy",
        customer=customer,
        ending_balance=ending_balance,
        livemode=False,
        net_amount=0,
        type=kind,
    )


def test_an_over_funded_transfer_counts_the_gift_and_shows_the_rest(client, campaign):
    donation = delayed_gift(campaign, "bank_transfer", amount=5_000)
    session = se.checkout_session(donation, payment_status="unpaid")
    deliver(client, "checkout.session.completed", session)
    deliver(
        client,
        "checkout.session.async_payment_succeeded",
        {**session, "payment_status": "paid"},
    )
    customer = session["customer"]
    # Funded with ¥6,000, then ¥5,000 applied to the gift: ¥1,000 stays in the balance.
    applied = cash_balance_transaction(customer, 1_000, 1_790_000_100, "applied_to_payment")
    funded = cash_balance_transaction(customer, 6_000, 1_790_000_100, "funded")
    deliver(client, "customer_cash_balance_transaction.created", applied)
    deliver(client, "customer_cash_balance_transaction.created", funded)  # same second, late

    donation.refresh_from_db()
    assert counters(campaign) == raised(5_000)
    assert donation.transfer_left_in_balance == 1_000
    assert "¥1,000" in donation.transfer_summary()


@pytest.mark.parametrize("method", ["card", "paypay", "konbini", "bank_transfer"])
def test_a_refund_of_each_method_moves_the_counter_back(client, campaign, method):
    donation = delayed_gift(campaign, method)
    delayed = method in ("konbini", "bank_transfer")
    session = se.checkout_session(donation, payment_status="unpaid" if delayed else "paid")
    deliver(client, "checkout.session.completed", session)
    if delayed:
        paid = {**session, "payment_status": "paid"}
        deliver(client, "checkout.session.async_payment_succeeded", paid)
    assert counters(campaign) == raised(3000)

    charge = se.charge(payment_intent=session["payment_intent"], amount=3000, amount_refunded=3000)
    deliver(client, "charge.refunded", charge)

    assert counters(campaign) == NOTHING
