"""In Debian's Chromium: axe finds nothing on the public pages in each offered language, on a
phone and a desktop; the language menu works by keyboard and without JavaScript, keeping a
half-filled form; the readings switch hides furigana without JavaScript; a gift made in Nepali
goes through the local test checkout to a Nepali thank-you page."""

import os

import pytest
from django.utils import translation
from playwright.sync_api import expect

from donations.models import Donation
from programs.models import Program
from seed import loader as seed
from tests.support.accessibility import (
    VIEWPORTS,
    axe_violations_across_the_site,
    fill_form,
    new_page,
    tab_to,
)
from tests.support.language_sites import OFFERED, prefix

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# ja and en: tests/site/test_accessibility.py.
OTHERS = [code for code in OFFERED if code not in ("ja", "en")]


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    seed.load()
    return live_server.url


def translated(language, msgid):
    """The catalogue's translation, which must be one (Django would give the Japanese)."""
    with translation.override(language):
        text = translation.gettext(msgid)
    with translation.override("ja"):
        assert text not in (msgid, translation.gettext(msgid)), f"no {language} for {msgid!r}"
    return text


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", OTHERS)
def test_axe_finds_nothing_in_each_language(browser, site, viewport, language):
    page = new_page(browser, site, viewport)

    assert axe_violations_across_the_site(page, prefix(language)) == {}
    assert page.csp_errors == []


def test_the_menu_switches_a_half_filled_form_without_javascript(browser, site):
    page = new_page(browser, site, "phone", javascript=False)
    page.goto("/")
    page.check("input[name=tier][value=other]")
    page.fill("#id_other_amount", "4321")
    page.fill("#id_donor_name", "Ram Thapa")
    page.click("#donation-form button[type=submit]")  # no e-mail yet: the form with mistakes

    page.click(".language-menu summary")
    page.click(".language-form button[lang=ne]")

    assert page.evaluate("document.documentElement.lang") == "ne"
    expect(page.locator("#id_donor_name")).to_have_value("Ram Thapa")
    expect(page.locator("#id_other_amount")).to_have_value("4321")
    page.fill("#id_donor_email", "ram@example.org")
    page.check("#id_agree_terms")
    page.click("#donation-form button[type=submit]")
    page.click(".language-menu summary")
    page.click(".language-form button[lang=vi]")  # the confirmation, too

    assert page.evaluate("document.documentElement.lang") == "vi"
    expect(page.locator(".summary")).to_contain_text("¥4,321")
    expect(page.locator(".summary")).to_contain_text("Ram Thapa")
    page.click("form[action$='/donate/pay/'] button")
    page.click("button[value=pay]")
    page.click(".language-menu summary")
    page.click(".language-menu a[lang=ja-x-easy]")  # the thank-you page keeps its gift

    assert page.evaluate("document.documentElement.lang") == "ja-x-easy"
    assert "token=" in page.url
    expect(page.locator(".summary, main")).to_contain_text("¥4,321")


def test_the_menu_works_with_the_keyboard(browser, site):
    page = new_page(browser, site, "desktop")
    page.goto("/programs/otonarisan/")
    tab_to(page, ".language-menu summary")
    page.keyboard.press("Enter")
    tab_to(page, ".language-menu a[lang=ko]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("/ko/programs/otonarisan/")
    assert page.evaluate("document.documentElement.lang") == "ko"


def test_readings_switch_off_and_on_without_javascript(browser, site):
    Program.objects.filter(slug="otonarisan").update(name_ja_x_easy="{近所|きんじょ}の　ともだち")
    page = new_page(browser, site, "phone", javascript=False)
    page.goto("/ja-x-easy/programs/otonarisan/")
    reading = page.locator("h1 rt")

    expect(reading).to_have_text("きんじょ")
    expect(reading).to_be_visible()
    page.click("label:has(#show-readings)")
    expect(reading).to_be_hidden()
    assert page.locator("h1").inner_text().strip() == "近所の　ともだち"  # as rendered
    page.click("label:has(#show-readings)")
    expect(reading).to_be_visible()


def test_a_gift_in_nepali_through_the_local_test_checkout(browser, site):
    page = new_page(browser, site, "phone")
    page.goto("/ne/")
    fill_form(page, name="Ram Thapa")
    page.click("#donation-form button[type=submit]")
    page.click("form[action$='/donate/pay/'] button")
    page.click("button[value=pay]")

    page.wait_for_url("**/ne/donate/thanks/**")
    assert page.evaluate("document.documentElement.lang") == "ne"
    donation = Donation.objects.get(donor_name="Ram Thapa")
    assert donation.locale == "ne" and donation.payments.exists()
    expect(page.locator("h1")).to_have_text(translated("ne", "Thank you for your donation"))
