"""A pause of N months skips exactly the next N charges of a monthly card gift, whatever the
time of day it is begun: Stripe keeps the gift's billing time (a calendar month after the
latest charge) and voids every invoice drafted before `resumes_at`. The day the donor is told
charges begin again (the confirmation, the page, the e-mail) is the next charge the page shows."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from donations.models import Donation
from jii_campaign.months import add_months
from tests.support.fake_stripe import form_fields, run_task_worker
from tests.support.supporter_gifts import card_monthly, signed_in, stripe_holds_subscription

pytestmark = pytest.mark.django_db(transaction=True)


def _today_end():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))


def charged_at(donation, moment):
    donation.payments.update(paid_at=moment)
    return moment


def before_todays_charge(donation):
    """Today is a charge day in Japan and its charge has not run yet: the latest was a month
    before a time later today."""
    now = timezone.now()
    due_today = now + (_today_end() - now) / 2
    return charged_at(donation, add_months(due_today, -1))


def after_todays_charge(donation):
    return charged_at(donation, timezone.now() - datetime.timedelta(minutes=1))


def past_due(donation):
    """Last month's charge failed three days ago; the one before was paid."""
    Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.PAST_DUE)
    missed = timezone.now() - datetime.timedelta(days=3)
    return charged_at(donation, add_months(missed, -1))


def pause(client, donation, months):
    """Confirms the pause as a donor does; returns the confirmation page it read."""
    path = f"/en/supporter/gifts/{donation.pk}/pause/"
    confirmation = client.get(path)
    assert confirmation.status_code == 200
    response = client.post(path, {**form_fields(confirmation, path), "months": str(months)})
    assert response.status_code == 302
    return confirmation.content.decode()


def resumes_at_sent(fake, donation):
    [call] = fake.requests_to("POST", f"/v1/subscriptions/{donation.stripe_subscription_id}")
    assert call.params["pause_collection[behavior]"] == "void"
    stamp = int(call.params["pause_collection[resumes_at]"])
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)


def rhythm(last, count=6):
    return [add_months(last, k) for k in range(1, count + 1)]


def shown_dates(client, donation):
    page = client.get("/en/supporter/").content.decode()
    [paused_until] = re.findall(r"Paused until (\d{4}-\d\d-\d\d)", page)
    [next_charge] = re.findall(r"around (\d{4}-\d\d-\d\d), ", page)
    run_task_worker()
    [message] = mail.outbox
    mailed = re.findall(r"\d{4}-\d\d-\d\d", message.body)
    return [paused_until], [next_charge], mailed


@pytest.mark.parametrize("months", [1, 2, 3])
@pytest.mark.parametrize("moment", [before_todays_charge, after_todays_charge, past_due])
def test_a_pause_skips_exactly_the_next_charges_and_says_when_they_begin_again(
    client, campaign, fake_stripe, moment, months
):
    donation = card_monthly(campaign)
    last = moment(donation)
    stripe_holds_subscription(fake_stripe, donation)
    signed_in(client)
    began = timezone.now()
    confirmation = pause(client, donation, months)

    resumes_at = resumes_at_sent(fake_stripe, donation)
    upcoming = [charge for charge in rhythm(last) if charge > began]
    voided = [charge for charge in upcoming if charge < resumes_at]
    assert voided == upcoming[:months]
    again = timezone.localdate(upcoming[months]).isoformat()
    assert f"Next charge: around {again}, ¥3,000" in confirmation
    assert shown_dates(client, donation) == ([again], [again], [again])


def test_with_no_charge_known_yet_a_pause_lasts_through_the_day_months_from_today(
    client, campaign, fake_stripe
):
    donation = card_monthly(campaign)
    donation.payments.all().delete()  # its first invoice's payment not yet recorded
    stripe_holds_subscription(fake_stripe, donation)
    signed_in(client)
    confirmation = pause(client, donation, 2)

    last_day = add_months(timezone.localdate(), 2)
    day_after = datetime.datetime.combine(last_day, datetime.time()) + datetime.timedelta(days=1)
    expected = timezone.make_aware(day_after) - datetime.timedelta(seconds=1)
    assert resumes_at_sent(fake_stripe, donation) == expected
    assert f"Next charge: around {last_day.isoformat()}, ¥3,000" in confirmation
    page = client.get("/en/supporter/").content.decode()
    assert f"Paused until {last_day.isoformat()}" in page
