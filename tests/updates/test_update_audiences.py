"""Who receives an activity report: only addresses that agreed and whose mail was not stopped,
narrowed to running monthly supporters or to one campaign's donors; each in their language."""

import pytest

from donations.models import Donation
from tests.support.gifts import small_campaign
from tests.support.update_factories import supporter
from updates.audiences import languages_of, recipients
from updates.models import Update

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns():
    return small_campaign("first"), small_campaign("second")


def test_everyone_who_agreed_and_still_receives_mail(campaigns):
    first, second = campaigns
    supporter("agreed@example.jp", first)
    supporter("Mixed.Case@Example.jp", second)
    supporter("declined@example.jp", first, consent=False)
    supporter("bounced@example.jp", first, stopped=True)

    assert recipients(Update.Audience.CONSENTING) == ["agreed@example.jp", "mixed.case@example.jp"]


def test_monthly_supporters_only_while_their_gift_runs(campaigns):
    first, _ = campaigns
    supporter("monthly@example.jp", first, monthly=True)
    supporter("overdue@example.jp", first, monthly=True, status=Donation.Status.PAST_DUE)
    supporter("ended@example.jp", first, monthly=True, status=Donation.Status.CANCELED)
    supporter("once@example.jp", first)
    supporter("quiet@example.jp", first, monthly=True, consent=False)
    supporter("stopped@example.jp", first, monthly=True, stopped=True)

    assert recipients(Update.Audience.MONTHLY) == ["monthly@example.jp", "overdue@example.jp"]


def test_donors_of_one_campaign_whose_money_arrived(campaigns):
    first, second = campaigns
    supporter("first@example.jp", first)
    supporter("second@example.jp", second)
    supporter("refunded@example.jp", first, status=Donation.Status.REFUNDED)
    supporter("unpaid@example.jp", first, status=Donation.Status.PENDING)
    supporter("quiet@example.jp", first, consent=False)
    supporter("stopped@example.jp", first, stopped=True)

    assert recipients(Update.Audience.CAMPAIGN, first) == ["first@example.jp"]
    assert recipients(Update.Audience.CAMPAIGN, second) == ["second@example.jp"]
    assert recipients(Update.Audience.CAMPAIGN, None) == []


def test_language_is_the_chosen_one_else_the_last_gifts(campaigns):
    first, second = campaigns
    supporter("chose@example.jp", first, locale="ja", language="en")
    supporter("gave@example.jp", first, locale="ja")
    supporter("gave@example.jp", second, locale="en")

    assert languages_of(["chose@example.jp", "gave@example.jp", "nobody@example.jp"]) == {
        "chose@example.jp": "en",
        "gave@example.jp": "en",
        "nobody@example.jp": "ja",
    }
