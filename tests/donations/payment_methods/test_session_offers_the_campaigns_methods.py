"""A Checkout session offers exactly the campaign's Stripe methods that take the amount, each with
its options; the donor may pay on Stripe's page with another one than chosen in our form, and
what follows (the ledger, the recorded method, the receipt) goes by what Stripe says happened."""

import copy

import pytest
from django.core import mail

from campaigns.payment_methods import PaymentMethod
from donations.models import Donation
from tests.support import stripe_events as se
from tests.support.fake_stripe import confirm_and_pay, donation_form, run_task_worker
from tests.support.gifts import campaign_offering_every_method
from tests.support.stripe_shapes import full_object
from tests.support.webhook_checks import NOTHING, counters, deliver, raised

ALL_ONE_TIME = [method.value for method in PaymentMethod]


@pytest.fixture
def campaign(db):
    campaign = campaign_offering_every_method()
    campaign.min_amount = 100
    campaign.max_amount = 5_000_000
    campaign.save()
    return campaign


def give(client, campaign, amount=3000, method="card"):
    data = donation_form(campaign, tier="other", other_amount=str(amount), payment_method=method)
    response, sent = confirm_and_pay(client, data)
    assert response.status_code == 303, response.content
    return Donation.objects.get(checkout_token=sent["token"])


def allowed(call) -> list[str]:
    return [v for k, v in call.params.items() if k.startswith("allowed_payment_method_types")]


@pytest.mark.parametrize(
    ("methods", "amount", "expected"),
    [
        (ALL_ONE_TIME, 3000, ["card", "paypay", "konbini", "customer_balance"]),
        (ALL_ONE_TIME, 400_000, ["card", "paypay", "customer_balance"]),  # beyond konbini
        (ALL_ONE_TIME, 2_000_000, ["card", "customer_balance"]),  # beyond PayPay too
        (["card", "konbini", "bank_pledge"], 3000, ["card", "konbini"]),
        (["paypay", "bank_pledge"], 3000, ["paypay"]),
    ],
)
def test_a_session_asks_for_exactly_the_campaigns_methods_that_take_the_amount(
    client, campaign, fake_stripe, methods, amount, expected
):
    campaign.one_time_methods = methods
    campaign.save()
    chosen = "paypay" if methods == ["paypay", "bank_pledge"] else "card"

    donation = give(client, campaign, amount, chosen)

    [call] = fake_stripe.session_creates
    assert allowed(call) == expected
    assert not fake_stripe.refused
    konbini = "payment_method_options[konbini][expires_after_days]"
    assert call.params.get(konbini) == ("3" if "konbini" in expected else None)
    transfer = "payment_method_options[customer_balance]"
    if "customer_balance" in expected:
        assert call.params[f"{transfer}[funding_type]"] == "bank_transfer"
        assert call.params[f"{transfer}[bank_transfer][type]"] == "jp_bank_transfer"
    else:
        assert f"{transfer}[funding_type]" not in call.params
    assert donation.payment_method == chosen  # the wish, until Stripe says otherwise


def test_a_session_offering_bank_transfer_belongs_to_a_customer_made_first(
    client, campaign, fake_stripe
):
    donation = give(client, campaign)

    [created] = fake_stripe.requests_to("POST", "/v1/customers")
    [session_call] = fake_stripe.session_creates
    donation.refresh_from_db()
    assert donation.stripe_customer_id in fake_stripe.customers
    assert created.params["email"] == donation.donor_email
    assert session_call.params["customer"] == donation.stripe_customer_id
    assert "customer_email" not in session_call.params


def cash_balance_transaction(customer, ending_balance, kind):
    return full_object(
        "customer_cash_balance_transaction",
        id=se.new_id("ccsbtxn"),
        created=1_790_000_100,
        currency="jpy",
        customer=customer,
        ending_balance=ending_balance,
        livemode=False,
        net_amount=ending_balance,
        type=kind,
    )


def test_money_in_the_cash_balance_before_checkout_reports_is_kept_for_the_gift(
    client, campaign, fake_stripe
):
    donation = give(client, campaign, amount=5000)
    donation.refresh_from_db()
    # The transfer is reported before `checkout.session.completed` has been applied.
    funded = cash_balance_transaction(donation.stripe_customer_id, 6000, "funded")
    deliver(client, "customer_cash_balance_transaction.created", funded)

    donation.refresh_from_db()
    assert donation.transfer_left_in_balance == 6000
    assert donation.transfer_balance_as_of is not None


def session_as_sent(fake_stripe, donation) -> dict:
    """The session as Stripe's events carry it: the payment intent by its id only."""
    return copy.deepcopy(fake_stripe.sessions[donation.stripe_checkout_session_id])


@pytest.mark.django_db(transaction=True)  # the task worker commits as it does in use
def test_a_donor_who_chose_card_but_paid_at_a_konbini_is_recorded_so_and_counted_on_payment(
    client, campaign, fake_stripe
):
    donation = give(client, campaign, method="card")
    voucher = "https://payments.stripe.com/konbini/voucher/test_abc"
    fake_stripe.complete_konbini(donation.stripe_checkout_session_id, voucher)
    completed = session_as_sent(fake_stripe, donation)

    deliver(client, "checkout.session.completed", completed)
    run_task_worker()  # asks Stripe which method paid

    donation.refresh_from_db()
    assert donation.status == Donation.Status.AWAITING_PAYMENT
    assert donation.payment_method == PaymentMethod.KONBINI
    assert counters(campaign) == NOTHING
    assert mail.outbox == []

    paid = {**completed, "payment_status": "paid"}
    deliver(client, "checkout.session.async_payment_succeeded", paid)
    run_task_worker()

    assert counters(campaign) == raised(3000)
    [receipt] = mail.outbox
    assert "お支払い方法: コンビニ払い" in receipt.body


def test_the_thank_you_page_tells_the_method_actually_used(client, campaign, fake_stripe):
    donation = give(client, campaign, method="card")
    instructions = "https://payments.stripe.com/bank_transfers/instructions/test_abc"
    fake_stripe.complete_bank_transfer(donation.stripe_checkout_session_id, instructions)

    response = client.get("/donate/thanks/", {"session_id": donation.stripe_checkout_session_id})

    html = response.content.decode()
    assert "お支払いをお待ちしています" in html
    assert "1234567" in html  # the virtual account, not a konbini slip
    donation.refresh_from_db()
    assert donation.payment_method == PaymentMethod.BANK_TRANSFER
    assert counters(campaign) == NOTHING


@pytest.mark.django_db(transaction=True)
def test_a_receipt_for_a_gift_paid_at_once_names_the_method_stripe_reports(
    client, campaign, fake_stripe
):
    donation = give(client, campaign, method="card")
    fake_stripe.complete_paypay(donation.stripe_checkout_session_id)

    deliver(client, "checkout.session.completed", session_as_sent(fake_stripe, donation))
    assert counters(campaign) == raised(3000)
    run_task_worker()

    donation.refresh_from_db()
    assert donation.payment_method == PaymentMethod.PAYPAY
    [receipt] = mail.outbox
    assert "お支払い方法: PayPay" in receipt.body
