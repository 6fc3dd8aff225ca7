"""Sites written in one of the offered languages, and the Japanese a page shows outside the
elements marked as Japanese (lang="ja" or "ja-x-easy")."""

import re

from django.conf import settings
from django.utils import translation

from tests.support import personas
from tests.support.japanese_text import japanese_shown

OFFERED = [code for code, _name in settings.LANGUAGES]
NOT_JAPANESE = [code for code in OFFERED if not code.startswith("ja")]
KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")


def site_written_in(language):
    """personas.english_site() with its staff-written text stored as this language's."""
    with translation.override(language):
        return personas._english_site()


def prefix(language):
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


def japanese_outside_marks(html, language):
    """The Japanese characters shown outside lang="ja…"; on a Chinese page only kana count,
    since Chinese is written in the same ideographs."""
    if language.startswith("zh"):
        return [character for character in japanese_shown(html, ("ja",)) if KANA.match(character)]
    return japanese_shown(html)
