"""`reconcile_stripe --since` repairs what missed webhooks left behind, reading Stripe's lists."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from donations.models import CampaignProgress, Donation
from donations.stripe.applying import process_event
from tests.support import stripe_events as se
from tests.support.fake_stripe import (
    confirm_and_pay,
    donation_form,
)
from tests.support.gifts import giving_campaign, offline_gift


@pytest.fixture
def campaign(db):
    """A small campaign of the test's own, with the form's suggested amounts."""
    return giving_campaign()


SINCE = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def test_a_paid_session_whose_webhook_never_came_is_counted_once(client, campaign, fake_stripe):
    earlier = offline_gift(campaign, amount=8000)
    confirm_and_pay(client, donation_form(campaign, tier="5000"))
    donation = Donation.objects.get(donor_email="hanako@example.jp")
    fake_stripe.complete(donation.stripe_checkout_session_id)  # paid, but no webhook arrives

    call_command("reconcile_stripe", "--since", SINCE)
    call_command("reconcile_stripe", "--since", SINCE)  # a second run changes nothing

    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED
    assert donation.payments.count() == 1
    assert CampaignProgress.objects.get(pk=campaign.pk).onetime_raised == earlier.amount + 5_000


def test_a_missed_invoice_and_a_missed_cancellation_are_applied(client, campaign, fake_stripe):
    offline_gift(campaign, amount=2000, frequency="monthly")  # one supporter before this one
    confirm_and_pay(client, donation_form(campaign, frequency="monthly", tier="3000"))
    donation = Donation.objects.get(donor_email="hanako@example.jp")
    session = fake_stripe.complete(donation.stripe_checkout_session_id)
    invoice = se.invoice(donation, subscription_id=session["subscription"])
    fake_stripe.listed["invoices"].append({**invoice, "created": int(invoice["created"])})

    call_command("reconcile_stripe", "--since", SINCE)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.ACTIVE
    assert donation.payments.get().stripe_invoice_id == invoice["id"]
    assert CampaignProgress.objects.get(pk=campaign.pk).monthly_supporters == 2

    canceled = se.subscription(donation, subscription_id=session["subscription"], status="canceled")
    fake_stripe.listed["subscriptions"].append(canceled)
    call_command("reconcile_stripe", "--since", SINCE)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELED
    assert CampaignProgress.objects.get(pk=campaign.pk).monthly_supporters == 1
    call_command("recount_progress", "--check")


def monthly_supporter_seen_lapsing(client, fake_stripe, campaign, **change):
    """A monthly donor whose webhooks all arrived, the newest (an hour after Checkout) saying
    `change`; Stripe's list still shows the subscription as it was when it started."""
    confirm_and_pay(client, donation_form(campaign, frequency="monthly", tier="3000"))
    donation = Donation.objects.get(donor_email="hanako@example.jp")
    session = fake_stripe.complete(donation.stripe_checkout_session_id)
    started = int(time.time()) - 3600
    session["created"] = started
    process_event(se.event("checkout.session.completed", session, created=started))
    subscription = se.subscription(donation, subscription_id=session["subscription"])
    process_event(
        se.event(
            "customer.subscription.updated", {**subscription, **change}, created=started + 3600
        )
    )
    fake_stripe.listed["subscriptions"].append(subscription)
    return donation


def test_an_older_snapshot_does_not_revive_a_lapsed_subscription(client, campaign, fake_stripe):
    donation = monthly_supporter_seen_lapsing(client, fake_stripe, campaign, status="past_due")
    supporters = CampaignProgress.objects.get(pk=campaign.pk).monthly_supporters

    call_command("reconcile_stripe", "--since", SINCE)

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAST_DUE
    assert CampaignProgress.objects.get(pk=campaign.pk).monthly_supporters == supporters
    call_command("recount_progress", "--check")


def test_an_older_snapshot_does_not_undo_a_cancellation_at_period_end(
    client, campaign, fake_stripe
):
    donation = monthly_supporter_seen_lapsing(
        client, fake_stripe, campaign, cancel_at_period_end=True
    )

    call_command("reconcile_stripe", "--since", SINCE)

    donation.refresh_from_db()
    assert donation.cancel_at_period_end
    assert donation.status == Donation.Status.ACTIVE
