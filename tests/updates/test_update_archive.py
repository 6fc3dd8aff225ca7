"""The public archive of activity reports: /updates/ and each /updates/<slug>/, in Japanese and at
/en/ in English, with share tags; served whole from the cache until a report is saved, then
showing the change at once. Drafts stay out; the campaign page links to the archive."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.gifts import small_campaign
from tests.support.html_checks import https_client
from tests.support.update_factories import organisation, update

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return https_client()


@pytest.fixture
def reports(settings):
    settings.PAGE_CACHE_VERSION_POLL_SECONDS = 60
    organisation()
    campaign = small_campaign()
    return update(campaign), update(campaign, published=False)


def test_the_archive_lists_published_reports_in_both_languages(client, reports):
    published, draft = reports
    japanese = client.get("/updates/").content.decode()
    english = client.get("/en/updates/").content.decode()

    assert published.title_ja in japanese and "活動報告" in japanese
    assert published.title_en in english and "Activity reports" in english
    assert draft.title_ja not in japanese and draft.title_en not in english
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_report_page_in_both_languages_with_share_tags(client, reports):
    published, _ = reports
    japanese = client.get(f"/updates/{published.slug}/").content.decode()
    english = client.get(f"/en/updates/{published.slug}/").content.decode()

    assert "<p>日本語教室を開きました。</p>" in japanese
    assert "<p>We opened a Japanese class.</p>" in english
    assert f'<meta property="og:title" content="{published.title_ja}">' in japanese
    assert f'<meta property="og:title" content="{published.title_en}">' in english
    assert 'name="twitter:card"' in english


def test_pages_are_served_whole_from_the_cache_until_a_report_is_saved(client, reports):
    published, _ = reports
    for url in ("/updates/", f"/updates/{published.slug}/"):
        client.get(url)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and len(queries) == 0

    published.title_ja = "新しい題名"
    published.save()

    assert "新しい題名" in client.get("/updates/").content.decode()
    assert "新しい題名" in client.get(f"/updates/{published.slug}/").content.decode()


def test_the_campaign_page_links_to_the_archive(client, reports):
    published, _ = reports
    page = client.get(f"/campaigns/{published.campaign.slug}/").content.decode()
    assert 'href="/updates/"' in page and "活動報告" in page
    english = client.get(f"/en/campaigns/{published.campaign.slug}/").content.decode()
    assert 'href="/en/updates/"' in english and "Activity reports" in english
