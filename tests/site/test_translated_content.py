"""Staff write every text in Japanese and English: /en/ reads in
English, an English value staff have not written yet shows the Japanese marked lang="ja", and
the admin shows what still lacks English."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape
from modeltranslation.translator import translator

from campaigns.models import Campaign
from donations.models import Donation
from jii_campaign.models import BankAccount, Organisation
from programs.models import Program
from tests.support.fake_stripe import confirm_and_pay, donation_form, form_fields, run_task_worker
from tests.support.html_checks import https_client
from tests.support.japanese_text import japanese_shown
from tests.support.personas import SITE_PROGRAMME, bilingual_site
from tests.support.staff_personas import signed_in

ENGLISH_URLS = [
    "/en/",
    "/en/donate/",
    "/en/donate/manage/",
    "/en/testimonials/participants/",
    "/en/testimonials/volunteers/",
    f"/en/programs/{SITE_PROGRAMME}/",
    *(f"/en/pages/{slug}/" for slug in ["tokushoho", "privacy", "terms", "other-ways"]),
]


@pytest.fixture
def client():
    return https_client()


@pytest.fixture
def campaign(db):
    """A site whose staff wrote every text in both languages (tests/support/personas.py)."""
    return bilingual_site()


def english_pages(client):
    pages = {}
    for url in ENGLISH_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def test_the_site_reads_in_english(client, campaign):
    Program.objects.update(name_en="Neighbours & Family Friends", name_ja="おとなりさん")
    pages = english_pages(client)

    for url, html in pages.items():
        assert japanese_shown(html) == [], url
    assert escape(campaign.lead_en) in pages["/en/"]
    assert "Neighbours &amp; Family Friends" in pages[f"/en/programs/{SITE_PROGRAMME}/"]
    assert BankAccount.objects.get().branch_name_en in pages["/en/"]


def test_an_english_value_left_empty_shows_the_japanese_marked(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(lead_en="")

    html = client.get("/en/").content.decode()

    assert f'<span lang="ja">{escape(campaign.lead_ja)}</span>' in html
    assert japanese_shown(html) == []


def test_with_no_english_at_all_every_japanese_text_is_marked(client, campaign):
    for model in translator.get_registered_models():
        fields = translator.get_options_for_model(model).fields
        model.objects.update(**{f"{name}_en": None for name in fields})

    pages = english_pages(client)

    for url, html in pages.items():
        assert japanese_shown(html) == [], url
    assert f'<span lang="ja">{escape(campaign.title_ja)}' in pages["/en/"]


def test_the_admin_edits_english_beside_japanese_and_shows_what_lacks_it(
    client, campaign, django_user_model
):
    client = signed_in(django_user_model.objects.create_superuser("admin", "a@example.org", None))
    lead_en = campaign.lead_en
    Campaign.objects.filter(pk=campaign.pk).update(lead_en="")
    campaign.tiers.filter(amount=3_000).update(impact_en="")
    change_url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    change = client.get(change_url + "?language=en")
    listing = client.get(reverse("admin:campaigns_campaign_changelist") + "?lacks=en")
    Campaign.objects.filter(pk=campaign.pk).update(lead_en=lead_en)
    campaign.tiers.filter(amount=3_000).update(impact_en="one form")
    complete = client.get(reverse("admin:campaigns_campaign_changelist") + "?lacks=en")

    html = change.content.decode()
    assert 'name="lead_ja"' in html and 'name="lead_en"' in html
    assert 'name="sections-0-heading_en"' in html and 'name="tiers-0-impact_en"' in html
    assert campaign.title_ja in listing.content.decode()
    assert campaign.title_ja not in complete.content.decode()


def test_the_language_switch_on_the_confirmation_keeps_the_gift(client, campaign):
    typed = donation_form(campaign, frequency="monthly", tier="10000", donor_name="Ann Lee")
    confirmation = client.post("/donate/confirm/", typed)

    switch = form_fields(confirmation, "/en/donate/confirm/")
    english = client.post("/en/donate/confirm/", switch)

    assert english.status_code == 200
    html = english.content.decode()
    assert "Confirm your donation" in html and "¥10,000" in html and "Ann Lee" in html
    back = form_fields(english, "/donate/confirm/")
    assert back["frequency"] == "monthly" and back["donor_name"] == "Ann Lee"
    assert form_fields(english, "/en/donate/pay/")["token"]


def test_the_language_switch_on_a_form_with_mistakes_keeps_what_was_typed(client, campaign):
    typed = donation_form(campaign, donor_email="", donor_name="Ann Lee", other_amount="12,345")
    mistakes = client.post("/donate/confirm/", {**typed, "tier": "other"})

    english = client.post("/en/donate/", form_fields(mistakes, "/en/donate/"))

    html = english.content.decode()
    assert "Please check the details you entered." in html
    assert 'value="Ann Lee"' in html and 'value="12,345"' in html


def test_the_thank_you_page_switches_language_with_its_donation(client, campaign):
    pay, _ = confirm_and_pay(client, donation_form(campaign))
    paid = client.post(pay["Location"], {"outcome": "pay"})
    thanks = client.get(paid["Location"])

    token = re.search(r"token=([0-9a-f-]+)", paid["Location"]).group(1)
    assert f'href="/en/donate/thanks/?token={token}"' in thanks.content.decode()
    english = client.get(f"/en/donate/thanks/?token={token}").content.decode()
    assert "Thank you for your donation" in english
    assert "Become a Monthly Supporter" in english  # a one-time donor is invited
    assert "frequency=monthly#donation-form" in english
    assert f'<p class="hashtag" lang="ja">#{campaign.share_hashtag}</p>' in english


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/en/", "/en/campaigns/english/"),  # "/" shows the featured campaign
        ("/campaigns/english/", "/campaigns/english/"),
        ("/pages/terms/", "/pages/terms/"),
        (f"/en/programs/{SITE_PROGRAMME}/", f"/en/programs/{SITE_PROGRAMME}/"),
    ],
)
def test_every_page_names_its_canonical_address_and_its_other_language(
    client, campaign, url, canonical
):
    html = client.get(url).content.decode()

    japanese = canonical.removeprefix("/en")
    english = "/en" + japanese
    assert f'<link rel="canonical" href="http://testserver{canonical}">' in html
    assert f'<link rel="alternate" hreflang="ja" href="http://testserver{japanese}">' in html
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{english}">' in html
    locale = "en_US" if url.startswith("/en/") else "ja_JP"
    assert f'<meta property="og:locale" content="{locale}">' in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("prefix", "language"), [("", "ja"), ("/en", "en")])
def test_emails_come_from_the_organisation_in_the_donors_language(prefix, language, settings):
    settings.DEFAULT_FROM_EMAIL = "Someone <info@example.org>"
    campaign = bilingual_site()
    sender = getattr(Organisation.objects.get(), f"short_name_{language}")
    client = https_client()
    pay, _ = confirm_and_pay(client, donation_form(campaign), prefix=prefix)
    client.post(pay["Location"], {"outcome": "pay"})
    run_task_worker()

    assert Donation.objects.get(checkout_token__isnull=False).locale == (prefix.strip("/") or "ja")
    [receipt] = mail.outbox
    assert receipt.from_email == f"{sender} <info@example.org>"
