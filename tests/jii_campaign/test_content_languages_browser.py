"""In Chromium, 事務局 switches the change form's second language with the selector (a plain
form, no JavaScript needed) under the site's CSP, and the page's note shows on a phone."""

import os

import pytest

from campaigns.models import ImpactTier
from jii_campaign.translation_reviews import TranslationReview
from programs.models import Program
from tests.support.gifts import small_campaign
from tests.support.staff_browser import signed_in_admin
from tests.support.staff_personas import SECRETARIAT, authenticator, member

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


@pytest.fixture
def program(db):
    return Program.objects.create(
        slug="hanamaru",
        name_ja="はなまるクラス",
        summary_ja="外国にルーツのある子どもたちの学びを支えます。",
        name_vi="Lớp học Hanamaru",
        summary_vi="Hỗ trợ việc học của trẻ em có nguồn gốc nước ngoài.",
        name_ne="हानामारु कक्षा",
    )


def signed_in_page(browser, base_url, viewport):
    staff = member("jimukyoku", SECRETARIAT, password="pw-for-tests-only")
    return signed_in_admin(
        browser, base_url, "jimukyoku", "pw-for-tests-only", authenticator(staff), viewport
    )


def test_the_selector_switches_the_language_without_javascript(browser, live_server, program):
    page = signed_in_page(browser, live_server.url, {"width": 1280, "height": 800})
    page.goto(f"/admin/programs/program/{program.pk}/change/?language=vi")

    page.select_option("#translation-language", "ne")
    page.get_by_role("button", name="この言語を表示").click()

    assert page.locator('input[name="name_ne"]').input_value() == "हानामारु कक्षा"
    assert page.locator('[name="name_vi"]').count() == 0
    assert page.locator('input[name="name_ne"]').get_attribute("lang") == "ne"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "admin-program-ne.png"), full_page=True)
    page.check("#id_translation_reviewed")
    page.get_by_role("button", name="保存して編集を続ける").click()
    assert TranslationReview.objects.filter(language="ne", object_id=program.pk).exists()
    assert page.csp_errors == []


def test_a_phone_shows_the_note_on_an_unchecked_page(browser, live_server, program):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()

    page.goto("/vi/programs/hanamaru/")

    note = page.locator(".translation-note")
    assert note.is_visible()
    assert note.locator("a[href^='mailto:']").count() == 1
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "program-vi-phone.png"))
    context.close()


@pytest.fixture
def campaign(db):
    campaign = small_campaign()
    campaign.title_ja = "マンスリーサポーター募集キャンペーン"
    campaign.title_ja_x_easy = "{毎月|まいつき} {応援|おうえん}する {人|ひと}を さがしています"
    campaign.title_vi = "Chiến dịch tìm Người ủng hộ hằng tháng"
    campaign.save()
    ImpactTier.objects.create(
        campaign=campaign,
        amount=3_000,
        impact_ja="外国人住民1人の手続きの困りごとを解決",
        impact_ja_x_easy="{外国|がいこく}の {人|ひと} 1{人|り}の {手続|てつづ}きを {助|たす}けます",
        impact_vi="Giúp một cư dân nước ngoài giải quyết một thủ tục",
    )
    return campaign


def test_the_campaign_and_its_rows_are_edited_in_easy_japanese(browser, live_server, campaign):
    page = signed_in_page(browser, live_server.url, {"width": 1280, "height": 800})
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/?language=ja-x-easy")

    assert page.locator('input[name="title_ja_x_easy"]').input_value().startswith("{毎月|まいつき}")
    assert page.locator('[name="tiers-0-impact_ja_x_easy"]').count() == 1
    assert page.locator('[name="title_vi"], [name="tiers-0-impact_vi"]').count() == 0
    if SHOTS:
        page.screenshot(
            path=os.path.join(SHOTS, "admin-campaign-ja-x-easy-desktop.png"), full_page=True
        )
    page.goto("/admin/campaigns/campaign/?unreviewed=ja-x-easy")
    assert page.get_by_role("link", name="マンスリーサポーター募集キャンペーン").is_visible()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "admin-campaign-list-not-reviewed-desktop.png"))
    assert page.csp_errors == []


def test_a_phone_shows_the_note_on_the_campaign_page(browser, live_server, campaign):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()

    page.goto("/vi/")

    assert page.locator(".translation-note").is_visible()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "campaign-vi-phone.png"))
    context.close()
