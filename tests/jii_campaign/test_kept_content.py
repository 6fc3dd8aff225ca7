"""What every uncached page reads (the organisation, the footer's pages, the campaigns open for
gifts) is kept in each process's memory while the content's version holds: a donor's
confirmation reads none of it again, and a staff edit shows on the next page all the same.
(tests/site/test_cached_forms_every_process.py: an edit in another process.)"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jii_campaign.models import Organisation
from tests.support.fake_stripe import donation_form
from tests.support.gifts import giving_campaign

pytestmark = pytest.mark.django_db(transaction=True)
CONTENT_TABLES = (
    "campaigns_campaign",
    "campaigns_impacttier",
    "jii_campaign_organisation",
    "jii_campaign_infopage",
)


@pytest.fixture
def campaign(db):
    return giving_campaign()


def confirmation(client, campaign, **fields):
    """The confirmation's answer and the content rows it read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/donate/confirm/", donation_form(campaign, **fields))
    tables = [t for q in queries for t in CONTENT_TABLES if f'FROM "{t}"' in q["sql"]]
    return response, tables


def test_a_confirmation_reads_no_content_the_one_before_it_read(campaign):
    _, first = confirmation(Client(), campaign)
    assert set(first) == set(CONTENT_TABLES)

    response, again = confirmation(Client(), campaign, donor_email="ken@example.jp")

    assert response.status_code == 200 and "ken@example.jp" in response.content.decode()
    assert again == []


def test_staff_edits_show_on_the_next_confirmation(campaign):
    response, _ = confirmation(Client(), campaign, tier="other", other_amount="1000")
    assert response.status_code == 200

    Organisation.objects.create(
        name="特定非営利活動法人春の会", short_name="春の会", email="a@example.jp"
    )
    campaign.min_amount = 2000
    campaign.save()

    response, _ = confirmation(Client(), campaign, tier="other", other_amount="1000")
    assert response.status_code == 400  # below the new minimum: the form again, with the error
    assert "春の会" in response.content.decode()
