"""Dates and yen as each offered language's readers write them: Django's formats where Django
ships them, the site's format modules (jii_campaign/formats/) for やさしい日本語 and Tagalog."""

import datetime
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats
from django.utils.translation import override

from tests.support.japanese_text import JAPANESE

GIFT_DAY = datetime.date(2026, 12, 7)
KANA = re.compile(r"[\u3040-\u30ff]")
NOT_JAPANESE = [code for code, _ in settings.LANGUAGES if not code.startswith("ja")]


def written(language, value, format_name="DATE_FORMAT"):
    with override(language):
        return formats.date_format(value, format_name)


def test_easy_japanese_dates_read_as_japanese_dates():
    assert written("ja-x-easy", GIFT_DAY) == "2026年12月7日"
    assert written("ja-x-easy", GIFT_DAY, "YEAR_MONTH_FORMAT") == "2026年12月"


def test_tagalog_dates_put_the_month_first_in_figures():
    # Django has no Tagalog month names: a named month would come out in Japanese.
    assert written("tl", GIFT_DAY) == "12/7/2026"
    assert written("tl", GIFT_DAY, "YEAR_MONTH_FORMAT") == "12/2026"


@pytest.mark.parametrize("language", NOT_JAPANESE)
def test_no_other_language_writes_a_date_in_japanese(language):
    for format_name in ("DATE_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT"):
        shown = written(language, GIFT_DAY, format_name)
        # Chinese writes dates with 年月日 too; kana would still be Japanese.
        japanese = KANA if language == "zh-hans" else JAPANESE
        assert not japanese.search(shown), (format_name, shown)


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_yen_is_written_the_same_in_every_language(language):
    with override(language):
        shown = Template("{% load site_tags %}{{ amount|yen }}").render(
            Context({"amount": 1500000})
        )
    assert shown == "¥1,500,000"
