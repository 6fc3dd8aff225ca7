"""A burst of gifts commits many changes a second. Each cached page is rendered again at most
every PAGE_CACHE_RERENDER_SECONDS (half a second in production), and every change still shows
within a second; the day still changes at midnight. Each process reads the version's token at
most every PAGE_CACHE_TOKEN_READ_SECONDS. (Elsewhere the tests set both to 0, so that a page
shows each change at once.)"""

import datetime
import gzip
import re
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from donations.models import CampaignProgress
from jii_campaign import page_cache
from tests.support.gifts import giving_campaign, offline_gift
from tests.support.html_checks import https_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(db):
    return giving_campaign()


@pytest.fixture
def client():
    return https_client()


def shown_raised(html):
    figures = re.search(r'id="progress-onetime-figures">(.*?)</dl>', html, re.S)[1]
    return int(re.search(r"<dd>¥([\d,]+)</dd>", figures)[1].replace(",", ""))


def visit(client, url="/"):
    """The page's HTML and the number of queries its answer took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_burst_of_gifts_does_not_render_the_page_again_within_the_window(
    client, campaign, settings
):
    settings.PAGE_CACHE_RERENDER_SECONDS = 60  # longer than the test, whatever the machine
    before = shown_raised(visit(client)[0])
    visit(client, "/donate/")

    for _ in range(5):
        offline_gift(campaign, amount=1_000)
    for url in ("/", "/donate/"):
        _, queries = visit(client, url)
        # Served as rendered before the gifts: no render (8 queries for the page), at most the
        # database's version read.
        assert queries <= 1, url

    assert shown_raised(visit(client)[0]) == before


def test_each_gift_shows_once_the_window_has_passed(client, campaign, settings):
    settings.PAGE_CACHE_RERENDER_SECONDS = 0.3
    before = shown_raised(visit(client)[0])

    offline_gift(campaign, amount=7_000)
    time.sleep(0.35)

    assert shown_raised(visit(client)[0]) == before + 7_000
    assert shown_raised(visit(client, "/en/")[0]) == before + 7_000


def test_at_midnight_the_days_left_change_within_the_window(
    client, campaign, settings, monkeypatch
):
    settings.PAGE_CACHE_RERENDER_SECONDS = 60
    today = timezone.localdate()
    campaign.ends_on = today + datetime.timedelta(days=10)
    campaign.save()
    html, _ = visit(client)
    assert "残り11日" in html  # counting today

    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: today + datetime.timedelta(1))

    html, _ = visit(client)
    assert "残り10日" in html


def test_while_another_request_renders_the_page_visitors_get_the_last_one_at_once(
    client, campaign, settings
):
    settings.PAGE_CACHE_RERENDER_SECONDS = 1
    before = shown_raised(visit(client)[0])
    offline_gift(campaign, amount=7_000)
    time.sleep(1.05)  # past the first window: the page is due to be rendered again
    (key,) = [key for key in page_cache._held if key.endswith(":/")]
    cache.add(page_cache.RENDERING + key, 1)  # a request of another process is rendering it

    html, queries = visit(client)
    assert shown_raised(html) == before and queries <= 1  # not rendered a second time

    cache.delete(page_cache.RENDERING + key)  # that render is stored or given up
    assert shown_raised(visit(client)[0]) == before + 7_000


def test_a_stale_page_is_never_served_two_windows_after_its_render(client, campaign, settings):
    settings.PAGE_CACHE_RERENDER_SECONDS = 0.2
    before = shown_raised(visit(client)[0])
    offline_gift(campaign, amount=7_000)
    time.sleep(0.45)  # past both windows
    (key,) = [key for key in page_cache._held if key.endswith(":/")]
    cache.add(page_cache.RENDERING + key, 1)  # a render elsewhere that never ends

    assert shown_raised(visit(client)[0]) == before + 7_000


def test_another_process_s_change_shows_once_this_one_reads_the_token_again(
    client, campaign, settings
):
    settings.PAGE_CACHE_TOKEN_READ_SECONDS = 1
    offline_gift(campaign, amount=3_000)  # the campaign's counters' row
    before = shown_raised(visit(client)[0])
    # Another process's gift, with Redis: its counter and a new token, nothing told to this one.
    CampaignProgress.objects.filter(pk=campaign.pk).update(
        onetime_raised=F("onetime_raised") + 7_000
    )
    cache.set(page_cache.VERSION_KEY, "another process's token")

    html, queries = visit(client)
    assert shown_raised(html) == before and queries <= 1  # the token read a moment ago stands

    time.sleep(1.05)
    assert shown_raised(visit(client)[0]) == before + 7_000


def test_past_both_windows_visitors_wait_for_the_render_under_way_rather_than_render_again(
    client, campaign, settings
):
    settings.PAGE_CACHE_RERENDER_SECONDS = 1
    visit(client)
    offline_gift(campaign, amount=7_000)
    time.sleep(2.05)  # past both windows: too stale to serve, even while it is rendered again
    (key,) = [key for key in page_cache._held if key.endswith(":/")]
    cache.add(page_cache.RENDERING + key, 1)  # a request of another process is rendering it

    def that_request_stores_its_render():
        time.sleep(0.3)
        body = cache.get(key)["body"].replace(b"</h1>", b" (rendered elsewhere)</h1>", 1)
        rendered = {"body": body, "gzip": gzip.compress(body), "stored_at": time.time()}
        cache.set(key, {**cache.get(key), **rendered})
        cache.delete(page_cache.RENDERING + key)

    other = threading.Thread(target=that_request_stores_its_render)
    other.start()
    html, queries = visit(client)
    other.join()

    assert "(rendered elsewhere)</h1>" in html and queries <= 1  # not rendered a second time
