"""`manage.py load_seed_content`: loads the NPO's campaign once, and a rerun changes nothing."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command

from campaigns.models import Campaign
from donations.models import CampaignProgress, Donation, Payment
from programs.models import Program
from seed import loader as seed


def load_seed():
    out = StringIO()
    call_command("load_seed_content", stdout=out)
    return out.getvalue()


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_a_second_run_changes_nothing(db):
    assert "0 rows created" not in load_seed()
    before = row_counts()
    progress_before = CampaignProgress.objects.get().as_dict()

    assert "0 rows created" in load_seed()

    assert row_counts() == before
    assert CampaignProgress.objects.get().as_dict() == progress_before
    assert before["campaigns.Campaign"] == 1
    assert before["programs.Program"] == 4
    assert before["testimonials.Testimonial"] == 4


def test_a_rerun_after_staff_renamed_slugs_creates_no_second_campaign(db):
    load_seed()
    Campaign.objects.update(slug="year-end-2026")
    Program.objects.filter(slug="hanamaru-class").update(slug="hanamaru")
    before = row_counts()

    load_seed()

    assert row_counts() == before
    assert Campaign.objects.get().slug == "year-end-2026"


def test_a_rerun_keeps_what_staff_edited(db):
    load_seed()
    campaign = Campaign.objects.get(slug=seed.CAMPAIGN_SLUG)
    campaign.title = "年末マンスリーサポーター募集"
    campaign.save()
    campaign.tiers.filter(amount=3_000).update(impact="手続きの困り事を解決します")

    load_seed()

    campaign.refresh_from_db()
    assert campaign.title == "年末マンスリーサポーター募集"
    assert campaign.tiers.get(amount=3_000).impact == "手続きの困り事を解決します"


def test_the_seed_figures_are_ledger_rows_not_counters(db):
    load_seed()
    campaign = Campaign.objects.get(slug=seed.CAMPAIGN_SLUG)

    monthly = Donation.objects.get(campaign=campaign, frequency=Donation.Frequency.MONTHLY)
    assert monthly.status == Donation.Status.ACTIVE
    once = Donation.objects.get(campaign=campaign, frequency=Donation.Frequency.ONCE)
    assert once.status == Donation.Status.SUCCEEDED
    assert [p.amount for p in Payment.objects.filter(donation=once)] == [23_000]

    progress = CampaignProgress.objects.get(campaign=campaign)
    assert (progress.monthly_supporters, progress.onetime_raised) == (1, 23_000)
    assert progress.as_dict() == CampaignProgress.from_ledger(campaign.pk).as_dict()


def test_the_seed_adds_english_to_an_older_database_but_never_over_staff_edits(db):
    seed.load()
    seeded = Campaign.objects.get()
    # As loaded before the English existed; then staff rewrote one heading and one title.
    Campaign.objects.update(title_en=None, lead_en="Our own English lead")
    seeded.sections.update(heading_en=None)
    seeded.sections.filter(order=10).update(heading_ja="スタッフが書いた見出し")

    assert seed.load() == 0

    seeded.refresh_from_db()
    assert seeded.title_en.startswith("Become a Monthly Supporter")
    assert seeded.lead_en == "Our own English lead"
    headings = dict(seeded.sections.values_list("order", "heading_en"))
    assert headings[0] == "Society can change, one “small understanding” at a time"
    assert headings[10] is None
