"""In Chromium, the local test checkout (no Stripe key): a supporter asks for a link, signs in,
pauses a monthly gift and resumes it, in both languages, on a phone and a desktop; axe finds
nothing on any of the supporter's pages. Screenshots go to SUPPORTER_SHOTS when it is set."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.support.accessibility import VIEWPORTS, axe_violations, new_page
from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import small_campaign
from tests.support.supporter_gifts import EMAIL, card_monthly, card_once

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
LINK = re.compile(r"http://[^/]+(/(?:en/)?supporter/sign-in/open/\?token=\S+)")
PAUSED = {"": "一時停止中", "/en": "Paused until"}
SHOTS = os.environ.get("SUPPORTER_SHOTS")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_signing_in_and_pausing_in_the_browser(browser, live_server, settings, viewport, prefix):
    settings.SITE_URL = live_server.url
    campaign = small_campaign()
    card_once(campaign, amount=5000)
    monthly = card_monthly(campaign, amount=3000)
    page = new_page(browser, live_server.url, viewport)
    tag = f"{viewport}-{prefix.strip('/') or 'ja'}"
    found = {}

    page.goto(f"{prefix}/supporter/")  # not signed in: the sign-in form
    found["sign-in"] = axe_violations(page)
    shot(page, f"sign-in-{tag}")
    page.fill("#id_email", EMAIL)
    page.click("form[action$='/supporter/sign-in/'] button")
    found["sent"] = axe_violations(page)
    run_task_worker()
    [path] = LINK.findall(mail.outbox[-1].body)
    page.goto(path)
    page.click("form[action$='/supporter/sign-in/open/'] button")
    expect(page.locator(f"#gift-{monthly.pk}")).to_be_visible()
    found["page"] = axe_violations(page)
    shot(page, f"page-{tag}")

    page.click(f"a[href$='/supporter/gifts/{monthly.pk}/pause/']")
    found["pause"] = axe_violations(page)
    shot(page, f"pause-{tag}")
    page.check("input[name=months][value='2']")
    page.click(f"form[action$='/gifts/{monthly.pk}/pause/'] button")
    expect(page.locator(f"section:has(#gift-{monthly.pk}) dl")).to_contain_text(PAUSED[prefix])
    found["paused"] = axe_violations(page)
    shot(page, f"paused-{tag}")

    page.click(f"a[href$='/supporter/gifts/{monthly.pk}/resume/']")
    page.click(f"form[action$='/gifts/{monthly.pk}/resume/'] button")
    expect(page.locator(f"a[href$='/supporter/gifts/{monthly.pk}/pause/']")).to_be_visible()
    monthly.refresh_from_db()
    assert monthly.paused_until is None
    assert {name: problems for name, problems in found.items() if problems} == {}
