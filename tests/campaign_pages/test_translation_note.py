"""A page read in a language whose text nobody has checked yet invites corrections; once a
person has checked that text, or where the page shows only Japanese, it does not."""

import pytest
from django.contrib.auth.models import User

from campaigns.models import ImpactTier
from jii_campaign.translation_reviews import TranslationReview
from programs.models import Program
from tests.support.gifts import small_campaign
from tests.support.html_checks import https_client

# The note's box (its words are in the reader's language, from the catalogues).
NOTE = 'class="notice translation-note"'


@pytest.fixture
def client():
    return https_client()


@pytest.fixture
def campaign(db):
    campaign = small_campaign()
    campaign.title_ja = "小さな理解"
    campaign.title_vi = "Hiểu biết nhỏ"
    campaign.save()
    ImpactTier.objects.create(
        campaign=campaign, amount=3_000, impact_ja="手続きを1つ", impact_vi="Một thủ tục"
    )
    return campaign


@pytest.fixture
def reviewer(db):
    return User.objects.create_user("reviewer", is_staff=True)


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_an_unchecked_translation_invites_corrections(client, campaign):
    html = page(client, "/vi/")

    assert NOTE in html
    assert 'href="mailto:info@j-ii.org"' in html


def test_the_note_speaks_the_readers_language(client, campaign):
    campaign.title_en = "Small understandings"
    campaign.save()

    html = page(client, "/en/")

    assert "This translation has not yet been checked by a person. Help us correct it:" in html


def test_no_note_once_a_person_checked_the_language(client, campaign, reviewer):
    TranslationReview.record(campaign, "vi", reviewer)

    assert NOTE not in page(client, "/vi/")


@pytest.mark.django_db(transaction=True)  # the save commits, and its commit tells the cache
def test_the_note_returns_when_the_checked_text_changes(client, campaign, reviewer):
    TranslationReview.record(campaign, "vi", reviewer)
    page(client, "/vi/")  # cached while checked

    campaign.tiers.update(impact_vi="Hai thủ tục")
    campaign.save()

    assert NOTE in page(client, "/vi/")


def test_no_note_in_japanese_nor_where_only_the_japanese_is_shown(client, campaign):
    assert NOTE not in page(client, "/")
    assert NOTE not in page(client, "/ko/")


def test_a_programme_page_in_an_unchecked_language_has_the_note(client, db, reviewer):
    program = Program.objects.create(
        slug="hanamaru", name_ja="はなまるクラス", summary_ja="学びを支える", name_ne="हानामारु कक्षा"
    )

    unchecked = page(client, "/ne/programs/hanamaru/")
    TranslationReview.record(program, "ne", reviewer)

    assert NOTE in unchecked
    assert NOTE not in page(client, "/ne/programs/hanamaru/")
