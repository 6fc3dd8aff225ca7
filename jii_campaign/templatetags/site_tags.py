"""Template filters for staff-written text and yen amounts."""

from django import template
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from jii_campaign.money import format_yen

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
def language_url(context, language_code):
    """This page's address in another language."""
    return translate_url(context["request"].path, language_code)
