"""The donation form and the cheering-message form are served whole from the page cache, gzipped
and with an ETag, like the campaign page; the message form's CSRF token is each visitor's own,
written into the cached bytes per response. A form re-rendered with what someone typed is never
cached and never shown to anyone else."""

import gzip
import random
import re

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign, ImpactTier
from donations.models import Donation
from jii_campaign import cache_outage, page_cache
from jii_campaign.models import PageVersion
from testimonials.models import SupportMessage
from tests.support.fake_stripe import donation_form, form_fields
from tests.support.gifts import giving_campaign, offline_gift

pytestmark = pytest.mark.django_db(transaction=True)
MESSAGE_FORM = "/campaigns/truth/messages/new/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def campaign(db, settings):
    """The small campaign with tiers of 3,000, 5,000 and 10,000 yen. Between two readings of the
    database's version (half a second apart in production) a cached page takes no query: a
    minute here, so that counts do not depend on how fast the test runs."""
    settings.PAGE_CACHE_VERSION_POLL_SECONDS = 60
    return giving_campaign()


def visitor():
    return Client(enforce_csrf_checks=True)


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def token_in(response):
    return TOKEN.search(response.content.decode())[1]


def message(**fields):
    return {"display_name": "", "body": "がんばって", "relation": "", "consent": "on", **fields}


@pytest.mark.parametrize("url", ["/donate/", "/en/donate/", MESSAGE_FORM])
def test_later_visits_are_served_from_the_cache_without_the_database(campaign, url):
    client = visitor()
    client.get(url)

    visits = [queries_for(client, url) for _ in range(10)]

    assert [queries for _, queries in visits] == [0] * 10
    assert all(response.status_code == 200 for response, _ in visits)


@pytest.mark.parametrize("url", ["/donate/", MESSAGE_FORM])
def test_the_form_goes_out_gzipped_and_revalidates_with_its_etag(campaign, url):
    client = visitor()
    plain = client.get(url)
    zipped = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})

    assert zipped["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert int(zipped["Content-Length"]) == len(zipped.content)
    unzipped = gzip.decompress(zipped.content).decode()
    assert TOKEN.sub("", unzipped) == TOKEN.sub("", plain.content.decode())
    again = client.get(url, headers={"if-none-match": plain["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_donation_form_is_a_public_page(campaign):
    for _ in range(2):  # the render, then the cached copy
        response = visitor().get("/donate/")
        assert response.cookies == {} and response["Vary"] == "Accept-Encoding"
        assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=0", "s-maxage=60"}


@pytest.mark.parametrize(
    ("query", "checked"),
    [("", "3000"), ("?campaign=truth&amount=10000", "10000"), ("?amount=5000", "5000")],
)
def test_a_tier_link_opens_the_form_with_its_amount_chosen(campaign, query, checked):
    for _ in range(2):  # the render, then the cached copy
        html = visitor().get(f"/donate/{query}").content.decode()
        chosen = re.findall(r'<input type="radio" name="tier" value="(\w+)"[^>]* checked', html)
        assert chosen == [checked]


def test_the_cancelled_checkout_notice_shows_only_on_its_own_address(campaign):
    notice = "お手続きは完了していません"
    for _ in range(2):
        assert notice in visitor().get("/donate/?canceled=1").content.decode()
        assert notice not in visitor().get("/donate/").content.decode()


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("?amount=12345", "/donate/"),  # within the campaign's range, but not a tier
        ("?amount=abc&frequency=once", "/donate/?frequency=once"),
        ("?campaign=nowhere&amount=3000", "/donate/?amount=3000"),
        ("?campaign=truth&amount=03000", "/donate/?campaign=truth"),
        ("?frequency=yearly&canceled=yes", "/donate/"),
    ],
)
def test_an_address_the_form_does_not_know_is_redirected_to_one_it_does(campaign, query, location):
    client = visitor()

    response = client.get(f"/donate/{query}")

    assert response.status_code == 302 and response["Location"] == location
    assert client.get(location).status_code == 200


def test_random_addresses_cannot_fill_the_cache(campaign):
    client = visitor()
    client.get("/donate/")
    held = len(page_cache._held)
    rendered = []

    def count(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    try:
        statuses = {
            client.get(f"/donate/?amount={random.randrange(1, 10**7)}&x={n}").status_code
            for n in range(50)
        }
    finally:
        template_rendered.disconnect(count)

    assert statuses == {302}
    assert rendered == [] and len(page_cache._held) == held


def test_a_long_or_odd_value_is_redirected_without_touching_the_cache(campaign, recwarn):
    """Not even looked up: a key built from it would be as long as the attacker likes (and
    Django warns in the logs about every such key)."""
    client = visitor()

    for value in ("9" * 300, "<script>", "五千"):
        response = client.get(f"/donate/?campaign=truth&amount={value}")
        assert response.status_code == 302 and response["Location"] == "/donate/?campaign=truth"

    assert [str(w.message) for w in recwarn if "Cache key" in str(w.message)] == []


def test_a_new_tier_shows_on_the_cached_form_once_staff_save_it(campaign):
    client = visitor()
    assert "¥7,000" not in client.get("/donate/").content.decode()

    ImpactTier.objects.create(campaign=campaign, amount=7_000, impact="七千円でできること")

    assert "¥7,000" in client.get("/donate/").content.decode()
    assert client.get("/donate/?amount=7000").status_code == 200


def test_a_change_told_only_through_the_database_shows_on_the_cached_forms(campaign, settings):
    """As another process without Redis tells this one: the number in the database."""
    settings.PAGE_CACHE_VERSION_POLL_SECONDS = 0
    client = visitor()
    for url in ("/donate/", MESSAGE_FORM):
        client.get(url)
        client.get(url)
    ImpactTier.objects.filter(campaign=campaign, amount=3_000).update(impact="新しい説明")
    Campaign.objects.filter(pk=campaign.pk).update(title="新しい題名")
    PageVersion.objects.bulk_create(
        [PageVersion(pk=PageVersion.SINGLETON_ID)], ignore_conflicts=True
    )
    PageVersion.objects.update(number=F("number") + 1, content_number=F("content_number") + 1)

    assert "新しい説明" in client.get("/donate/").content.decode()
    assert "新しい題名" in client.get(MESSAGE_FORM).content.decode()


def test_gifts_leave_the_cached_forms_in_place(campaign):
    """The forms show no figures: a burst of gifts renders the campaign page again, not them."""
    client = visitor()
    for url in ("/donate/", MESSAGE_FORM):
        client.get(url)

    offline_gift(campaign, amount=7_000)

    assert [queries_for(client, url)[1] for url in ("/donate/", MESSAGE_FORM)] == [0, 0]
    assert "¥7,000" in client.get("/").content.decode()


def test_gifts_told_only_through_the_database_leave_the_cached_forms_in_place(campaign, settings):
    """As the event worker without Redis tells the web process of a gift: the number of any
    change is raised, the content's is not."""
    settings.PAGE_CACHE_VERSION_POLL_SECONDS = 0
    client = visitor()
    for url in ("/donate/", MESSAGE_FORM):
        client.get(url)
    PageVersion.objects.bulk_create(
        [PageVersion(pk=PageVersion.SINGLETON_ID)], ignore_conflicts=True
    )
    PageVersion.objects.update(number=F("number") + 1)

    # The version's reading, and no render.
    assert [queries_for(client, url)[1] for url in ("/donate/", MESSAGE_FORM)] == [1, 1]


def test_each_visitor_gets_a_csrf_cookie_and_a_token_of_their_own(campaign):
    ann, ben = visitor(), visitor()
    ann.get(MESSAGE_FORM)  # the render; what follows is served from the cache

    first_ann, first_ben = ann.get(MESSAGE_FORM), ben.get(MESSAGE_FORM)
    ann_token, ben_token = token_in(first_ann), token_in(first_ben)

    assert ann.cookies["csrftoken"].value != ben.cookies["csrftoken"].value
    assert ann_token != ben_token
    assert "Cookie" in first_ben["Vary"] and "csrftoken" in first_ben.cookies
    assert set(first_ben["Cache-Control"].split(", ")) == {"private", "max-age=0"}
    assert first_ann["ETag"] != first_ben["ETag"]
    # Ann's copy is not Ben's: her ETag gets him the page with his own token.
    for_ben = ben.get(MESSAGE_FORM, headers={"if-none-match": first_ann["ETag"]})
    assert for_ben.status_code == 200 and ann_token not in for_ben.content.decode()
    # A token works with its own visitor's cookie only.
    refused = ben.post(MESSAGE_FORM, message(csrfmiddlewaretoken=ann_token))
    assert refused.status_code == 403
    sent = ben.post(MESSAGE_FORM, message(csrfmiddlewaretoken=ben_token))
    assert sent.status_code == 302
    assert SupportMessage.objects.count() == 1


def test_the_gzipped_form_carries_the_visitors_own_working_token(campaign):
    ann = visitor()
    ann.get(MESSAGE_FORM)

    zipped = ann.get(MESSAGE_FORM, headers={"accept-encoding": "gzip"})
    token = TOKEN.search(gzip.decompress(zipped.content).decode())[1]

    assert ann.post(MESSAGE_FORM, message(csrfmiddlewaretoken=token)).status_code == 302


def test_what_one_visitor_typed_is_never_shown_to_another(campaign):
    ann, ben = visitor(), visitor()
    ann_token = token_in(ann.get(MESSAGE_FORM))

    mistaken = ann.post(
        MESSAGE_FORM, message(body="アンの秘密の応援", consent="", csrfmiddlewaretoken=ann_token)
    )

    assert mistaken.status_code == 400 and "アンの秘密の応援" in mistaken.content.decode()
    assert set(mistaken["Cache-Control"].split(", ")) == {"private", "no-store"}
    for _ in range(2):
        html = ben.get(MESSAGE_FORM).content.decode()
        assert "アンの秘密の応援" not in html and ann_token not in html
    refilled = visitor().post("/donate/", {"campaign": "truth", "donor_name": "佐藤 花子"})
    assert set(refilled["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert "佐藤 花子" not in visitor().get("/donate/").content.decode()


def test_the_language_switch_keeps_a_half_filled_form_and_shows_it_to_no_one_else(campaign):
    donor = visitor()
    donor.get("/en/donate/")  # the English form cached whole
    typed = donation_form(campaign, donor_name="佐藤 花子", donor_email="")
    refilled = donor.post("/donate/", typed)

    switched = donor.post("/en/donate/", form_fields(refilled, "/en/donate/"))

    html = switched.content.decode()
    assert switched.status_code == 200 and 'lang="en"' in html and "佐藤 花子" in html
    assert set(switched["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert "佐藤 花子" not in visitor().get("/en/donate/").content.decode()


def test_while_redis_is_down_the_form_is_rendered_with_a_working_token(campaign, monkeypatch):
    monkeypatch.setattr(cache_outage, "_skip_until", float("inf"))  # left alone after a failure
    ann = visitor()

    page = ann.get(MESSAGE_FORM)

    assert "placeholder" not in page.content.decode()
    sent = ann.post(MESSAGE_FORM, message(csrfmiddlewaretoken=token_in(page)))
    assert sent.status_code == 302


def test_the_confirmation_and_thank_you_pages_are_kept_by_no_cache(campaign):
    donor = visitor()
    confirmation = donor.post("/donate/confirm/", donation_form(campaign))
    token = re.search(r'name="token" value="([^"]+)"', confirmation.content.decode())[1]
    paid = donor.post(
        "/donate/pay/",
        {**donation_form(campaign), "token": token, "csrfmiddlewaretoken": token_in(confirmation)},
    )
    assert paid.status_code == 303  # to the local stand-in for Checkout
    thanks = donor.get(f"/donate/thanks/?token={Donation.objects.get().checkout_token}")

    for response in (confirmation, thanks):
        assert response.status_code == 200
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_a_cached_form_is_stored_once_around_its_token(campaign):
    """A form with a token is served only from its bytes around the token's placeholder: the
    cache holds those, not also a whole copy and its gzip that no response would use."""
    visitor().get(MESSAGE_FORM)

    (entry,) = [page_cache._held[key] for key in page_cache._held if MESSAGE_FORM in key]

    assert entry["parts"] and entry["deflated"]
    assert "body" not in entry and "gzip" not in entry
