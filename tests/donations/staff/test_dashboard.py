"""The staff dashboard of a campaign: this month's figures, charts without JavaScript, the
public-support-test figure, in a fixed number of queries whatever the ledger's size."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from donations.models import CampaignProgress, Donation, Payment
from donations.staff import dashboard
from testimonials.models import SupportMessage

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


def give(campaign, amount, when, email="", name="", frequency=Donation.Frequency.ONCE):
    return Donation.record_offline(
        campaign=campaign,
        frequency=frequency,
        amount=amount,
        received_at=when,
        donor_email=email,
        donor_name=name,
    )


def test_the_dashboard_shows_this_months_figures(staff_client, campaign):
    now = timezone.localtime()
    before = dashboard.build(campaign)
    give(campaign, 4321, now, "a@example.jp")
    give(campaign, 1500, now, frequency=Donation.Frequency.MONTHLY, email="m@example.jp")
    Donation.pledge_transfer(
        campaign=campaign, frequency="once", amount=7000, donor_name="振込 予定"
    )
    SupportMessage.objects.create(campaign=campaign, body="待っています")

    html = staff_client.get(f"/admin/donations/donation/dashboard/{campaign.pk}/").content.decode()

    board = dashboard.build(campaign)
    assert board.by_month.bars[-1].amount == before.by_month.bars[-1].amount + 4321
    assert board.by_day.bars[-1].amount == before.by_day.bars[-1].amount + 4321
    assert board.new_monthly == before.new_monthly + 1
    assert len(board.pending_transfers) == 1 and board.messages_waiting == 1
    supporters = CampaignProgress.objects.get(campaign=campaign).monthly_supporters
    assert supporters == 1  # the monthly gift above
    assert f"{supporters} / {campaign.monthly_goal_supporters}" in html
    assert f"{now:%Y-%m}: ¥" in html  # the current month's bar, labelled with its total
    assert html.count("<rect ") == 12 + 30
    assert "<script>" not in html.split("</head>")[1]
    assert "/admin/donations/donation/dashboard/" in staff_client.get("/admin/").content.decode()


def test_failed_and_cancelled_monthly_gifts_this_month_are_counted(campaign):
    before = dashboard.build(campaign)
    monthly = give(campaign, 2000, timezone.now(), frequency=Donation.Frequency.MONTHLY)
    monthly.cancel()
    Payment.objects.create(donation=monthly, amount=2000, status=Payment.Status.FAILED)

    after = dashboard.build(campaign)

    assert after.cancelled_monthly == before.cancelled_monthly + 1
    assert after.failed_payments == before.failed_payments + 1


def test_the_public_support_figure_counts_donors_of_3000_yen_a_year(campaign):
    assert not Donation.objects.exists()  # every donor counted below is one this test made
    give(campaign, 2000, at(2025, 1, 10), "a@example.jp")
    give(campaign, 1000, at(2025, 12, 31), "A@example.jp")  # same donor: ¥3,000 in 2025
    give(campaign, 2999, at(2025, 6, 1), "b@example.jp")  # just short
    give(campaign, 5000, at(2024, 3, 1), "b@example.jp")
    give(campaign, 3000, at(2025, 7, 1), name="現金 太郎")  # no e-mail: known by name
    give(campaign, 9000, at(2025, 7, 1))  # nobody known: not a countable donor
    refunded = give(campaign, 3000, at(2025, 8, 1), "c@example.jp")
    refunded.void()

    figures = dict(dashboard.public_support_figures(2026))

    assert figures[2025] == 2 and figures[2024] == 1 and figures[2026] == 0


def test_the_dashboard_query_count_does_not_grow_with_the_ledger(staff_client, campaign):
    url = f"/admin/donations/donation/dashboard/{campaign.pk}/"
    with CaptureQueriesContext(connection) as small:
        staff_client.get(url)
    for i in range(60):
        give(
            campaign, 1000 + i, timezone.now() - datetime.timedelta(days=i * 7), f"d{i}@example.jp"
        )

    cache.clear()  # the yearly donor figure is cached: count its query both times
    with CaptureQueriesContext(connection) as large:
        response = staff_client.get(url)

    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries) <= 20
    assert len(re.findall(r"<tr><td>\d{4}-\d\d-\d\d", response.content.decode())) == 10
