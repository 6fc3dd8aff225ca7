"""Small gifts of a campaign made for the test alone, paid through signed Stripe events, and the
counters they move (checked against the ledger each time)."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Campaign
from donations.models import CampaignProgress
from tests.support import stripe_events as se
from tests.support.stripe_events import pending

NOTHING = {"monthly_supporters": 0, "monthly_amount": 0, "onetime_raised": 0}


def small_campaign(slug="truth") -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        slug=slug,
        title="Test campaign",
        monthly_goal_supporters=10,
        onetime_goal_amount=100_000,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
        is_published=True,
    )


def deliver(client, event_type, obj, created=None):
    response = se.post_event(client, se.event(event_type, obj, created=created))
    assert response.status_code == 200, response.content


def paid_once(client, campaign, amount=3000):
    """A one-time gift paid by card: the donation and its payment intent."""
    donation = pending(campaign, amount=amount)
    session = se.checkout_session(donation)
    deliver(client, "checkout.session.completed", session)
    return donation, session["payment_intent"]


def counters(campaign) -> dict:
    """The campaign's counters, after proving that they agree with the ledger
    (`recount_progress --check` fails otherwise)."""
    call_command("recount_progress", "--check", stdout=open("/dev/null", "w"))  # noqa: SIM115
    row = CampaignProgress.objects.filter(pk=campaign.pk).first()
    return row.as_dict() if row else dict(NOTHING)


def raised(amount) -> dict:
    return {**NOTHING, "onetime_raised": amount}


# --- seedless-site: what the donation form needs to offer amounts ---


def tiers(campaign, *amounts):
    """The suggested amounts the form offers (3,000 and 10,000 yen unless told)."""
    from campaigns.models import ImpactTier

    for amount in amounts or (3_000, 10_000):
        ImpactTier.objects.create(campaign=campaign, amount=amount, impact=f"¥{amount:,} of help")
    return campaign
