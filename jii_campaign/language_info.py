"""Django's table of languages (LANG_INFO) completed with those the site offers that it lacks:
Tagalog. django-modeltranslation's admin asks it for each language's writing direction, and
raises KeyError for a code Django does not know. (やさしい日本語, "ja-x-easy", is found through
its generic code "ja".)"""

from django.conf.locale import LANG_INFO

MISSING = {
    "tl": {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"},
}


def complete():
    for code, info in MISSING.items():
        LANG_INFO.setdefault(code, info)
