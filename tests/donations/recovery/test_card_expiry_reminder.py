"""A card that expires soon: the supporter is reminded a month before the end of its expiry
month, once per card, with the one-click card update; a new card is not reminded of the old."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from donations.models import Donation
from donations.stripe.card_expiry import remind_expiring_cards
from tests.support import stripe_events as se
from tests.support.failed_payments import monthly_supporter
from tests.support.fake_stripe import card_payment_method, run_task_worker
from tests.support.gifts import small_campaign

pytestmark = pytest.mark.django_db(transaction=True)


def with_card(client, fake_stripe, *, exp_month, exp_year, method_id="pm_card_1"):
    donation, session = monthly_supporter(client, small_campaign())
    subscription = se.subscription(
        donation, subscription_id=session["subscription"], customer_id=session["customer"]
    )
    fake_stripe.serve_card(
        subscription,
        card_payment_method(exp_month=exp_month, exp_year=exp_year, method_id=method_id),
    )
    run_task_worker()
    mail.outbox.clear()  # the receipt and the welcome
    return donation, subscription


def reminders():
    found = [m for m in mail.outbox if "有効期限" in m.subject]
    for message in found:
        print(f"\n--- to {message.to}: {message.subject}\n{message.body}")
    return found


def test_reminded_a_month_before_the_card_expires_and_only_once(client, fake_stripe):
    donation, _subscription = with_card(client, fake_stripe, exp_month=1, exp_year=2027)

    assert remind_expiring_cards(today=datetime.date(2026, 12, 31)) == 0  # 31 days ahead
    assert remind_expiring_cards(today=datetime.date(2027, 1, 1)) == 1
    run_task_worker()
    assert remind_expiring_cards(today=datetime.date(2027, 1, 2)) == 0
    run_task_worker()

    [reminder] = reminders()
    assert reminder.to == ["hanako@example.jp"]
    assert "2027年1月末" in reminder.body
    assert "/donate/manage/card/?token=" in reminder.body
    donation.refresh_from_db()
    assert (donation.card_exp_month, donation.card_exp_year) == (1, 2027)


def test_a_new_card_is_not_reminded_of_the_old_one(client, fake_stripe):
    donation, subscription = with_card(client, fake_stripe, exp_month=1, exp_year=2027)
    remind_expiring_cards(today=datetime.date(2026, 11, 1))  # the card is read and known
    fake_stripe.serve_card(
        subscription,
        card_payment_method(exp_month=8, exp_year=2030, method_id="pm_card_new"),
    )

    assert remind_expiring_cards(today=datetime.date(2027, 1, 10)) == 0
    run_task_worker()

    assert reminders() == []
    donation.refresh_from_db()
    assert donation.card_payment_method_id == "pm_card_new"


def test_the_command_runs_the_same(client, fake_stripe):
    with_card(client, fake_stripe, exp_month=1, exp_year=2027)
    Donation.objects.update(card_exp_month=None, card_exp_year=None)

    call_command("remind_expiring_cards")  # today, long before January 2027: nothing due

    [listing] = fake_stripe.requests_to(
        "GET", f"/v1/subscriptions/{Donation.objects.get().stripe_subscription_id}"
    )
    assert listing.refusal is None
    assert listing.params == {"expand[0]": "default_payment_method"}
    assert Donation.objects.get().card_exp_year == 2027
