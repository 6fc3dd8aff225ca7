"""Every public page offers every language, each named in its own script and marked with its
lang, and tells search engines and browsers which language it is in."""

import re

import pytest
from django.utils.translation import override

from tests.support.language_sites import OFFERED, prefix, site_written_in

OWN_NAMES = {
    "ja": "日本語",
    "ja-x-easy": "やさしい にほんご",
    "en": "English",
    "zh-hans": "简体中文",
    "vi": "Tiếng Việt",
    "ko": "한국어",
    "pt-br": "Português (Brasil)",
    "tl": "Tagalog",
    "ne": "नेपाली",
}


@pytest.fixture
def campaign(db):
    return site_written_in("ja")


@pytest.mark.parametrize("language", OFFERED)
def test_each_page_links_every_language_by_its_own_name(client, campaign, language):
    page = client.get(f"{prefix(language)}/programs/neighbours/")
    assert page.status_code == 200
    html = page.content.decode()
    menu = html[html.index('<details class="language-menu">') :]
    menu = menu[: menu.index("</details>")]
    for code, name in OWN_NAMES.items():
        if code == language:
            assert f'aria-current="true" lang="{code}" dir="ltr">{name}</span>' in menu
        else:
            href = f"{prefix(code)}/programs/neighbours/"
            assert f'<a href="{href}" hreflang="{code}" lang="{code}" dir="ltr">{name}</a>' in menu


@pytest.mark.parametrize("language", OFFERED)
def test_each_page_says_its_language_and_direction(client, campaign, language, settings):
    html = client.get(f"{prefix(language)}/programs/neighbours/").content.decode()
    assert f'<html lang="{language}" dir="ltr">' in html
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert alternates == {
        **{code: f"{settings.SITE_URL}{prefix(code)}/programs/neighbours/" for code in OFFERED},
        "x-default": f"{settings.SITE_URL}/programs/neighbours/",
    }


def test_a_right_to_left_language_would_be_written_so(client, campaign, settings):
    # None of the nine is; Django's bidi list decides, so a future Arabic or Persian page turns.
    settings.LANGUAGES_BIDI = [*settings.LANGUAGES_BIDI, "ne"]
    html = client.get("/ne/").content.decode()
    assert '<html lang="ne" dir="rtl">' in html
    assert 'lang="ne" dir="rtl">नेपाली' in html


def test_the_english_names_of_the_languages_are_translated_for_staff():
    from django.conf import settings

    with override("ja"):
        names = [str(name) for _code, name in settings.LANGUAGES]
    assert names[:3] == ["日本語", "やさしい日本語", "英語"]


def test_shared_links_name_the_pages_locale_and_the_others_once(client, campaign):
    html = client.get("/ne/programs/neighbours/").content.decode()

    assert '<meta property="og:locale" content="ne_NP">' in html
    alternates = re.findall(r'<meta property="og:locale:alternate" content="([^"]+)">', html)
    assert sorted(alternates) == ["en_US", "ja_JP", "ko_KR", "pt_BR", "tl_PH", "vi_VN", "zh_CN"]
