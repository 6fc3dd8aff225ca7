"""The one check every test reads the counters through (tests/support/webhook_checks.counters)
refuses counters that drifted from the ledger, whichever of them drifted."""

import pytest

from donations.models import CampaignProgress, Payment
from tests.support.gifts import paid_once, small_campaign
from tests.support.webhook_checks import NOTHING, counters

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return small_campaign()


def test_a_campaign_without_gifts_reads_as_nothing(campaign):
    assert counters(campaign) == NOTHING


def test_counters_that_agree_with_the_ledger_are_read(client, campaign):
    paid_once(client, campaign, amount=5000)
    assert counters(campaign)["onetime_raised"] == 5000


def test_a_counter_moved_without_a_payment_is_refused(client, campaign):
    paid_once(client, campaign, amount=5000)
    CampaignProgress.objects.filter(pk=campaign.pk).update(onetime_raised=6000)
    with pytest.raises(AssertionError, match="disagree with the ledger"):
        counters(campaign)


def test_a_refunded_amount_that_disagrees_with_its_refunds_is_refused(client, campaign):
    paid_once(client, campaign, amount=5000)
    Payment.objects.filter(donation__campaign=campaign).update(refunded_amount=1000)
    with pytest.raises(AssertionError, match="disagree with the ledger"):
        counters(campaign)
