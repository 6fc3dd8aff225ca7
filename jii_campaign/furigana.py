"""Readings (furigana) staff type in やさしい日本語 text as `{漢字|かんじ}`: shown as <ruby> on
pages, left out where only plain text fits (a page title, a meta description, an e-mail subject).
Text that is not exactly that shape (a brace never closed, an empty side, a line break inside)
is shown as typed."""

import re

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

# `[^…]`: no braces, bar, tags or line breaks inside either side, so a reading never spans
# markup the text was already rendered into.
READING = re.compile(r"\{([^{}|<>\r\n]+)\|([^{}|<>\r\n]+)\}")


def with_ruby(html):
    """Escaped (or already safe) text with each `{base|reading}` as ruby; the parentheses in
    <rp> show only where a browser cannot place the reading above its base."""
    escaped = conditional_escape(html)
    ruby = READING.sub(r"<ruby>\1<rp>(</rp><rt>\2</rt><rp>)</rp></ruby>", str(escaped))
    # bandit B308: both sides were escaped above; the regex adds only constant tags.
    return mark_safe(ruby)  # nosec B308 B703


def without_readings(text):
    """The text with each `{base|reading}` as its base alone."""
    return READING.sub(r"\1", text or "")


def readings_in_brackets(text):
    """Plain text (an e-mail's) with each `{base|reading}` as `base（reading）`."""
    return READING.sub(r"\1（\2）", text or "")
