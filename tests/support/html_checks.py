"""Reading rendered HTML in tests with the standard library only: an accessibility and validity
checker for public pages, and a reader for the values a browser would submit from a form."""

from collections import Counter
from html.parser import HTMLParser

from django.test import Client

SECTIONING = {"article", "aside", "main", "nav", "section"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
REFERENCE_ATTRIBUTES = ("aria-labelledby", "aria-describedby", "aria-controls")

# The seed's public pages, which the page and HTML tests all visit.
PROGRAMMES = {
    "otonarisan": "おとなりさん・ファミリーフレンド・プログラム",
    "spot-otonarisan": "スポットおとなりさん",
    "hanamaru-class": "はなまるクラス",
    "kurashi-consultation": "くらしの相談",
}
LEGAL_PAGES = {
    "tokushoho": "特定商取引法に基づく表記",
    "privacy": "プライバシーポリシー",
    "terms": "寄付規約",
}
PUBLIC_URLS = [
    "/",
    "/en/",
    *(f"/programs/{slug}/" for slug in PROGRAMMES),
    "/testimonials/participants/",
    "/testimonials/volunteers/",
    "/campaigns/monthly-supporters/messages/",
    *(f"/pages/{slug}/" for slug in [*LEGAL_PAGES, "other-ways"]),
]


def https_client():
    """A client that reaches the site as the TLS-terminating proxy forwards it in production."""
    return Client(headers={"X-Forwarded-Proto": "https"})


class _PageReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.headings = []
        self.ids = []
        self.label_targets = set()
        self.references = []
        self.landmarks = Counter()
        self.images_without_alt = []
        self.controls = []
        self._open_labels = 0
        self._open_sectioning = 0
        self.head_text = []  # text in <head> outside <title>: a browser shows it on the page
        self._in_head = False
        self._in_title = False

    def handle_data(self, data):
        if self._in_head and not self._in_title and data.strip():
            self.head_text.append(data.strip())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in_head = self._in_head or tag == "head"
        self._in_title = self._in_title or tag == "title"
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        for name in REFERENCE_ATTRIBUTES:
            self.references.extend((name, ref) for ref in (attrs.get(name) or "").split())
        if tag in HEADINGS:
            self.headings.append(int(tag[1]))
        elif tag == "img" and "alt" not in attrs:
            self.images_without_alt.append(attrs.get("src", "?"))
        elif tag == "label":
            self._open_labels += 1
            if attrs.get("for"):
                self.label_targets.add(attrs["for"])
        elif (
            tag in ("input", "select", "textarea")
            and attrs.get("type", "text") not in UNLABELLED_INPUT_TYPES
        ):
            self.controls.append((attrs, self._open_labels > 0))
        self._landmark(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        elif tag == "title":
            self._in_title = False
        elif tag == "label":
            self._open_labels -= 1
        elif tag in SECTIONING:
            self._open_sectioning -= 1

    def _landmark(self, tag, attrs):
        role = attrs.get("role")
        if tag == "main" or role == "main":
            self.landmarks["main"] += 1
        # A header or footer is the page's banner or contentinfo only outside sectioning content.
        if (tag == "header" and not self._open_sectioning) or role == "banner":
            self.landmarks["banner"] += 1
        if (tag == "footer" and not self._open_sectioning) or role == "contentinfo":
            self.landmarks["contentinfo"] += 1
        if tag in SECTIONING:
            self._open_sectioning += 1


def page_problems(html):
    """What keeps a page from being valid, semantic HTML: an empty list when there is nothing."""
    reader = _PageReader()
    reader.feed(html)
    reader.close()
    problems = []
    if not reader.html_lang:
        problems.append("<html> has no lang")
    if reader.head_text:
        problems.append(f"text in <head>, shown atop the page: {reader.head_text}")
    h1_count = reader.headings.count(1)
    if h1_count != 1:
        problems.append(f"{h1_count} h1 elements, expected exactly one")
    previous = 0
    for level in reader.headings:
        if level > previous + 1:
            problems.append(f"heading level skips from h{previous} to h{level}")
        previous = level
    for landmark in ("main", "banner", "contentinfo"):
        if reader.landmarks[landmark] != 1:
            problems.append(f"{reader.landmarks[landmark]} {landmark} landmarks, expected one")
    duplicates = sorted(name for name, count in Counter(reader.ids).items() if count > 1)
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    known_ids = set(reader.ids)
    for attribute, ref in reader.references:
        if ref not in known_ids:
            problems.append(f"{attribute} points to missing id {ref!r}")
    for target in sorted(reader.label_targets - known_ids):
        problems.append(f"label for missing id {target!r}")
    for src in reader.images_without_alt:
        problems.append(f"<img src={src!r}> has no alt")
    for attrs, inside_label in reader.controls:
        labelled = (
            inside_label
            or attrs.get("id") in reader.label_targets
            or attrs.get("aria-label")
            or attrs.get("aria-labelledby")
        )
        if not labelled:
            problems.append(f"form control {attrs.get('name') or attrs.get('id')!r} has no label")
    return problems


class _FormReader(HTMLParser):
    """The successful controls of one form (found by its id), with their current values."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.data = {}
        self.textareas = set()
        self._in_form = False
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(attrs["name"], []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.textareas.add(self._textarea)
            self.data[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_data(html, form_id):
    """What a browser would submit from the form with this id, unchanged by the user."""
    reader = _FormReader(form_id)
    reader.feed(html)
    reader.close()
    data = reader.data
    for name in reader.textareas:
        # A textarea's first newline belongs to the markup, not to the value.
        data[name] = data[name].removeprefix("\n")
    return data
