"""Django's own form messages (a field left empty, an e-mail address mistyped) in each offered
language: Django's catalogue where it ships one, the site's (jii_campaign/django_catalogues/)
for Tagalog, which it does not; never the Japanese a missing message would fall back to."""

import re

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import override

from tests.support.japanese_text import JAPANESE

KANA = re.compile(r"[\u3040-\u30ff]")
NOT_JAPANESE = [code for code, _ in settings.LANGUAGES if not code.startswith("ja")]
FIELDS = [
    (forms.CharField(), ""),
    (forms.EmailField(), "not-an-address"),
    (forms.IntegerField(), "three"),
    (forms.IntegerField(min_value=1000), "10"),
    (forms.CharField(max_length=3), "four"),
    (forms.ChoiceField(choices=[("monthly", "monthly")]), "yearly"),
]


def message(field, value):
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    return " ".join(refused.value.messages)


@pytest.mark.parametrize("language", NOT_JAPANESE)
def test_form_messages_are_never_japanese_in_another_language(language):
    japanese = KANA if language == "zh-hans" else JAPANESE
    with override(language):
        shown = [message(field, value) for field, value in FIELDS]
    assert [text for text in shown if japanese.search(text)] == []


def test_a_field_left_empty_says_so_in_tagalog():
    with override("tl"):
        assert message(forms.CharField(), "") == "Kailangang punan ang field na ito."
        assert message(forms.CharField(max_length=3), "four") == (
            "Tiyaking hindi hihigit sa 3 character ang halagang ito (mayroon itong 4)."
        )
