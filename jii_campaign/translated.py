"""Staff-written text in the reader's language (django-modeltranslation), and which language a
shown value actually came from when the reader's own was left empty: the fallback chain of
settings.MODELTRANSLATION_FALLBACK_LANGUAGES (the language → やさしい日本語 → 日本語)."""

from django.utils.html import format_html
from modeltranslation.utils import build_localized_fieldname, resolution_order
from modeltranslation.utils import get_language as content_language  # one of the offered


def source_language(obj, field):
    """The language `obj.<field>` is shown in now: the reader's own, or the first language along
    the fallback chain that has a value (None when every one is empty)."""
    for code in resolution_order(content_language()):
        if getattr(obj, build_localized_fieldname(field, code), None):
            return code
    return None


def fallback_language(obj, field):
    """The language of the fallback `obj.<field>` shows, or None when it shows the reader's own."""
    if not obj:
        return None
    source = source_language(obj, field)
    return source if source and source != content_language() else None


def shows_fallback(obj, field):
    """True when `obj.<field>` shows another language because its value in this one is empty."""
    return fallback_language(obj, field) is not None


def marked(obj, field, html, tag="span"):
    """`html` (the field as shown) inside <tag lang="…"> when it is a fallback, in the language
    it came from, so that screen readers, translation tools and fonts know it."""
    language = fallback_language(obj, field)
    if language is None:
        return html
    return format_html('<{} lang="{}">{}</{}>', tag, language, html, tag)
