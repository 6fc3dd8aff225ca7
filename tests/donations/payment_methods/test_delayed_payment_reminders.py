"""A konbini slip about to expire (and a Stripe bank transfer not yet made) gets one calm
reminder; a gift already paid, or too new, gets none."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from donations.models import Donation
from tests.support import stripe_events as se
from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import deliver, small_campaign

pytestmark = pytest.mark.django_db(transaction=True)


def awaiting(client, campaign, method, days_ago, amount=4000):
    donation = se.pending(campaign, amount=amount)
    donation.payment_method = method
    donation.save()
    session = se.checkout_session(donation, payment_status="unpaid")
    deliver(client, "checkout.session.completed", session)
    Donation.objects.filter(pk=donation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return donation


def remind():
    call_command("remind_delayed_payments", stdout=io.StringIO())
    run_task_worker()


def test_a_konbini_slip_about_to_expire_gets_one_reminder(client):
    campaign = small_campaign()
    due = awaiting(client, campaign, "konbini", days_ago=2)
    awaiting(client, campaign, "konbini", days_ago=0)  # too new
    paid = awaiting(client, campaign, "konbini", days_ago=2)
    session = se.checkout_session(paid, payment_status="paid")
    deliver(client, "checkout.session.async_payment_succeeded", session)
    run_task_worker()
    mail.outbox.clear()  # the paid gift's receipt

    remind()
    remind()

    [reminder] = mail.outbox
    print(reminder.subject, reminder.body, sep="\n")
    assert reminder.to == [due.donor_email]
    due.refresh_from_db()
    expires = timezone.localtime(due.created_at).date() + datetime.timedelta(days=3)
    assert "¥4,000" in reminder.body
    assert expires.strftime("%Y-%m-%d") in reminder.body
    assert "/donate/thanks/?session_id=" in reminder.body


def test_a_bank_transfer_not_made_after_three_days_gets_a_reminder_in_english(client):
    donation = awaiting(client, small_campaign(), "bank_transfer", days_ago=3)
    Donation.objects.filter(pk=donation.pk).update(locale="en")

    remind()

    [reminder] = mail.outbox
    print(reminder.subject, reminder.body, sep="\n")
    assert "A reminder about your donation" in reminder.subject
    assert "transfer the amount to the account Stripe showed you" in reminder.body
