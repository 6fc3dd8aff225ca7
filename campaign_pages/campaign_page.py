"""Everything the campaign page shows, in a fixed number of queries whatever the ledger size."""

from dataclasses import dataclass, field

from django.utils.translation import get_language

from campaigns.models import Campaign
from donations.models import CampaignProgress
from jii_campaign.models import BankAccount
from jii_campaign.querying import fetch_together
from jii_campaign.translation_reviews import shows_unchecked_translation
from programs.models import Program
from testimonials.models import SupportMessage, Testimonial

# The newest few; the rest are on the messages' own pages.
LATEST_MESSAGES = 6


@dataclass
class Progress:
    current: int
    goal: int
    days_left: int

    @property
    def percent(self):
        return min(100, self.current * 100 // self.goal) if self.goal else 100


@dataclass
class CampaignPage:
    campaign: Campaign
    monthly: Progress
    onetime: Progress
    monthly_amount: int
    sections: list = field(default_factory=list)
    tiers: list = field(default_factory=list)
    funding_sources: list = field(default_factory=list)
    programs: list = field(default_factory=list)
    testimonials: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    bank_accounts: list = field(default_factory=list)
    # Some text shown in the reader's language has not been checked by a person yet.
    unchecked_translation: bool = False

    @property
    def share(self):
        return self.campaign.share

    @property
    def share_image(self):
        """The campaign's image for link previews ("" for the site's default share image)."""
        return self.campaign.hero_image.url if self.campaign.hero_image else ""

    @property
    def single_tiers(self):
        limit = self.campaign.tier_group_from
        return [tier for tier in self.tiers if limit is None or tier.amount < limit]

    @property
    def grouped_tiers(self):
        limit = self.campaign.tier_group_from
        return [tier for tier in self.tiers if limit is not None and tier.amount >= limit]


def campaign_queryset():
    return Campaign.objects.select_related("progress")


def build(campaign: Campaign) -> CampaignPage:
    try:
        counters = campaign.progress
    except CampaignProgress.DoesNotExist:
        counters = CampaignProgress(campaign=campaign)
    days_left = campaign.days_left()
    sections, tiers, funding_sources = fetch_together(
        campaign.sections.all(), campaign.tiers.all(), campaign.funding_sources.all()
    )
    programs = list(Program.objects.published())
    rows = {"sections": sections, "tiers": tiers, "funding_sources": funding_sources}
    return CampaignPage(
        campaign=campaign,
        monthly=Progress(counters.monthly_supporters, campaign.monthly_goal_supporters, days_left),
        onetime=Progress(counters.onetime_raised, campaign.onetime_goal_amount, days_left),
        monthly_amount=counters.monthly_amount,
        sections=sections,
        tiers=tiers,
        funding_sources=_with_offsets(funding_sources),
        programs=programs,
        testimonials=list(
            Testimonial.objects.published()
            .filter(kind=Testimonial.Kind.PARTICIPANT, show_on_campaign=True)
            .select_related("program")
        ),
        messages=list(
            SupportMessage.objects.approved().filter(campaign=campaign)[:LATEST_MESSAGES]
        ),
        bank_accounts=list(BankAccount.objects.filter(is_active=True)),
        unchecked_translation=shows_unchecked_translation(
            [(campaign, rows), *programs], get_language()
        ),
    )


def _with_offsets(sources):
    """Each slice starts where the previous one ended (for the stacked bar chart)."""
    offset = 0
    for source in sources:
        source.offset = offset
        offset += source.percent
    return list(sources)
