"""The donation form and the cheering-message form, cached whole by the web process, show a
change another process commits (staff's edit, a command) within a second or so: with Redis
(the token every process reads) and without it (the number in the database). So does the
donor's confirmation, whose organisation and campaign the web process keeps in memory
(jii_campaign/kept_content.py)."""

import os
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from tests.support.fake_stripe import donation_form
from tests.support.site_process import SiteProcess, manage, site_environment

pytestmark = pytest.mark.slow

MAKE_CAMPAIGN = "from tests.support.gifts import giving_campaign; giving_campaign()"
# Another process's edit, saved as the admin saves it (post_save tells the page cache).
EDIT = """
from campaigns.models import Campaign, ImpactTier
from jii_campaign.models import Organisation
tier = ImpactTier.objects.get(amount=3000)
tier.impact = "教科書を一冊届けられます"
tier.save()
campaign = Campaign.objects.get()
campaign.title = "春の応援キャンペーン"
campaign.min_amount = 2000
campaign.save()
Organisation(name="特定非営利活動法人春の会", short_name="春の会", email="a@example.jp").save()
"""


def wait_for(site, path, text, seconds=15):
    """Polls the page until it shows `text` (it should within a second)."""
    deadline = time.monotonic() + seconds
    while text not in site.get(path).text:
        assert time.monotonic() < deadline, f"{path} still does not show {text!r}"
        time.sleep(0.1)


def confirm_1000_yen(site):
    return site.post(
        "/donate/confirm/",
        data=donation_form(SimpleNamespace(slug="truth"), tier="other", other_amount="1000"),
    )


@pytest.mark.parametrize("with_redis", [False, True], ids=["without Redis", "with Redis"])
def test_an_edit_in_another_process_shows_on_the_cached_forms(tmp_path, with_redis):
    environment = {"DEBUG": "true", "LOG_LEVEL": "WARNING"}
    if with_redis:
        if not os.environ.get("REDIS_URL"):
            pytest.skip("no Redis for this run (REDIS_URL)")
        environment["REDIS_URL"] = os.environ["REDIS_URL"]
        cache.clear()  # the same Redis as this test process: no page of another test
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = site_environment(database_url, **environment)
    manage("migrate", "--noinput", env=env, timeout=300)
    manage("shell", "-c", MAKE_CAMPAIGN, env=env)
    site = SiteProcess(database_url, runserver=True, **environment)
    try:
        for path in ("/donate/", "/campaigns/truth/messages/new/"):
            for _ in range(2):  # the render, then the cached copy
                assert site.get(path).status_code == 200
        assert "教科書を一冊届けられます" not in site.get("/donate/").text
        assert confirm_1000_yen(site).status_code == 200

        manage("shell", "-c", EDIT, env=env)

        wait_for(site, "/donate/", "教科書を一冊届けられます")
        wait_for(site, "/campaigns/truth/messages/new/", "春の応援キャンペーン")
        # Below the new minimum: the form again, under the organisation's new name.
        refused = confirm_1000_yen(site)
        assert refused.status_code == 400 and "春の会" in refused.text
    finally:
        site.stop()
