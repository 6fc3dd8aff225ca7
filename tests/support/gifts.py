"""Small gifts of a campaign made for the test alone, paid through signed Stripe events, and the
counters they move. The counters are read, and checked against the ledger, by
webhook_checks.counters, the one check every test uses."""

import datetime

from django.utils import timezone

from campaigns.models import Campaign
from campaigns.payment_methods import PaymentMethod
from tests.support import stripe_events as se
from tests.support.stripe_events import pending
from tests.support.webhook_checks import deliver


def campaign_offering_every_method() -> Campaign:
    """`small_campaign()` offering every way to pay a one-time gift."""
    campaign = small_campaign()
    campaign.one_time_methods = [method.value for method in PaymentMethod]
    campaign.save()
    return campaign


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


def paid_once(client, campaign, amount=3000):
    """A one-time gift paid by card: the donation and its payment intent."""
    donation = pending(campaign, amount=amount)
    session = se.checkout_session(donation)
    deliver(client, "checkout.session.completed", session)
    return donation, session["payment_intent"]


# --- factories the tests use instead of the seed ---------------------------------------------


def tiers(campaign, *amounts):
    """The campaign's suggested amounts (3,000, 5,000 and 10,000 yen unless told), each with a
    made-up impact of its own."""
    from campaigns.models import ImpactTier

    return [
        ImpactTier.objects.create(
            campaign=campaign,
            amount=a,
            impact=f"できること その{i + 1}",
            impact_en=f"What it makes possible, {i + 1}",
            order=i,
        )
        for i, a in enumerate(amounts or (3000, 5000, 10000))
    ]


def a_bank_account(**fields):
    """A made-up account for bank transfers (never the NPO's real one)."""
    from jii_campaign.models import BankAccount

    return BankAccount.objects.create(
        **{
            "bank_name": "テスト銀行",
            "bank_code": "9999",
            "branch_name": "本店",
            "branch_code": "001",
            "account_number": "7654321",
            "holder_name": "テスト法人",
            "holder_kana": "テストホウジン",
            **fields,
        }
    )


def an_organisation(**fields):
    """The organisation that receipts and e-mails speak for, with a made-up address."""
    from jii_campaign.models import Organisation

    return Organisation.objects.create(
        **{
            "name": "テスト国際交流協会",
            "name_en": "Test Association for Exchange",
            "short_name": "テストNPO",
            "short_name_en": "Test NPO",
            "email": "office@example.org",
            "address": "東京都テスト区1-2-3",
            **fields,
        }
    )


def giving_campaign(slug="truth") -> Campaign:
    """A small published campaign with suggested amounts of 3,000, 5,000 and 10,000 yen."""
    campaign = small_campaign(slug)
    tiers(campaign)
    return campaign


def offline_gift(campaign, amount=8000, frequency="once"):
    """A gift staff recorded by hand (a bank transfer): it counts at once and has no checkout
    token."""
    from donations.models import Donation

    return Donation.record_offline(
        campaign=campaign, frequency=frequency, amount=amount, donor_name="佐藤 一郎"
    )


def campaign_with_earlier_gifts(slug="truth") -> Campaign:
    """A giving campaign whose counters already moved: one gift of 8,000 yen and one monthly
    supporter of 2,000 yen, both recorded by staff."""
    campaign = giving_campaign(slug)
    offline_gift(campaign, amount=8000)
    offline_gift(campaign, amount=2000, frequency="monthly")
    return campaign
