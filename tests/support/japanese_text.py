"""The Japanese a reader sees on a page: text and readable attributes outside elements marked
lang="ja" (or "ja-x-easy"), or marked as Chinese (the language menu's 简体中文)."""

import re
from html.parser import HTMLParser

# Kana, kanji, Japanese punctuation (「」、。) and full-width forms (（）).
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9f]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "content", "value"}


class _ShownText(HTMLParser):
    """The text and the readable attributes of a page, leaving out elements marked lang="ja"."""

    def __init__(self, marks):
        super().__init__(convert_charrefs=True)
        self.marks = marks
        self.stack = []  # one flag per open element: is it (or an ancestor) marked Japanese?
        self.parts = []

    def _japanese_here(self):
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        marked = self._japanese_here() or (attrs.get("lang") or "").startswith(self.marks)
        if not marked:
            self.parts += [value or "" for name, value in attrs.items() if name in SHOWN_ATTRIBUTES]
        if tag not in VOID:
            self.stack.append(marked)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._japanese_here():
            self.parts.append(data)


def shown_text(html, marks=("ja", "zh")):
    """The text and readable attributes outside elements whose lang starts with one of `marks`."""
    reader = _ShownText(marks)
    reader.feed(html)
    return " ".join(reader.parts)


def japanese_shown(html, marks=("ja", "zh")):
    """The Japanese characters shown outside elements whose lang starts with one of `marks`."""
    return sorted({match.group(0) for match in JAPANESE.finditer(shown_text(html, marks))})
