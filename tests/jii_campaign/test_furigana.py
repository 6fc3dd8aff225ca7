"""Readings staff type as {漢字|かんじ} show as ruby above their kanji, escaped like any text,
and are left out of titles and descriptions; a reader switches them off without JavaScript."""

import pytest
from django.utils import translation

from jii_campaign.furigana import readings_in_brackets, with_ruby, without_readings
from programs.models import Program
from tests.support.language_sites import site_written_in

RUBY = "<ruby>{}<rp>(</rp><rt>{}</rt><rp>)</rp></ruby>"


def test_a_reading_becomes_ruby():
    assert with_ruby("{日本|にほん}で{暮|く}らす") == (
        RUBY.format("日本", "にほん") + "で" + RUBY.format("暮", "く") + "らす"
    )


def test_markup_typed_inside_a_reading_is_shown_as_text():
    html = with_ruby('{<b>字</b>|"じ"}{字|<script>}')
    assert "<b>" not in html and "<script>" not in html
    assert RUBY.format("&lt;script&gt;", "") not in html  # a side holding < is no reading
    assert "&lt;b&gt;字&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "typed",
    [
        "{漢字|かんじ",
        "{漢字}",
        "{|かんじ}",
        "{漢字|}",
        "{漢\n字|かんじ}",
        "{漢字|かん|じ}",
        "漢字|かんじ}",
    ],
)
def test_broken_notation_is_shown_as_typed(typed):
    assert str(with_ruby(typed)) == typed.replace("<", "&lt;")


def test_titles_and_descriptions_keep_only_the_kanji():
    assert without_readings("{日本|にほん}の{友|とも}だち") == "日本の友だち"


@pytest.fixture
def easy_programme(db):
    site_written_in("ja-x-easy")
    program = Program.objects.get()
    with translation.override("ja-x-easy"):
        program.name = "{近所|きんじょ}の　ともだち"
        program.summary = "{家族|かぞく}と　{家族|かぞく}が　あいます。"
        program.save()
    return program


def test_an_easy_japanese_page_shows_readings_and_a_switch_for_them(client, easy_programme):
    html = client.get("/ja-x-easy/programs/neighbours/").content.decode()

    assert f"<h1>{RUBY.format('近所', 'きんじょ')}の　ともだち</h1>" in html
    assert RUBY.format("家族", "かぞく") + "と" in html
    assert "<title>近所の　ともだち |" in html
    assert '<meta name="description" content="家族と　家族が　あいます。">' in html
    assert '<input type="checkbox" id="show-readings" checked>' in html


def test_other_languages_offer_no_reading_switch(client, easy_programme):
    html = client.get("/en/programs/neighbours/").content.decode()
    assert 'id="show-readings"' not in html
    # The easy Japanese shown for want of English keeps its readings, marked as such.
    assert f'<h1><span lang="ja-x-easy">{RUBY.format("近所", "きんじょ")}' in html


def test_readings_show_as_ruby_wherever_the_name_appears(client, easy_programme):
    html = client.get("/ja-x-easy/").content.decode()
    programme = client.get("/ja-x-easy/programs/neighbours/").content.decode()

    assert "{近所|きんじょ}" not in html and "{近所|きんじょ}" not in programme
    assert RUBY.format("近所", "きんじょ") in html  # the programme's card on the campaign page


def test_plain_text_mail_shows_readings_in_brackets():
    shown = readings_in_brackets("{活動|かつどう}の　{報告|ほうこく}")
    assert shown == "活動（かつどう）の　報告（ほうこく）"
