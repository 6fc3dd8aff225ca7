"""A monthly gift set to end on a date (`cancel_at`, with `cancel_at_period_end` false) shows its
end to staff and to the donor, and shows none once the end is removed."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import translation

from donations import tasks
from donations.models import Donation
from tests.support import stripe_events as se
from tests.support.gifts import small_campaign
from tests.support.stripe_events import pending
from tests.support.webhook_checks import NOTHING, counters, deliver

pytestmark = pytest.mark.django_db
DAY = 24 * 3600
# 2027-01-31 12:00 in Japan
ENDS = int(datetime.datetime(2027, 1, 31, 3, 0, tzinfo=datetime.UTC).timestamp())


@pytest.fixture
def campaign(db):
    return small_campaign()


def started_monthly(client, campaign):
    donation = pending(campaign, frequency="monthly", amount=3000)
    session = se.checkout_session(donation)
    at = int(time.time()) - 40 * DAY
    deliver(client, "checkout.session.completed", session, created=at)
    donation.refresh_from_db()
    return donation, session


def subscription(donation, session, cancel_at):
    return se.subscription_ending(
        donation,
        subscription_id=session["subscription"],
        customer_id=session["customer"],
        cancel_at=cancel_at,
    )


def admin_page(staff_client, donation):
    response = staff_client.get(f"/admin/donations/donation/{donation.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_end_date_is_stored_and_shown_to_staff(client, staff_client, campaign):
    donation, session = started_monthly(client, campaign)

    deliver(client, "customer.subscription.updated", subscription(donation, session, ENDS))

    donation.refresh_from_db()
    assert donation.cancel_at == datetime.datetime(2027, 1, 31, 3, 0, tzinfo=datetime.UTC)
    assert not donation.cancel_at_period_end
    assert "2027-01-31 に終了予定" in admin_page(staff_client, donation)
    # Still a monthly supporter until that date.
    assert counters(campaign) == {**NOTHING, "monthly_supporters": 1, "monthly_amount": 3000}


def test_the_manage_links_mail_says_when_a_gift_ends(client, campaign):
    donation, session = started_monthly(client, campaign)
    deliver(client, "customer.subscription.updated", subscription(donation, session, ENDS))

    tasks.send_manage_links.call("hanako@example.jp", "en")

    [message] = mail.outbox
    assert "Ends on 2027-01-31" in message.body


def test_a_removed_end_date_is_cleared(client, staff_client, campaign):
    donation, session = started_monthly(client, campaign)
    now = int(time.time())
    deliver(
        client,
        "customer.subscription.updated",
        subscription(donation, session, ENDS),
        created=now - 60,
    )

    deliver(
        client, "customer.subscription.updated", subscription(donation, session, None), created=now
    )

    donation.refresh_from_db()
    assert donation.cancel_at is None
    assert "に終了予定" not in admin_page(staff_client, donation)


def test_an_older_update_does_not_remove_a_newer_end_date(client, campaign):
    donation, session = started_monthly(client, campaign)
    now = int(time.time())
    deliver(
        client, "customer.subscription.updated", subscription(donation, session, ENDS), created=now
    )

    deliver(
        client,
        "customer.subscription.updated",
        subscription(donation, session, None),
        created=now - 60,
    )

    donation.refresh_from_db()
    assert donation.cancel_at is not None
    with translation.override("en"):
        assert donation.scheduled_end() == "Ends on 2027-01-31"


def test_a_cancelled_gift_shows_no_end_to_come(client, campaign):
    donation, session = started_monthly(client, campaign)
    deliver(client, "customer.subscription.updated", subscription(donation, session, ENDS))

    deliver(
        client,
        "customer.subscription.deleted",
        {**subscription(donation, session, ENDS), "status": "canceled"},
    )

    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELED
    assert donation.scheduled_end() == ""
