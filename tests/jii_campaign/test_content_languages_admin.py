"""事務局 edits staff-written text one language at a time: the change form shows the Japanese
and the language chosen above it, saving it keeps every other language as it was, the list
finds what lacks a language or its check, and editing a checked text makes its check stale."""

import pytest
from django.urls import reverse
from modeltranslation.utils import build_localized_fieldname

from campaigns.models import ImpactTier
from jii_campaign.translation_reviews import TranslationReview, is_reviewed, target_languages
from programs.models import Program
from tests.support.gifts import small_campaign
from tests.support.html_checks import form_data
from tests.support.staff_personas import SECRETARIAT, member, signed_in

LANGUAGES = target_languages()


@pytest.fixture
def secretariat(db):
    return signed_in(member("jimukyoku", SECRETARIAT))


def program(slug="neighbours", **texts):
    """A programme written in Japanese and in every other language (`<code>: …` values)."""
    values = {}
    for name in ("name", "tagline", "summary"):
        values[f"{name}_ja"] = f"{name} 日本語"
        for code in LANGUAGES:
            values[build_localized_fieldname(name, code)] = f"{name} {code}"
    return Program.objects.create(slug=slug, **{**values, **texts})


def change_url(obj, language=None):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return f"{url}?language={language}" if language else url


def changelist(client, model, query):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.get(f"{url}?{query}").content.decode()


def edit(client, obj, language, **changes):
    url = change_url(obj, language)
    data = form_data(client.get(url).content.decode(), f"{obj._meta.model_name}_form")
    data.update(changes)
    return client.post(url, data)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_is_edited_beside_the_japanese_and_the_others_are_kept(secretariat, language):
    neighbours = program()
    name = build_localized_fieldname("name", language)

    page = secretariat.get(change_url(neighbours, language)).content.decode()
    response = edit(secretariat, neighbours, language, **{name: "edited"})

    assert 'name="name_ja"' in page and f'name="{name}"' in page
    others = [code for code in LANGUAGES if code != language]
    assert all(f'name="{build_localized_fieldname("name", c)}"' not in page for c in others)
    assert response.status_code == 302
    neighbours.refresh_from_db()
    assert getattr(neighbours, name) == "edited"
    assert neighbours.name_ja == "name 日本語"
    for code in others:
        assert getattr(neighbours, build_localized_fieldname("summary", code)) == f"summary {code}"
        assert getattr(neighbours, build_localized_fieldname("name", code)) == f"name {code}"


def test_the_chosen_language_is_remembered_for_the_staff_member(secretariat):
    neighbours = program()

    secretariat.get(change_url(neighbours, "ne"))
    later = secretariat.get(change_url(neighbours)).content.decode()

    assert 'name="name_ne"' in later and 'name="name_en"' not in later
    assert '<option value="ne" selected>' in later


def test_a_form_saves_the_language_it_showed_though_another_tab_chose_another(secretariat):
    neighbours = program()
    url = change_url(neighbours)
    shown_in_vietnamese = form_data(
        secretariat.get(url + "?language=vi").content.decode(), "program_form"
    )
    secretariat.get(url + "?language=ne")  # another tab

    secretariat.post(url, {**shown_in_vietnamese, "name_vi": "edited"})

    neighbours.refresh_from_db()
    assert neighbours.name_vi == "edited"
    assert neighbours.name_ne == "name ne" and neighbours.summary_ne == "summary ne"


def test_the_campaigns_rows_are_edited_in_the_chosen_language_too(secretariat):
    campaign = small_campaign()
    tier = ImpactTier.objects.create(
        campaign=campaign, amount=3000, impact_ja="手続きを1つ", impact_en="one form"
    )

    response = edit(
        secretariat, campaign, "vi", title_vi="Chiến dịch", **{"tiers-0-impact_vi": "một thủ tục"}
    )

    assert response.status_code == 302
    tier.refresh_from_db()
    campaign.refresh_from_db()
    kept = (tier.impact_vi, tier.impact_en, tier.impact_ja)
    assert kept == ("một thủ tục", "one form", "手続きを1つ")
    assert campaign.title_vi == "Chiến dịch" and campaign.title_ja == "Test campaign"


def test_the_list_finds_what_lacks_a_language(secretariat):
    program("complete")
    program("no-korean", summary_ko="")
    campaign = small_campaign()
    campaign.title_ko = "캠페인"
    campaign.save()
    ImpactTier.objects.create(campaign=campaign, amount=3000, impact_ja="手続きを1つ")

    lacking_korean = changelist(secretariat, Program, "lacks=ko")
    lacking_nepali = changelist(secretariat, Program, "lacks=ne")
    campaigns = changelist(secretariat, type(campaign), "lacks=ko")

    assert ">no-korean<" in lacking_korean and ">complete<" not in lacking_korean
    assert '<td class="field-gaps">概要</td>' in lacking_korean  # what it lacks: the summary
    assert ">complete<" not in lacking_nepali and ">no-korean<" not in lacking_nepali
    assert "Test campaign" in campaigns  # its tier has no Korean


def test_a_check_is_recorded_per_language_and_an_edit_makes_it_stale(secretariat):
    neighbours = program()

    edit(secretariat, neighbours, "vi", translation_reviewed="on")
    neighbours.refresh_from_db()
    reviewed_vi = is_reviewed(neighbours, "vi")
    unreviewed = changelist(secretariat, Program, "unreviewed=vi")
    status = secretariat.get(change_url(neighbours, "vi")).content.decode()
    edit(secretariat, neighbours, "vi", summary_vi="Tóm tắt mới")
    neighbours.refresh_from_db()

    assert reviewed_vi and not is_reviewed(neighbours, "ko")
    assert ">neighbours<" not in unreviewed and ">neighbours<" in changelist(
        secretariat, Program, "unreviewed=ko"
    )
    assert "jimukyoku" in status
    assert not is_reviewed(neighbours, "vi")
    assert ">neighbours<" in changelist(secretariat, Program, "unreviewed=vi")
    review = TranslationReview.objects.get(language="vi")
    assert review.reviewed_by.username == "jimukyoku"
    stale = secretariat.get(change_url(neighbours, "vi")).content.decode()
    assert "edited since" in stale or "編集" in stale


def test_editing_the_japanese_makes_every_check_stale(secretariat):
    neighbours = program()
    edit(secretariat, neighbours, "ko", translation_reviewed="on")

    Program.objects.filter(pk=neighbours.pk).update(summary_ja="新しい説明")
    neighbours.refresh_from_db()

    assert not is_reviewed(neighbours, "ko")


def test_a_campaigns_check_covers_the_rows_edited_inside_it(secretariat):
    campaign = small_campaign()
    tier = ImpactTier.objects.create(campaign=campaign, amount=3000, impact_ja="手続きを1つ")
    edit(secretariat, campaign, "tl", translation_reviewed="on")
    campaign.refresh_from_db()
    before = is_reviewed(campaign, "tl")

    ImpactTier.objects.filter(pk=tier.pk).update(impact_tl="isang papeles")

    assert before and not is_reviewed(campaign, "tl")
