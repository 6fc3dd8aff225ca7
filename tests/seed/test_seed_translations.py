"""The seed ships the campaign's headline and summary, its tiers, the programme pages and the
cheering messages' heading in the seven added languages, none marked as checked by a person;
a rerun fills a language only where it is empty and the Japanese is still the seed's."""

import re

import pytest
from django.core.management import call_command
from modeltranslation.utils import build_localized_fieldname

from campaigns.models import Campaign, CampaignSection
from jii_campaign.translation_reviews import TranslationReview, is_reviewed
from programs.models import Program
from seed.translated import TRANSLATIONS

ADDED = ["ja-x-easy", "zh-hans", "vi", "ko", "pt-br", "tl", "ne"]
KANJI = re.compile(r"[\u4e00-\u9fff]")
READING = re.compile(r"\{([^{}|]+)\|([\u3040-\u309f]+)\}")


def text(obj, name, language):
    return getattr(obj, build_localized_fieldname(name, language))


@pytest.fixture
def seeded(db):
    call_command("load_seed_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Campaign.objects.get()


@pytest.mark.parametrize("language", ADDED)
def test_the_seed_ships_each_language_not_yet_reviewed(seeded, language):
    messages = seeded.sections.get(kind=CampaignSection.Kind.MESSAGES)

    assert text(seeded, "title", language) and text(seeded, "lead", language)
    assert all(text(tier, "impact", language) for tier in seeded.tiers.all())
    for program in Program.objects.all():
        assert text(program, "name", language) and text(program, "summary", language)
        assert text(program, "tagline", language)
    assert text(messages, "heading", language)
    assert text(seeded, "title", language) != seeded.title_ja
    assert not is_reviewed(seeded, language)
    assert not any(is_reviewed(program, language) for program in Program.objects.all())


def test_nothing_of_the_seed_is_marked_reviewed(seeded):
    assert TranslationReview.objects.count() == 0


def test_easy_japanese_gives_a_reading_for_every_kanji_it_keeps():
    def strings(value):
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [value]

    texts = strings(TRANSLATIONS["ja-x-easy"])

    assert all(READING.search(t) or not KANJI.search(t) for t in texts)
    assert [t for t in texts if KANJI.search(READING.sub("", t))] == []


def test_a_rerun_keeps_what_staff_wrote_in_a_language(seeded):
    Campaign.objects.update(lead_vi="Lời giới thiệu của nhân viên", title_ko="")
    Program.objects.filter(slug="hanamaru-class").update(summary_ja="新しい説明", summary_ne="")

    call_command("load_seed_content", stdout=open("/dev/null", "w"))  # noqa: SIM115

    campaign = Campaign.objects.get()
    hanamaru = Program.objects.get(slug="hanamaru-class")
    assert campaign.lead_vi == "Lời giới thiệu của nhân viên"
    assert campaign.title_ko == TRANSLATIONS["ko"]["campaign"]["title"]
    assert hanamaru.summary_ne == ""  # the Japanese is no longer the seed's
