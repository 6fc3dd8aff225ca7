"""What staff see in Chromium: the donations list fits 1280 px, the dashboard draws its charts
under the CSP without scripts."""

import os

import pytest

from donations.models import Donation
from tests.support.staff_browser import signed_in_admin
from tests.support.staff_personas import authenticator

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


@pytest.fixture
def staff_page(browser, live_server, campaign, django_user_model):
    staff = django_user_model.objects.create_superuser(
        "staff", "s@example.org", "pw-for-tests-only"
    )
    page = signed_in_admin(
        browser, live_server.url, "staff", "pw-for-tests-only", authenticator(staff)
    )
    yield page
    page.context.close()


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_donations_list_shows_its_key_columns_at_1280_px(staff_page, campaign):
    Donation.record_offline(
        campaign=campaign,
        frequency="monthly",
        amount=123_456,
        donor_name="とても長い名前の寄付者さま・株式会社サンプル商事 代表取締役",
        donor_email="a-very-long-address-for-testing@example.jp",
    )
    staff_page.goto("/admin/donations/donation/")
    shot(staff_page, "donations-list-1280")

    for column in [
        "amount_yen",
        "status",
        "frequency",
        "way_paid",
        "donor",
        "created_on",
    ]:
        box = staff_page.locator(f"th.column-{column}").bounding_box()
        assert box and box["x"] + box["width"] <= 1280, column
    width = staff_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280


def test_the_dashboard_draws_its_charts_without_csp_errors(staff_page, campaign):
    staff_page.goto(f"/admin/donations/donation/dashboard/{campaign.pk}/")
    shot(staff_page, "dashboard-1280")

    assert staff_page.locator(".chart svg rect").count() == 42
    assert staff_page.csp_errors == []
