"""Reading the gettext catalogues under locale/ (the tests of each language's catalogue)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"


def catalogue(locale):
    """The text of a language's catalogue, by Django's locale name (ja, ja_X-easy, pt_BR…)."""
    return (LOCALE / locale / "LC_MESSAGES" / "django.po").read_text()


def po_entries(po_text):
    """(msgctxt, msgid, msgid_plural, msgstrs, fuzzy) for every entry but the header."""
    entries = []
    for block in po_text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue  # obsolete
        fields = {}
        current = None
        for line in block.splitlines():
            if match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
                current = match.group(1)
                fields[current] = match.group(2)
            elif current and (match := re.match(r'^"(.*)"$', line)):
                fields[current] += match.group(1)
        if not fields.get("msgid"):
            continue
        msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
        entries.append(
            (
                fields.get("msgctxt", ""),
                fields["msgid"],
                fields.get("msgid_plural", ""),
                msgstrs,
                "#, fuzzy" in block or ", fuzzy" in block,
            )
        )
    return entries
