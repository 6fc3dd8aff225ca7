"""Staff-written text in the reader's language (django-modeltranslation), and whether what is
shown is the Japanese fallback of an English value staff have not written yet."""

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

FALLBACK = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def shows_fallback(obj, field):
    """True when `obj.<field>` shows the Japanese because its value in this language is empty."""
    language = get_language()
    if not obj or language == FALLBACK:
        return False
    own = getattr(obj, build_localized_fieldname(field, language), None)
    return not own and bool(getattr(obj, field, ""))


def marked(obj, field, html, tag="span"):
    """`html` (the field as shown) inside <tag lang="ja"> when it is the Japanese fallback."""
    if not shows_fallback(obj, field):
        return html
    return format_html('<{} lang="{}">{}</{}>', tag, FALLBACK, html, tag)


def missing_english(obj, fields):
    """The names of `fields` whose Japanese is written but whose English is still empty."""
    return [f for f in fields if getattr(obj, f"{f}_ja", "") and not getattr(obj, f"{f}_en", "")]
