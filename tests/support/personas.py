"""Small factories for a site whose staff wrote every text in English, so that any Japanese an
English page shows can only come from the interface itself."""

import datetime

from django.utils import timezone, translation

from campaigns.models import Campaign, CampaignSection, FundingSource, ImpactTier
from jii_campaign.models import BankAccount, InfoPage, Organisation
from programs.models import Program
from testimonials.models import SupportMessage, Testimonial


def english_site() -> Campaign:
    """Organisation, pages, bank account, a programme, testimonials, an approved message and a
    published campaign with one section of every kind, all written in English (as the English
    translations, with no Japanese version)."""
    with translation.override("en"):
        return _english_site()


def _english_site() -> Campaign:
    Organisation.objects.create(
        name="Association for Asian Humanities and Cultural Exchange",
        short_name="JII Partners",
        email="info@example.org",
        address="1-2-3 Example, Tokyo",
    )
    for slug in InfoPage.REQUIRED_SLUGS:
        InfoPage.objects.create(slug=slug, title=f"About {slug}", body=f"## {slug}\n\n- a\n- b")
    BankAccount.objects.create(
        bank_name="Example Bank",
        bank_code="0038",
        branch_name="Head Office",
        branch_code="106",
        account_number="1234567",
        holder_name="JII Partners",
        holder_kana="ジェイアイアイ",
    )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        slug="english",
        title="Monthly supporters wanted",
        lead="Small understandings grow a kinder future.",
        monthly_goal_supporters=50,
        onetime_goal_amount=1_500_000,
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=30),
        is_published=True,
        tier_group_from=10_000,
        give_one_text="For a tax deduction,",
        give_one_link_text="give through Give One",
        give_one_url="https://giveone.example/",
        share_hashtag="SmallUnderstanding",
    )
    for order, (kind, _) in enumerate(CampaignSection.Kind.choices):
        CampaignSection.objects.create(
            campaign=campaign,
            order=order,
            kind=kind,
            heading=f"Section {kind}",
            subheading="Why it matters",
            body="A paragraph.\n\nAnother one.",
            quotes="A quote\nAnother quote",
            closing="Thank you.",
            show_give_one=True,
        )
    for amount, impact in [(3_000, "A month of classes"), (10_000, "A family's first year")]:
        ImpactTier.objects.create(campaign=campaign, amount=amount, impact=impact)
    FundingSource.objects.create(campaign=campaign, label="Fees", percent=40, order=1)
    FundingSource.objects.create(campaign=campaign, label="Grants", percent=60, order=2)
    program = Program.objects.create(
        slug="neighbours", name="Neighbours", tagline="Talk", summary="Families meet families."
    )
    for kind in Testimonial.Kind.values:
        Testimonial.objects.create(
            kind=kind,
            quote="It changed my year.",
            speaker="A parent",
            country="Nepal",
            program=program,
        )
    SupportMessage.objects.create(
        campaign=campaign, body="Keep going!", status=SupportMessage.Status.APPROVED
    )
    return campaign


# --- a site written in both languages, the public pages it has, sections on demand ---

JAPANESE_MARK = "日本語："


def bilingual_site() -> Campaign:
    """`english_site()` with every translated field also written in Japanese (the English text
    after `JAPANESE_MARK`), so a page shows which language's text it took."""
    from modeltranslation.translator import translator

    campaign = english_site()
    for model in translator.get_registered_models():
        fields = translator.get_options_for_model(model).fields
        for row in model.objects.all():
            for field in fields:
                english = getattr(row, f"{field}_en")
                if english:
                    setattr(row, f"{field}_ja", f"{JAPANESE_MARK}{english}")
            row.save()
    return Campaign.objects.get(pk=campaign.pk)


SITE_PROGRAMME = "neighbours"
SITE_URLS = [
    "/",
    "/en/",
    f"/programs/{SITE_PROGRAMME}/",
    f"/en/programs/{SITE_PROGRAMME}/",
    "/testimonials/participants/",
    "/testimonials/volunteers/",
    "/campaigns/english/messages/",
    *(f"/pages/{slug}/" for slug in InfoPage.REQUIRED_SLUGS),
]


def with_sections(campaign: Campaign, *kinds: str) -> Campaign:
    """The campaign with one section of each kind given, in that order (headed with its kind)."""
    for order, kind in enumerate(kinds):
        CampaignSection.objects.create(
            campaign=campaign, order=order, kind=kind, heading=kind, heading_en=kind
        )
    return campaign
