"""The campaign page is served whole from the cache, and changes as soon as a payment or an
edit commits (with the tests' render window of 0; in production within a second:
test_page_rerender_window.py): never waiting for a timeout."""

import gzip
import re

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import CampaignSection
from donations.models import CampaignProgress, Donation
from jii_campaign.models import PageVersion
from testimonials.models import SupportMessage
from tests.support import stripe_events as se
from tests.support.gifts import giving_campaign
from tests.support.html_checks import https_client
from tests.support.personas import with_sections
from tests.support.staff_personas import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(db):
    """A small published campaign whose form offers 3,000 and 10,000 yen, with its messages."""
    return with_sections(giving_campaign(), CampaignSection.Kind.MESSAGES)


@pytest.fixture
def client():
    return https_client()


def shown_raised(client, url="/"):
    """The one-time total the page shows, in yen."""
    html = client.get(url).content.decode()
    figures = re.search(r'id="progress-onetime-figures">(.*?)</dl>', html, re.S)[1]
    figure = re.search(r"<dd>¥([\d,]+)</dd>", figures)[1]
    return int(figure.replace(",", ""))


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code in (200, 304)
    return response, len(queries)


@pytest.fixture
def rare_version_reads(settings):
    """Between two readings of the database's part of the version (half a second apart in
    production), a cached page takes no query: a minute here, so that counts do not depend on
    how fast the test runs."""
    settings.PAGE_CACHE_VERSION_POLL_SECONDS = 60


def warm(client, url="/"):
    """Rendered, then served once (which may read the database's version)."""
    client.get(url)
    client.get(url)


def test_later_visits_are_served_from_the_cache_without_the_database(
    client, campaign, rare_version_reads
):
    _, cold = queries_for(client, "/")
    client.get("/")
    visits = [queries_for(client, "/") for _ in range(20)]

    assert cold > 0 and [queries for _, queries in visits] == [0] * 20
    response = visits[-1][0]
    assert response.status_code == 200 and campaign.title in response.content.decode()


def test_the_page_changes_as_soon_as_a_payment_commits(client, campaign):
    before = shown_raised(client)
    donation = se.pending(campaign, amount=7000)

    response = se.post_event(
        client, se.event("checkout.session.completed", se.checkout_session(donation))
    )

    assert response.status_code == 200
    assert shown_raised(client) == before + 7000
    assert shown_raised(client, "/en/") == before + 7000


def test_a_rolled_back_change_leaves_the_cached_page_in_place(client, campaign, rare_version_reads):
    warm(client)
    with pytest.raises(RuntimeError), transaction.atomic():
        CampaignProgress.add(campaign.pk, onetime_raised=5000)
        raise RuntimeError("rolled back")

    _, queries = queries_for(client, "/")
    assert queries == 0


def test_the_page_changes_as_soon_as_staff_approve_a_message(client, campaign, django_user_model):
    message = SupportMessage.objects.create(
        campaign=campaign, display_name="応援者", body="がんばってください"
    )
    assert "がんばってください" not in client.get("/").content.decode()
    staff = signed_in(django_user_model.objects.create_superuser("admin", "a@example.org", None))

    response = staff.post(
        reverse("admin:testimonials_supportmessage_changelist"),
        {"action": "approve", "_selected_action": [message.pk]},
    )

    assert response.status_code == 302
    assert "がんばってください" in client.get("/").content.decode()


def test_a_browser_revalidates_with_its_etag(client, campaign, rare_version_reads):
    warm(client)
    first = client.get("/")
    etag = first["ETag"]

    again, queries = queries_for(client, "/", if_none_match=etag)

    assert again.status_code == 304 and again.content == b"" and queries == 0
    assert again["ETag"] == etag
    CampaignProgress.add(campaign.pk, onetime_raised=1000)
    assert client.get("/", headers={"if-none-match": etag}).status_code == 200


def test_the_page_goes_out_gzipped_to_browsers_that_accept_it(client, campaign):
    plain = client.get("/")
    zipped = client.get("/", headers={"accept-encoding": "gzip, deflate, br"})

    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 3
    assert int(zipped["Content-Length"]) == len(zipped.content)


@pytest.mark.parametrize("url", ["/", "/en/"])
def test_the_cached_page_sets_no_cookie_and_varies_only_on_encoding(client, campaign, url):
    for _ in range(2):  # the render, then the cached copy
        response = client.get(url)
        assert response.cookies == {} and "Set-Cookie" not in response
        assert response["Vary"] == "Accept-Encoding"
        assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=0", "s-maxage=60"}
        assert response["Content-Language"] == (url.strip("/") or "ja")
    assert 'lang="en"' in client.get("/en/").content.decode()
    assert '<html lang="ja" dir="ltr">' in client.get("/").content.decode()


def test_a_cached_page_is_answered_only_for_allowed_hosts(client, campaign):
    warm(client)
    warm(client, "/en/")

    forged = client.get("/", headers={"host": "attacker.example"})
    forged_en = client.get("/en/", headers={"host": "attacker.example"})
    cold = client.get("/donate/", headers={"host": "attacker.example"})  # never cached

    assert cold.status_code == forged.status_code == forged_en.status_code == 400
    assert forged.content == cold.content
    assert client.get("/").status_code == 200


def test_a_change_told_only_through_the_database_shows_at_the_next_reading(
    client, campaign, settings
):
    """As the event worker or a command without Redis tells the web process: the number in the
    database, read at most every PAGE_CACHE_VERSION_POLL_SECONDS (at every hit here)."""
    settings.PAGE_CACHE_VERSION_POLL_SECONDS = 0
    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.ONCE, amount=3_000)
    before = shown_raised(client)
    assert before == 3_000
    assert shown_raised(client) == before
    # Another process's commit: no signal and no token in this process's cache.
    CampaignProgress.objects.filter(pk=campaign.pk).update(
        onetime_raised=F("onetime_raised") + 5000
    )
    PageVersion.objects.bulk_create(
        [PageVersion(pk=PageVersion.SINGLETON_ID)], ignore_conflicts=True
    )
    PageVersion.objects.update(number=F("number") + 1)

    assert shown_raised(client) == before + 5000
    assert shown_raised(client, "/en/") == before + 5000


def test_messages_waiting_for_their_gift_or_for_staff_leave_the_cached_pages_in_place(
    client, campaign, rare_version_reads
):
    """One donor in five leaves a message with the gift: none is shown before staff approve it,
    so none renders the pages again on its way to the queue."""
    warm(client)
    warm(client, "/donate/")
    message = SupportMessage.objects.create(
        campaign=campaign, body="届きますように", status=SupportMessage.Status.AWAITING_GIFT
    )
    message.release_after_gift()  # the gift is paid: the message waits for staff
    SupportMessage.objects.create(campaign=campaign, body="応援しています")  # from the form

    assert [queries_for(client, url)[1] for url in ("/", "/donate/")] == [0, 0]

    message.review(SupportMessage.Status.APPROVED)
    assert "届きますように" in client.get("/").content.decode()
    message.review(SupportMessage.Status.REJECTED)
    assert "届きますように" not in client.get("/").content.decode()
