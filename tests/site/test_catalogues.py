"""The catalogues of the other interface languages follow the Japanese one entry for entry: every
msgid translated, with the placeholders, markup and plural forms the code fills in."""

import re
import subprocess

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import to_locale

from tests.support.catalogues import LOCALE, catalogue, po_entries

OFFERED = {to_locale(code): code for code, _name in settings.LANGUAGES}
TRANSLATED = sorted(path.parents[1].name for path in LOCALE.glob("*/LC_MESSAGES/django.po"))
TRANSLATED.remove("ja")
# What the code fills in or the browser reads: %(name)s, %s, %%, tags and entities, braces.
KEPT = re.compile(r"%\(\w+\)[sd]|%[sd]|%%|<[^>]+>|&#?\w+;|[{}]")


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalogue_has_the_japanese_entries_each_with_its_plural_forms(locale):
    text = catalogue(locale)
    nplurals = int(re.search(r'"Plural-Forms: nplurals=(\d+);', text).group(1))
    theirs = {(context, msgid): entry for context, msgid, *entry in po_entries(text)}
    japanese = {(context, msgid) for context, msgid, *_ in po_entries(catalogue("ja"))}
    assert set(theirs) == japanese
    problems = [
        key
        for key, (plural, msgstrs, fuzzy) in theirs.items()
        if fuzzy or not all(msgstrs) or (plural and len(msgstrs) != nplurals)
    ]
    assert problems == []
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in text
    assert f'"Language: {locale}\\n"' in text


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalogue_keeps_placeholders_and_markup(locale):
    changed = []
    for _context, msgid, plural, msgstrs, _fuzzy in po_entries(catalogue(locale)):
        wanted = sorted(KEPT.findall(msgid))
        for msgstr in msgstrs:
            found = sorted(KEPT.findall(msgstr))
            # A plural form may leave out the count (“one day left”), never add a name.
            if found != wanted and not (plural and set(found) <= set(KEPT.findall(msgid + plural))):
                changed.append((msgid, msgstr))
    assert changed == []


@pytest.mark.parametrize("locale", TRANSLATED)
def test_django_speaks_the_catalogue(locale):
    # Not merely something other than English: a missing entry would fall back to Japanese.
    msgstrs = {msgid: msgstrs for _c, msgid, _p, msgstrs, _f in po_entries(catalogue(locale))}
    with translation.override(OFFERED[locale]):
        confirm = translation.gettext("Confirm your donation")
        people = translation.ngettext("%(counter)s person", "%(counter)s people", 3)
    assert confirm == msgstrs["Confirm your donation"][0]
    assert people == msgstrs["%(counter)s person"][-1]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalogue_compiles_with_formats_checked(locale, tmp_path):
    po = LOCALE / locale / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
