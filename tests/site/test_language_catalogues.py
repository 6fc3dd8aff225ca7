"""Every other language's interface catalogue matches the Japanese one entry for entry and
translates it whole: nothing missing, empty or fuzzy, the plural forms its header declares, and
every placeholder, tag and brace of the English kept, so that no page in that language falls back
to English or breaks when a value is put in."""

import re
import subprocess
from collections import Counter

import pytest
from django.conf import settings
from django.utils.translation import to_locale

from tests.site.test_translations import ROOT, po_entries

LOCALE = ROOT / "locale"
OTHER_LANGUAGES = sorted(
    path.parents[1].name
    for path in LOCALE.glob("*/LC_MESSAGES/django.po")
    if path.parents[1].name != "ja"
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd%]")
MARKUP = re.compile(r"<[^>]*>|&#?\w+;|[{}]")


def catalogue(locale):
    return (LOCALE / locale / "LC_MESSAGES" / "django.po").read_text()


def header(po_text):
    block = po_text.split('msgid ""\nmsgstr ""\n', 1)[1].split("\n\n", 1)[0]
    lines = "".join(re.findall(r'^"(.*)"$', block, flags=re.MULTILINE)).split("\\n")
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def test_each_catalogue_is_of_a_language_the_site_offers():
    offered = {to_locale(code) for code, _ in settings.LANGUAGES}
    assert set(OTHER_LANGUAGES) <= offered - {"en", "ja"}


@pytest.mark.parametrize("locale", OTHER_LANGUAGES)
def test_catalogue_translates_every_entry_of_the_japanese_one(locale):
    japanese = {entry[:3] for entry in po_entries(catalogue("ja"))}
    entries = po_entries(catalogue(locale))
    assert {entry[:3] for entry in entries} == japanese
    untranslated = [
        entry[:2] for entry in entries if entry[4] or not all(msgstr.strip() for msgstr in entry[3])
    ]
    assert untranslated == []
    assert "fuzzy" not in catalogue(locale)


@pytest.mark.parametrize("locale", OTHER_LANGUAGES)
def test_catalogue_header_names_its_language_and_plural_forms(locale):
    fields = header(catalogue(locale))
    assert fields["Language"] == locale
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    nplurals = int(re.match(r"nplurals=(\d+);", fields["Plural-Forms"]).group(1))
    plural_entries = [entry for entry in po_entries(catalogue(locale)) if entry[2]]
    assert plural_entries
    assert {len(entry[3]) for entry in plural_entries} == {nplurals}


@pytest.mark.parametrize("locale", OTHER_LANGUAGES)
def test_catalogue_keeps_every_placeholder_tag_and_brace(locale):
    changed = [
        (context, msgid, msgstr)
        for context, msgid, plural, msgstrs, _ in po_entries(catalogue(locale))
        for msgstr in msgstrs
        if set(PLACEHOLDER.findall(msgstr)) != set(PLACEHOLDER.findall(plural or msgid))
        or Counter(MARKUP.findall(msgstr)) != Counter(MARKUP.findall(plural or msgid))
    ]
    assert changed == []


@pytest.mark.parametrize("locale", OTHER_LANGUAGES)
def test_catalogue_compiles_with_formats_checked(locale, tmp_path):
    po = LOCALE / locale / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
