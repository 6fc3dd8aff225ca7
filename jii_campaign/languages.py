"""The languages the site offers (settings.LANGUAGES), as the switcher and the page head name them:
each in its own script, its writing direction, and its Open Graph locale."""

import functools
import unicodedata

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info, to_locale

# Django's LANG_INFO (with the two settings.py adds) names each language in its own script; this
# one its readers write otherwise.
OWN_NAMES = {"pt-br": "Português (Brasil)"}
# Open Graph wants language_TERRITORY; for a language not listed, Django's locale name serves.
OG_LOCALES = {
    "ja": "ja_JP",
    "ja-x-easy": "ja_JP",
    "en": "en_US",
    "zh-hans": "zh_CN",
    "vi": "vi_VN",
    "ko": "ko_KR",
    "pt-br": "pt_BR",
    "tl": "tl_PH",
    "ne": "ne_NP",
}


def own_name(code: str) -> str:
    """日本語, Tiếng Việt, नेपाली …: a language's name as its readers write it (composed: Django
    writes Tiếng Việt with combining accents, which some fonts place badly)."""
    return unicodedata.normalize(
        "NFC", OWN_NAMES.get(code) or get_language_info(code)["name_local"]
    )


def is_rtl(code: str) -> bool:
    return code.split("-")[0] in settings.LANGUAGES_BIDI


def og_locale(code: str) -> str:
    return OG_LOCALES.get(code) or to_locale(code)


def offered() -> list[dict]:
    """Every offered language: code, own name, dir, in the order of settings.LANGUAGES."""
    return [
        {"code": code, "name": own_name(code), "dir": "rtl" if is_rtl(code) else "ltr"}
        for code, _name in settings.LANGUAGES
    ]


def path_in(path: str, code: str) -> str:
    """The address of the page at `path` (with its query string, if any) in another language.
    Every page not cached whole names itself in each language (the menu, hreflang): Django's
    `translate_url` resolves and reverses the path each time, which cost a third of rendering
    the thank-you page; the answers are kept, per path and language, for the URLconf's life."""
    base, mark, query = path.partition("?")
    return _translated(base, get_language(), code) + mark + query


@functools.lru_cache(maxsize=2048)
def _translated(path: str, current: str, code: str) -> str:
    # The path is resolved in the current language (its prefix), then reversed in `code`.
    return translate_url(path, code)
