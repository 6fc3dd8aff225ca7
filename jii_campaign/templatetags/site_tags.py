"""Template filters for staff-written text (in the reader's language, with its readings), the
language menu and yen amounts."""

from django import template
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from jii_campaign import languages
from jii_campaign.furigana import readings_in_brackets, with_ruby, without_readings
from jii_campaign.money import format_yen
from jii_campaign.translated import fallback_language, marked

register = template.Library()


@register.filter
def yen(amount):
    """¥3,000: integer yen with thousands separators."""
    if amount is None or amount == "":
        return ""
    return format_yen(amount)


@register.filter
def prose(text):
    """Staff-written plain text as HTML: blank lines part paragraphs, "## " starts a heading,
    "- " starts a list item. Everything is escaped; no HTML from staff reaches the page."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    html = []
    for block in filter(None, blocks):
        lines = block.split("\n")
        if block.startswith("## "):
            html.append(format_html("<h2>{}</h2>", lines[0][3:]))
            rest = "\n".join(lines[1:]).strip()
            if rest:
                html.append(prose(rest))
        elif all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines))
            html.append(format_html("<ul>{}</ul>", items))
        else:
            # bandit B308: a constant tag; every line is escaped by format_html_join.
            br = mark_safe("<br>")  # nosec B308
            body = format_html_join(br, "{}", ((line,) for line in lines))
            html.append(format_html("<p>{}</p>", body))
    return format_html_join("", "{}", ((part,) for part in html))  # each part already safe


@register.filter
def lines(text):
    """The non-blank lines of a text field (e.g. one quote per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.simple_tag(takes_context=True)
def language_url(context, language_code, keep_query=False):
    """This page's address in another language (with its query string when asked: the
    thank-you page's donation; never on cached pages, which carry nothing per visitor)."""
    request = context["request"]
    return languages.path_in(request.get_full_path() if keep_query else request.path, language_code)


@register.simple_tag(takes_context=True)
def site_url(context, language_code):
    """This page's public address in a language, for canonical and hreflang links. A page shown
    at more than one address (the featured campaign at "/") names its own in `canonical_path`."""
    path = context.get("canonical_path") or context["request"].path
    return settings.SITE_URL + languages.path_in(path, language_code)


@register.filter
def lang_attr(obj, fields):
    """` lang="ja"` (or "ja-x-easy") for an element showing any of these comma-separated fields
    in a fallback language because the reader's is missing: `<h3{{ program|lang_attr:"name" }}>`."""
    for field in fields.split(","):
        if language := fallback_language(obj, field.strip()):
            return format_html(' lang="{}"', language)
    return ""


@register.simple_tag
def localized(obj, field, as_prose=False):
    """A staff-written field in the reader's language, readings as ruby; a fallback, if shown, is
    marked with the language it came from (a <div> around prose, a <span> around a line)."""
    value = getattr(obj, field, "") or ""
    if as_prose:
        return marked(obj, field, with_ruby(prose(value)), tag="div")
    return marked(obj, field, with_ruby(value))


@register.filter
def furigana(text):
    """Text with its `{漢字|かんじ}` readings as ruby (escaped like any other text)."""
    return with_ruby(text or "")


@register.filter
def plain(text):
    """Text with its readings left out, for titles, meta descriptions and attributes."""
    return without_readings(text)


@register.filter
def bracketed(text):
    """Plain text (e-mails) with its readings in brackets after their kanji: 漢字（かんじ）."""
    return readings_in_brackets(text)


@register.simple_tag
def offered_languages():
    """[{code, name (in its own script), dir}] for the language menu."""
    return languages.offered()


@register.simple_tag
def og_locales():
    """The page's Open Graph locale and the other languages' (each once)."""
    current = languages.og_locale(get_language())
    alternates = {languages.og_locale(code) for code, _name in settings.LANGUAGES} - {current}
    return {"current": current, "alternates": sorted(alternates)}


@register.filter
def srcset(renditions, kind):
    """`url 480w, url 960w` of the stored renditions (jii_campaign.images) of one kind."""
    return ", ".join(f"{default_storage.url(r[kind])} {r['width']}w" for r in renditions or [])


@register.filter
def rendition_url(rendition, kind):
    return default_storage.url(rendition[kind])
