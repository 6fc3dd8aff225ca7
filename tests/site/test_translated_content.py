"""Staff write every text in Japanese and English: the seed brings English, /en/ reads in
English, an English value staff have not written yet shows the Japanese marked lang="ja", and
the admin shows what still lacks English."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from modeltranslation.translator import translator

from campaigns.models import Campaign
from donations.models import Donation
from seed import loader as seed
from tests.support.fake_stripe import confirm_and_pay, donation_form, form_fields, run_task_worker
from tests.support.html_checks import PROGRAMMES, https_client
from tests.support.japanese_text import japanese_shown
from tests.support.staff_personas import signed_in

SEEDED_ENGLISH_URLS = [
    "/en/",
    "/en/donate/",
    "/en/donate/manage/",
    "/en/testimonials/participants/",
    "/en/testimonials/volunteers/",
    *(f"/en/programs/{slug}/" for slug in PROGRAMMES),
    *(f"/en/pages/{slug}/" for slug in ["tokushoho", "privacy", "terms", "other-ways"]),
]


@pytest.fixture
def client():
    return https_client()


def english_pages(client):
    pages = {}
    for url in SEEDED_ENGLISH_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def test_the_seeded_site_reads_in_english(client, seeded):
    pages = english_pages(client)

    for url, html in pages.items():
        assert japanese_shown(html) == [], url
    assert "Your support nurtures dialogue, not division." in pages["/en/"]
    assert "Neighbours &amp; Family Friends Programme" in pages["/en/programs/otonarisan/"]
    assert "Corporate Branch No. 1" in pages["/en/"]


def test_an_english_value_left_empty_shows_the_japanese_marked(client, seeded):
    Campaign.objects.filter(pk=seeded.pk).update(lead_en="")

    html = client.get("/en/").content.decode()

    assert '<span lang="ja">あなたの応援が、対立ではなく新しい“対話”を育みます</span>' in html
    assert japanese_shown(html) == []


def test_with_no_english_at_all_every_japanese_text_is_marked(client, seeded):
    for model in translator.get_registered_models():
        fields = translator.get_options_for_model(model).fields
        model.objects.update(**{f"{name}_en": None for name in fields})

    pages = english_pages(client)

    for url, html in pages.items():
        assert japanese_shown(html) == [], url
    assert '<span lang="ja">マンスリーサポーター募集キャンペーン' in pages["/en/"]


def test_the_seed_adds_english_to_an_older_database_but_never_over_staff_edits(db):
    seed.load()
    campaign = Campaign.objects.get()
    # As loaded before the English existed; then staff rewrote one heading and one title.
    Campaign.objects.update(title_en=None, lead_en="Our own English lead")
    campaign.sections.update(heading_en=None)
    campaign.sections.filter(order=10).update(heading_ja="スタッフが書いた見出し")

    assert seed.load() == 0

    campaign.refresh_from_db()
    assert campaign.title_en.startswith("Become a Monthly Supporter")
    assert campaign.lead_en == "Our own English lead"
    headings = dict(campaign.sections.values_list("order", "heading_en"))
    assert headings[0] == "Society can change, one “small understanding” at a time"
    assert headings[10] is None


def test_the_admin_edits_english_beside_japanese_and_shows_what_lacks_it(
    client, seeded, django_user_model
):
    client = signed_in(django_user_model.objects.create_superuser("admin", "a@example.org", None))
    Campaign.objects.filter(pk=seeded.pk).update(lead_en="")
    seeded.tiers.filter(amount=3_000).update(impact_en="")
    change = client.get(reverse("admin:campaigns_campaign_change", args=[seeded.pk]))
    listing = client.get(reverse("admin:campaigns_campaign_changelist") + "?english=missing")
    complete = client.get(reverse("admin:campaigns_campaign_changelist") + "?english=complete")

    html = change.content.decode()
    assert 'name="lead_ja"' in html and 'name="lead_en"' in html
    assert 'name="sections-0-heading_en"' in html and 'name="tiers-0-impact_en"' in html
    assert "未翻訳: リード文, 支援の目安 ×1" in listing.content.decode()
    assert seeded.title_ja in listing.content.decode()
    assert seeded.title_ja not in complete.content.decode()


def test_the_language_switch_on_the_confirmation_keeps_the_gift(client, seeded):
    typed = donation_form(seeded, frequency="monthly", tier="5000", donor_name="Ann Lee")
    confirmation = client.post("/donate/confirm/", typed)

    switch = form_fields(confirmation, "/en/donate/confirm/")
    english = client.post("/en/donate/confirm/", switch)

    assert english.status_code == 200
    html = english.content.decode()
    assert "Confirm your donation" in html and "¥5,000" in html and "Ann Lee" in html
    back = form_fields(english, "/donate/confirm/")
    assert back["frequency"] == "monthly" and back["donor_name"] == "Ann Lee"
    assert form_fields(english, "/en/donate/pay/")["token"]


def test_the_language_switch_on_a_form_with_mistakes_keeps_what_was_typed(client, seeded):
    typed = donation_form(seeded, donor_email="", donor_name="Ann Lee", other_amount="12,345")
    mistakes = client.post("/donate/confirm/", {**typed, "tier": "other"})

    english = client.post("/en/donate/", form_fields(mistakes, "/en/donate/"))

    html = english.content.decode()
    assert "Please check the details you entered." in html
    assert 'value="Ann Lee"' in html and 'value="12,345"' in html


def test_the_thank_you_page_switches_language_with_its_donation(client, seeded):
    pay, _ = confirm_and_pay(client, donation_form(seeded))
    paid = client.post(pay["Location"], {"outcome": "pay"})
    thanks = client.get(paid["Location"])

    token = re.search(r"token=([0-9a-f-]+)", paid["Location"]).group(1)
    assert f'href="/en/donate/thanks/?token={token}"' in thanks.content.decode()
    english = client.get(f"/en/donate/thanks/?token={token}").content.decode()
    assert "Thank you for your donation" in english
    assert "Become a Monthly Supporter" in english  # a one-time donor is invited
    assert "frequency=monthly#donation-form" in english
    assert '<p class="hashtag" lang="ja">#小さな理解</p>' in english


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/en/", "/en/campaigns/monthly-supporters/"),  # "/" shows the featured campaign
        ("/campaigns/monthly-supporters/", "/campaigns/monthly-supporters/"),
        ("/pages/terms/", "/pages/terms/"),
        ("/en/programs/otonarisan/", "/en/programs/otonarisan/"),
    ],
)
def test_every_page_names_its_canonical_address_and_its_other_language(
    client, seeded, url, canonical
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
@pytest.mark.parametrize(("prefix", "sender"), [("", "JIIパートナーズ"), ("/en", "JII Partners")])
def test_emails_come_from_the_organisation_in_the_donors_language(prefix, sender, settings):
    settings.DEFAULT_FROM_EMAIL = "Someone <info@j-ii.org>"
    seed.load()
    client = https_client()
    pay, _ = confirm_and_pay(client, donation_form(Campaign.objects.get()), prefix=prefix)
    client.post(pay["Location"], {"outcome": "pay"})
    run_task_worker()

    assert Donation.objects.get(checkout_token__isnull=False).locale == (prefix.strip("/") or "ja")
    [receipt] = mail.outbox
    assert receipt.from_email == f"{sender} <info@j-ii.org>"
