"""English is complete: every UI string in the code has an English translation."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(".venv", ".git", "media", "staticfiles", "*.sqlite3", "__pycache__")


def untranslated(po_text):
    """msgids (other than the header) whose msgstr is empty or marked fuzzy."""
    missing = []
    for entry in po_text.split("\n\n"):
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', entry.split("msgstr")[0], re.M))
        msgstr = "".join(re.findall(r'"(.*)"', entry.split("msgstr", 1)[-1]))
        if msgid and ("#, fuzzy" in entry or not msgstr):
            missing.append(msgid)
    return missing


def test_every_ui_string_has_an_english_translation(tmp_path):
    # Extract the strings afresh from a copy of the code, as `makemessages` would after an edit.
    copy = tmp_path / "site"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--ignore=tests"],
        cwd=copy,
        check=True,
        capture_output=True,
    )

    po_text = (copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text()
    assert "ご寄付の内容の確認" in po_text
    assert untranslated(po_text) == []
