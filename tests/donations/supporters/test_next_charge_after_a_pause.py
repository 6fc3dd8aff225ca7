"""The supporter page's next charge while a monthly gift is paused: Stripe keeps the gift's day
of the month (a pause voids the charges that fall in it and moves nothing), so the next charge
is the first such day once the pause is over, not the day the pause ends."""

import datetime

import pytest
from django.utils import timezone

from jii_campaign.months import add_months
from tests.support.fake_stripe import form_fields
from tests.support.supporter_gifts import card_monthly, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pause_ending_mid_month_shows_the_charge_on_the_gifts_own_day(client, campaign):
    donation = card_monthly(campaign)
    paid = timezone.now() - datetime.timedelta(days=17)
    donation.payments.update(paid_at=paid)
    donation.paused_until = timezone.now() + datetime.timedelta(days=30)
    donation.save(update_fields=["paused_until"])
    signed_in(client)

    page = client.get("/supporter/").content.decode()

    charge_day = add_months(timezone.localdate(paid), 2)  # the one inside the pause is skipped
    assert f"{charge_day.isoformat()} ごろ" in page
    resumes = timezone.localdate(donation.paused_until).isoformat()
    assert f"{resumes} ごろ" not in page


def test_a_months_pause_begun_on_the_day_of_a_charge_skips_the_next_charge(client, campaign):
    donation = card_monthly(campaign)  # charged a moment ago
    signed_in(client)
    pause = f"/supporter/gifts/{donation.pk}/pause/"
    client.post(pause, {**form_fields(client.get(pause), pause), "months": "1"})

    donation.refresh_from_db()
    charged = donation.payments.get().paid_at
    assert add_months(charged, 1) < donation.paused_until < add_months(charged, 2)
    page = client.get("/supporter/").content.decode()
    # Paused until the day charges begin again, the next charge the page shows.
    assert f"{add_months(timezone.localdate(charged), 2).isoformat()} まで" in page
    assert f"{add_months(timezone.localdate(charged), 2).isoformat()} ごろ" in page
