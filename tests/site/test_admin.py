"""Staff edit everything in the Django admin, in Japanese; nobody else gets in."""

import datetime
import io

import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from campaigns.models import Campaign, CampaignSection
from donations.models import Donation
from jii_campaign.models import InfoPage
from programs.models import Program
from testimonials import models as testimonials
from testimonials.models import SupportMessage
from tests.support import stripe_events as se
from tests.support.html_checks import form_data, https_client
from tests.support.personas import SITE_PROGRAMME, bilingual_site
from tests.support.staff_personas import signed_in
from updates.models import Delivery, Update

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def client():
    return https_client()


@pytest.fixture
def admin_user(django_user_model):
    # Logged in with force_login: no password, so no slow hashing in every test.
    return django_user_model.objects.create_superuser("admin", "admin@example.org", None)


@pytest.fixture
def staff_client(admin_user):
    return signed_in(admin_user)


# Rows that only the site itself creates, and the organisation that exists once.
NOT_ADDED_BY_HAND = {
    "jii_campaign.Organisation",
    "donations.Payment",
    "donations.StripeEvent",
    "donations.StatementLine",  # imported from statements only
    "updates.Delivery",  # made by sending an update
    "django_tasks_database.DBTaskResult",
    # django-axes records login attempts; staff only read and delete them (to unlock).
    "axes.AccessAttempt",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "admin.LogEntry",  # the admin writes it; staff read it
}


@pytest.fixture
def campaign(db):
    """A campaign with sections, tiers and funding, its programme, pages and bank account, in
    both languages (tests/support/personas.py)."""
    return bilingual_site()


@pytest.fixture
def a_row_of_every_kind(campaign, django_user_model):
    """Beside the site persona, a row in every other registered table, made the way the site
    makes it: a paid gift through the webhook (its event, payment and receipt task), an imported
    bank statement, a cheering message, recovery codes, a staff log entry, and admin logins that
    succeeded and failed."""
    donation = se.pending(campaign)
    se.post_event(
        https_client(), se.event("checkout.session.completed", se.checkout_session(donation))
    )
    call_command("import_bank_statement", "docs/sample-bank-statement.csv", stdout=io.StringIO())
    SupportMessage.objects.create(
        campaign=campaign, display_name="さくら", body="がんばって", relation="other"
    )
    assert Group.objects.filter(name="会計").exists()  # made by a migration (staff roles)
    owner = django_user_model.objects.create_superuser("owner", "owner@example.org", "right-pass")
    # The owner's recovery codes, and the staff log entry of opening a donor's page.
    StaticDevice.objects.create(user=owner, name="Recovery codes")
    signed_in(owner).get(reverse("admin:donations_donation_change", args=[donation.pk]))
    for username, password in [("owner", "right-pass"), ("intruder", "guess")]:
        https_client().post(reverse("admin:login"), {"username": username, "password": password})
    # django-axes keeps this log only with AXES_ENABLE_ACCESS_FAILURE_LOG (off), yet lists it.
    AccessFailureLog.objects.create(
        username="intruder", ip_address="192.0.2.1", user_agent="curl", path_info="/admin/login/"
    )
    # An activity report and one delivery of it.
    report = Update.objects.create(slug="report", title="活動報告", body="本文")
    Delivery.objects.create(update=report, email=donation.donor_email, language="ja")


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED]
)
def test_every_admin_page_loads_for_staff(staff_client, a_row_of_every_kind, model, model_admin):
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    if model_admin.search_fields:
        searched = staff_client.get(admin_url(model, "changelist"), {"q": "Monthly"})
        assert searched.status_code == 200

    expected = 403 if model._meta.label in NOT_ADDED_BY_HAND else 200
    assert staff_client.get(admin_url(model, "add")).status_code == expected

    instance = model.objects.first()
    assert instance is not None  # every change page is loaded
    assert staff_client.get(admin_url(model, "change", instance.pk)).status_code == 200


def test_searching_the_campaigns_finds_the_campaign_with_its_figures(staff_client, campaign):
    for frequency, amount in [("monthly", 1_000), ("once", 5_000), ("once", 3_000)]:
        Donation.record_offline(campaign=campaign, frequency=frequency, amount=amount)

    html = staff_client.get(admin_url(Campaign, "changelist"), {"q": "Monthly"}).content.decode()

    assert campaign.title in html
    assert '<td class="field-supporters">1</td>' in html
    assert '<td class="field-raised">¥8,000</td>' in html


def test_the_campaign_change_page_edits_its_sections_tiers_and_funding(staff_client, campaign):
    response = staff_client.get(admin_url(Campaign, "change", campaign.pk))
    html = response.content.decode()

    assert response.status_code == 200
    for group in ["sections-group", "tiers-group", "funding_sources-group"]:
        assert f'id="{group}"' in html
    data = form_data(html, "campaign_form")
    assert data["sections-TOTAL_FORMS"] == str(len(CampaignSection.Kind.choices))
    assert data["tiers-TOTAL_FORMS"] == "2"
    assert data["funding_sources-TOTAL_FORMS"] == "2"
    assert campaign.sections.first().heading_ja in html


def test_the_admin_speaks_japanese(staff_client, campaign):
    html = staff_client.get("/admin/").content.decode()

    assert '<html lang="ja"' in html
    assert "ログアウト" in html
    assert "JIIパートナーズ 寄付サイト管理" in html
    assert "キャンペーン" in html and "銀行振込口座" in html


@pytest.mark.parametrize("url", ["/admin/", "/admin/campaigns/campaign/", "/admin/donations/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/?next=")


def test_a_non_staff_user_cannot_reach_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("volunteer", is_staff=False)
    client.force_login(user)

    response = client.get("/admin/campaigns/campaign/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def view_on_site_target(staff_client, obj):
    html = staff_client.get(admin_url(type(obj), "change", obj.pk)).content.decode()
    link = html.split('class="viewsitelink"')[0].rsplit('href="', 1)[1].split('"')[0]
    redirect = staff_client.get(link)
    assert redirect.status_code == 302
    return redirect.url


def test_view_on_site_opens_the_public_page(staff_client, campaign):
    programme = Program.objects.get(slug=SITE_PROGRAMME)
    page = InfoPage.objects.get(slug="tokushoho")
    testimonial = testimonials.Testimonial.objects.first()
    for obj, text in [
        (campaign, campaign.title),
        (programme, f"<h1>{programme.name_ja}</h1>"),
        (page, f"<h1>{page.title_ja}</h1>"),
        (testimonial, testimonial.speaker_ja),
    ]:
        target = view_on_site_target(staff_client, obj)
        public = staff_client.get(target)
        assert public.status_code == 200, target
        assert text in public.content.decode()


def test_recording_an_offline_gift_moves_the_counter(staff_client, client, campaign):
    Donation.record_offline(campaign=campaign, frequency="once", amount=3_000)
    url = "/admin/donations/donation/add/"
    data = form_data(staff_client.get(url).content.decode(), "donation_form")
    data.update(
        campaign=str(campaign.pk),
        frequency="once",
        channel="bank_transfer",
        amount="5000",
        donor_name="振込 太郎",
        reference="furikomi-2026-11-001",
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.content.decode()
    assert "<dd>¥8,000</dd>" in client.get("/").content.decode()  # 3,000 + 5,000
    # Submitting the same transfer again does not count it twice.
    staff_client.post(url, data)
    assert "<dd>¥8,000</dd>" in client.get("/").content.decode()


def test_recording_a_monthly_supporter_in_the_admin_counts_them(staff_client, client, campaign):
    Donation.record_offline(campaign=campaign, frequency="monthly", amount=1_000)
    url = "/admin/donations/donation/add/"
    data = form_data(staff_client.get(url).content.decode(), "donation_form")
    data.update(campaign=str(campaign.pk), frequency="monthly", channel="offline", amount="2000")

    assert staff_client.post(url, data).status_code == 302
    assert "<dd>2人</dd>" in client.get("/").content.decode()


def campaign_form(staff_client, campaign):
    html = staff_client.get(admin_url(Campaign, "change", campaign.pk)).content.decode()
    return form_data(html, "campaign_form")


def test_funding_sources_must_add_up_to_100_percent(staff_client, campaign):
    data = campaign_form(staff_client, campaign)
    data["funding_sources-0-percent"] = "20"

    response = staff_client.post(admin_url(Campaign, "change", campaign.pk), data)

    assert response.status_code == 200
    assert "財源の割合の合計を100%にしてください（現在 80%）。" in response.content.decode()
    assert sorted(campaign.funding_sources.values_list("percent", flat=True)) == [40, 60]


@pytest.mark.parametrize("typed", ["", "abc", "-5", "150"])
def test_a_blank_or_invalid_funding_percent_is_explained_to_staff(staff_client, campaign, typed):
    data = campaign_form(staff_client, campaign)
    data["funding_sources-0-percent"] = typed

    response = staff_client.post(admin_url(Campaign, "change", campaign.pk), data)

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert sorted(campaign.funding_sources.values_list("percent", flat=True)) == [40, 60]


def test_staff_can_change_the_funding_mix(staff_client, client, campaign):
    data = campaign_form(staff_client, campaign)
    data["funding_sources-0-percent"] = "20"
    data["funding_sources-1-percent"] = "80"

    response = staff_client.post(admin_url(Campaign, "change", campaign.pk), data)

    assert response.status_code == 302
    page = client.get("/").content.decode()
    fees, grants = campaign.funding_sources.order_by("order")
    assert f"{fees.label_ja} 20%" in page and f"{grants.label_ja} 80%" in page


def test_impossible_dates_and_amounts_are_explained_to_staff(staff_client, campaign):
    ends_on = campaign.ends_on
    data = campaign_form(staff_client, campaign)
    data["ends_on"] = str(campaign.starts_on - datetime.timedelta(days=1))
    data["tiers-0-amount"] = "0"

    response = staff_client.post(admin_url(Campaign, "change", campaign.pk), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "終了日は開始日より後の日付にしてください。" in html
    assert "金額は1円以上にしてください。" in html
    campaign.refresh_from_db()
    assert campaign.ends_on == ends_on


def test_stripe_limits_on_the_donation_range_are_explained_to_staff(staff_client, campaign):
    data = campaign_form(staff_client, campaign)
    data["min_amount"] = "10"
    data["max_amount"] = "100000000"

    response = staff_client.post(admin_url(Campaign, "change", campaign.pk), data)

    assert response.status_code == 200
    assert "50" in response.context["adminform"].form.errors["min_amount"][0]
    assert "99999999" in response.context["adminform"].form.errors["max_amount"][0]
    campaign.refresh_from_db()
    assert (campaign.min_amount, campaign.max_amount) == (500, 1_000_000)


def test_pages_the_site_links_to_keep_their_address_and_cannot_be_deleted(staff_client, campaign):
    terms = InfoPage.objects.get(slug="terms")
    change = staff_client.get(admin_url(InfoPage, "change", terms.pk)).content.decode()

    assert 'name="slug"' not in change
    assert staff_client.get(admin_url(InfoPage, "delete", terms.pk)).status_code == 403
    extra = InfoPage.objects.create(slug="news", title="お知らせ", body="本文")
    assert (
        'name="slug"' in staff_client.get(admin_url(InfoPage, "change", extra.pk)).content.decode()
    )


def test_message_moderation_shows_whether_the_gift_went_through(staff_client, campaign):
    message = SupportMessage.objects.create(
        campaign=campaign, display_name="匿名", body="応援してます"
    )
    Donation.objects.create(
        campaign=campaign, frequency="once", amount=3000, support_message=message
    )

    listing = staff_client.get(admin_url(SupportMessage, "changelist")).content.decode()
    change = staff_client.get(admin_url(SupportMessage, "change", message.pk)).content.decode()

    assert "手続き中" in listing  # the donation is still pending: not yet a supporter
    assert 'name="status"' not in change  # status changes only through the actions


def test_an_address_typed_without_scheme_is_completed_as_https(staff_client, client, campaign):
    data = campaign_form(staff_client, campaign)
    data["give_one_url"] = "giveone.net/supporter/project_display.html?project_id=123"

    assert staff_client.post(admin_url(Campaign, "change", campaign.pk), data).status_code == 302

    campaign.refresh_from_db()
    assert (
        campaign.give_one_url == "https://giveone.net/supporter/project_display.html?project_id=123"
    )
    # Once beside the form, and once after each section staff marked for it.
    notes = 1 + campaign.sections.filter(show_give_one=True).count()
    assert client.get("/").content.decode().count(f'href="{campaign.give_one_url}"') == notes
