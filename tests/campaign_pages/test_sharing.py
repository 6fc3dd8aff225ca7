"""Link previews and share links: Open Graph and Twitter-card metadata with an image for the
campaign and each programme, canonical addresses, and share links with the campaign's hashtag."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.staticfiles import finders

from programs.models import Program
from tests.support.personas import SITE_PROGRAMME, bilingual_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    """A published campaign, its programme and pages, in both languages."""
    return bilingual_site()


def meta(html, attribute, name):
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return found and found.group(1)


def canonical(html):
    return re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)


def test_the_campaign_page_carries_its_preview_and_canonical_address(client, site):
    home = client.get("/").content.decode()
    own = client.get(f"/campaigns/{site.slug}/").content.decode()
    english = client.get("/en/").content.decode()

    url = f"http://testserver/campaigns/{site.slug}/"
    assert canonical(home) == canonical(own) == url  # "/" shows the featured campaign
    assert canonical(english) == f"http://testserver/en/campaigns/{site.slug}/"
    assert meta(home, "property", "og:title") == site.title_ja.replace('"', "&quot;")
    assert meta(home, "property", "og:url") == url
    image = meta(home, "property", "og:image")
    assert image.startswith("http://testserver/") and image.endswith(".png")
    assert finders.find(image.removeprefix("http://testserver/static/"))  # the file exists
    assert meta(home, "name", "twitter:card") == "summary_large_image"
    assert meta(home, "name", "twitter:image") == image


def test_a_programme_has_its_preview_and_hashtagged_share_links(client, site):
    slug = SITE_PROGRAMME
    html = client.get(f"/programs/{slug}/").content.decode()

    url = f"http://testserver/programs/{slug}/"
    assert canonical(html) == url
    assert meta(html, "property", "og:title") == Program.objects.get(slug=slug).name_ja
    assert meta(html, "property", "og:image").startswith("http://testserver/")
    tweet = re.search(r'href="(https://twitter.com/intent/tweet\?[^"]+)"', html).group(1)
    query = parse_qs(urlsplit(tweet.replace("&amp;", "&")).query)
    assert query["text"][0].startswith(f"#{site.share_hashtag} ") and query["url"] == [url]
