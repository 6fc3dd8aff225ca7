"""English source strings and a complete catalogue for every offered language but English (the
source), each with the plural forms of its language."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

from tests.support.catalogues import ROOT, po_entries

# Every offered language has a catalogue, under Django's locale name (ja_X-easy, zh_Hans, pt_BR).
CATALOGUES = {code: to_locale(code) for code, _name in settings.LANGUAGES if code != "en"}
# How many plural forms each language's catalogue declares (gettext's and CLDR's count).
PLURAL_FORMS = {
    **{"ja": 1, "ja-x-easy": 1, "zh-hans": 1, "vi": 1, "ko": 1},
    **{"pt-br": 2, "tl": 2, "ne": 2},
}
SKIP = shutil.ignore_patterns(".venv", ".git", "media", "staticfiles", "*.sqlite3", "__pycache__")
# Hiragana, katakana (full and half width) and the CJK ideographs.
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory):
    """The ja catalogue after extracting the strings afresh from a copy of the code, as
    `makemessages` would after an edit: new strings come out untranslated, changed ones fuzzy."""
    copy = tmp_path_factory.mktemp("catalogue") / "site"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--ignore=tests"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    entries = po_entries((copy / "locale" / "ja" / "LC_MESSAGES" / "django.po").read_text())
    assert any(msgid == "Confirm your donation" for _, msgid, *_ in entries)
    return entries


def test_every_msgid_is_english(fresh_catalogue):
    japanese = [
        (context, msgid, plural)
        for context, msgid, plural, *_ in fresh_catalogue
        if JAPANESE.search(context + msgid + plural)
    ]
    assert japanese == []


def test_every_ui_string_has_a_japanese_translation(fresh_catalogue):
    missing = [
        (context, msgid)
        for context, msgid, _, msgstrs, fuzzy in fresh_catalogue
        if fuzzy or not all(msgstrs)
    ]
    assert missing == []


def committed(language):
    path = ROOT / "locale" / CATALOGUES[language] / "LC_MESSAGES" / "django.po"
    assert path.is_file(), f"no catalogue for {language} at {path.relative_to(ROOT)}"
    return path.read_text()


@pytest.mark.parametrize("language", [code for code in CATALOGUES if code != "ja"])
def test_every_ui_string_is_translated_in_each_language(fresh_catalogue, language):
    theirs = {
        (context, msgid): (msgstrs, fuzzy)
        for context, msgid, _, msgstrs, fuzzy in po_entries(committed(language))
    }
    missing = [
        (context, msgid)
        for context, msgid, *_ in fresh_catalogue
        if (context, msgid) not in theirs
        or theirs[context, msgid][1]
        or not all(theirs[context, msgid][0])
    ]
    assert missing == []


@pytest.mark.parametrize("language", CATALOGUES)
def test_each_catalogue_declares_its_languages_plural_forms(language):
    header = re.search(r'"Plural-Forms: nplurals=(\d+);', committed(language))
    assert header and int(header.group(1)) == PLURAL_FORMS[language]


def test_the_committed_catalogue_is_the_one_the_code_needs(fresh_catalogue):
    committed = po_entries((ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po").read_text())
    assert {entry[:2] for entry in committed} == {entry[:2] for entry in fresh_catalogue}


def test_each_offered_language_but_english_has_a_catalogue():
    # English is the source language: an `en` catalogue could only drift from the code.
    assert sorted(path.name for path in (ROOT / "locale").iterdir()) == sorted(CATALOGUES.values())


def installed_japanese_catalogues() -> list[Path]:
    """The compiled ja catalogues Django loads besides ours: its own and those of every installed
    app that is not one of ours, wherever they are installed."""
    import django
    from django.apps import apps

    locale_dirs = [Path(django.__file__).parent / "conf" / "locale"]
    locale_dirs += [
        Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if Path(config.path).parent != ROOT  # our apps sit at the top of the project
    ]
    catalogues = [path / "ja" / "LC_MESSAGES" / "django.mo" for path in locale_dirs]
    return [mo for mo in catalogues if mo.is_file()]


def test_our_catalogue_leaves_djangos_own_translations_alone():
    # Our catalogue comes first, so an English msgid that Django also uses would change the
    # admin's Japanese; such strings need a context (pgettext).
    catalogues = installed_japanese_catalogues()
    # Django's own (django/conf/locale) and its admin's and auth's, at least.
    assert {"conf", "admin", "auth"} <= {mo.parents[3].name for mo in catalogues}, catalogues
    theirs = {}
    for mo in catalogues:
        with mo.open("rb") as file:
            # Keys: "msgid", "context\x04msgid", or (key, n) for the forms of a plural.
            for key, msgstr in gettext.GNUTranslations(file)._catalog.items():
                key, form = key if isinstance(key, tuple) else (key, 0)
                context, _, msgid = key.rpartition("\x04")
                if msgid:
                    theirs.setdefault((context, msgid), {})[form] = msgstr
    assert theirs[("", "Log in")] and theirs[("", "Change password")]
    ours = po_entries((ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po").read_text())

    overridden = [
        (context, msgid, msgstrs, theirs[context, msgid])
        for context, msgid, _, msgstrs, _ in ours
        if (context, msgid) in theirs
        and list(theirs[context, msgid].values())[: len(msgstrs)] != msgstrs
    ]
    assert overridden == []
