"""What staff see of supporters who stay in Chromium: the at-risk table and the four charts of
the dashboard, under the CSP, on a desktop and a phone."""

import datetime
import os

import pytest
from django.utils import timezone

from donations.models import CancelReason
from tests.support.gifts import small_campaign
from tests.support.monthly_supporters import failing, recovered, supporter
from tests.support.staff_personas import authenticator, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def some_supporters(campaign):
    now = timezone.now()
    for n in range(14):
        started = now - datetime.timedelta(days=25 * n + 3)
        ended = started + datetime.timedelta(days=70) if n % 4 == 1 else None
        reason = [CancelReason.MONEY, CancelReason.TEMPORARY, ""][n % 3]
        supporter(
            campaign,
            started,
            ended=ended if ended and ended < now else None,
            reason=reason,
            amount=[1000, 3000, 5000][n % 3],
        )
    failing(
        campaign,
        now - datetime.timedelta(days=90),
        code="expired_card",
        attempts=2,
        next_retry=now + datetime.timedelta(days=2),
    )
    failing(campaign, now - datetime.timedelta(days=40), code="insufficient_funds", attempts=4)
    recovered(campaign, now - datetime.timedelta(days=80))


@pytest.mark.parametrize("width", [1280, 390])
def test_the_retention_figures_show_on_the_dashboard(
    browser,
    live_server,
    django_user_model,
    width,
):
    campaign = small_campaign()
    some_supporters(campaign)
    staff = django_user_model.objects.create_superuser("staff", "s@example.org", "pw-for-tests")
    phone = authenticator(staff)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_errors.append(m.text))
    page.goto("/admin/login/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.fill("#id_code", current_code(phone))
    page.click("input[type=submit]")

    page.goto(f"/admin/donations/donation/dashboard/{campaign.pk}/")
    section = page.locator("section.retention")
    section.scroll_into_view_if_needed()
    if SHOTS:
        section.screenshot(path=os.path.join(SHOTS, f"retention-ja-{width}.png"))

    assert section.locator("table.at-risk tbody tr").count() == 2
    assert "カードの有効期限切れ" in section.inner_text()
    assert section.locator("figure.retention-chart svg").count() == 4
    box = section.locator("figure.retention-chart svg").first.bounding_box()
    assert 0 < box["width"] <= width
    assert csp_errors == []
    context.close()
