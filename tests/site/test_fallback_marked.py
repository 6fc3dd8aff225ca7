"""A text staff have not written in the reader's language falls back to やさしい日本語, then to
Japanese, and says so with the lang of the language it came from: screen readers read it in
the right voice, translation tools know what to translate. A section never shows empty."""

import pytest
from django.utils.html import escape
from modeltranslation.translator import translator

from campaigns.models import Campaign
from tests.support.html_checks import https_client
from tests.support.japanese_text import japanese_shown, shown_text
from tests.support.language_sites import NOT_JAPANESE, prefix
from tests.support.personas import JAPANESE_MARK, SITE_PROGRAMME, bilingual_site

EASY_MARK = "やさしい："
PAGES = [
    "/",
    "/donate/",
    "/testimonials/participants/",
    "/testimonials/volunteers/",
    f"/programs/{SITE_PROGRAMME}/",
    *(f"/pages/{slug}/" for slug in ["tokushoho", "privacy", "terms", "other-ways"]),
]


@pytest.fixture
def client():
    return https_client()


@pytest.fixture
def campaign(db):
    """Staff wrote every text in Japanese and in やさしい日本語, none in any other language."""
    campaign = bilingual_site()
    for model in translator.get_registered_models():
        fields = translator.get_options_for_model(model).fields
        for row in model.objects.all():
            for field in fields:
                english = getattr(row, f"{field}_en")
                if english:
                    setattr(row, f"{field}_ja_x_easy", f"{EASY_MARK}{english}")
                setattr(row, f"{field}_en", None)
            row.save()
    return Campaign.objects.get(pk=campaign.pk)


def test_every_text_falls_back_to_easy_japanese_marked_as_such(client, campaign):
    for url in PAGES:
        html = client.get(f"/en{url}").content.decode()
        assert japanese_shown(html) == [], url  # all of it marked
        assert EASY_MARK in html and JAPANESE_MARK not in html, url  # the easy Japanese first
        # and marked as easy Japanese, not as Japanese
        assert EASY_MARK not in shown_text(html, marks=("ja-x-easy", "zh")), url
    html = client.get("/en/").content.decode()
    assert f'<h1 id="campaign-title"><span lang="ja-x-easy">{EASY_MARK}' in html


@pytest.mark.parametrize("language", NOT_JAPANESE)
def test_in_each_language_the_fallback_names_its_language(client, campaign, language):
    Campaign.objects.filter(pk=campaign.pk).update(lead_ja_x_easy="")
    html = client.get(f"{prefix(language)}/").content.decode()

    assert f'<span lang="ja-x-easy">{escape(campaign.title_ja_x_easy)}</span>' in html
    assert f'<p class="hero-lead"><span lang="ja">{escape(campaign.lead_ja)}</span>' in html


def test_easy_japanese_falls_back_to_japanese_marked(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(title_ja_x_easy="")
    html = client.get("/ja-x-easy/").content.decode()

    assert f'<span lang="ja">{escape(campaign.title_ja)}</span>' in html
    assert f"{escape(campaign.lead_ja_x_easy)}</p>" in html  # its own: no mark


def test_a_language_written_shows_unmarked(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(title_vi="Cần người ủng hộ hằng tháng")
    html = client.get("/vi/").content.decode()

    assert '<h1 id="campaign-title">Cần người ủng hộ hằng tháng</h1>' in html
