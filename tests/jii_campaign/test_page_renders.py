"""A cached page is rendered once per change, in a fresh process as after its own change: every
other visit is a hit (a page stored under a stale reading of the version was rendered twice)."""

import pytest
from django.test.signals import template_rendered

from campaigns.models import CampaignSection
from donations.models import CampaignProgress
from tests.support.gifts import giving_campaign
from tests.support.html_checks import https_client
from tests.support.personas import with_sections

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {"/": "campaign_pages/campaign.html", "/donate/": "donations/donate.html"}


@pytest.fixture
def campaign(db, settings):
    settings.PAGE_CACHE_VERSION_POLL_SECONDS = 60  # no reading of the version falls due by itself
    return with_sections(giving_campaign(), CampaignSection.Kind.MESSAGES)


class Renders:
    """How many times each template was rendered."""

    def __init__(self):
        self.names = []
        template_rendered.connect(self._count)

    def _count(self, sender, template, **kwargs):
        self.names.append(template.name)

    def of(self, name):
        return self.names.count(name)


@pytest.fixture
def renders():
    counter = Renders()
    yield counter
    template_rendered.disconnect(counter._count)


@pytest.mark.parametrize("url", PAGES)
def test_a_fresh_process_renders_a_page_once(campaign, renders, url):
    client = https_client()

    statuses = [client.get(url).status_code for _ in range(5)]

    assert statuses == [200] * 5
    assert renders.of(PAGES[url]) == 1


def a_gift(campaign):
    CampaignProgress.add(campaign.pk, onetime_raised=5_000)


def an_edit(campaign):
    campaign.save()


# The form shows no figures: only an edit makes it stale.
@pytest.mark.parametrize(("url", "change"), [("/", a_gift), ("/", an_edit), ("/donate/", an_edit)])
def test_after_a_change_the_page_is_rendered_once_then_served(campaign, renders, url, change):
    client = https_client()
    client.get(url)
    change(campaign)  # commits: a new version

    statuses = [client.get(url).status_code for _ in range(5)]

    assert statuses == [200] * 5
    assert renders.of(PAGES[url]) == 2  # the first visit's, and one after the change
