"""Supporters who stay, in numbers: cohorts by start month and the share still giving after 1,
3, 6 and 12 months, monthly churn, reasons, paused, at risk, recovered and the monthly recurring
yen, computed from rows the test made; the dashboard shows them in a fixed number of queries,
and the CSV is for staff who may export, recorded in the staff log."""

import csv
import datetime
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from donations.models import CancelReason
from donations.staff import retention
from tests.support.gifts import small_campaign
from tests.support.monthly_supporters import failing, jst, recovered, supporter
from tests.support.staff_personas import ACCOUNTS, SECRETARIAT, member, signed_in

pytestmark = pytest.mark.django_db

NOW = jst(2026, 12, 15)


def ledger(campaign):
    """Four who started in December 2025, two in November 2026, and those to watch."""
    supporter(campaign, jst(2025, 12, 5), ended=jst(2026, 1, 20), reason=CancelReason.TEMPORARY)
    supporter(campaign, jst(2025, 12, 5), ended=jst(2026, 7, 1))
    supporter(campaign, jst(2025, 12, 6))
    supporter(campaign, jst(2025, 12, 7))
    supporter(campaign, jst(2026, 11, 10), amount=1000)
    supporter(
        campaign, jst(2026, 11, 10), amount=1000, ended=jst(2026, 12, 1), reason=CancelReason.MONEY
    )


def test_cohorts_keep_the_share_still_giving_at_each_horizon():
    campaign = small_campaign()
    ledger(campaign)

    board = retention.build(campaign, now=NOW)

    december, november = board.cohorts
    assert (december.month, december.size) == (datetime.date(2025, 12, 1), 4)
    assert december.still_giving == {1: (4, 100.0), 3: (3, 75.0), 6: (3, 75.0), 12: (2, 50.0)}
    assert (november.month, november.size) == (datetime.date(2026, 11, 1), 2)
    assert november.still_giving == {1: (1, 50.0), 3: None, 6: None, 12: None}
    assert board.overall == {1: 83.3, 3: 75.0, 6: 75.0, 12: 50.0}


def test_churn_reasons_and_monthly_recurring_yen():
    campaign = small_campaign()
    ledger(campaign)

    board = retention.build(campaign, now=NOW)

    churn = {c.month: (c.giving_at_start, c.ended) for c in board.churn}
    assert churn[datetime.date(2026, 12, 1)] == (4, 1)
    assert churn[datetime.date(2026, 7, 1)] == (3, 1)
    assert churn[datetime.date(2026, 1, 1)] == (4, 1)
    assert churn[datetime.date(2026, 3, 1)] == (3, 0)
    assert [c.percent for c in board.churn][-1] == 25.0
    said = [CancelReason.TEMPORARY.label, CancelReason.MONEY.label, retention.NOT_SAID]
    assert sorted((str(label), n) for label, n in board.reasons) == sorted(
        (str(label), 1) for label in said
    )
    recurring = {bar.label: bar.amount for bar in board.recurring.bars}
    assert recurring["2026-11"] == 2 * 3000 + 2 * 1000  # at November's end
    assert recurring["2026-12"] == 2 * 3000 + 1000  # now
    assert recurring["2026-06"] == 3 * 3000
    assert len(recurring) == 12


def test_paused_at_risk_and_recovered():
    campaign = small_campaign()
    supporter(campaign, jst(2026, 5, 1), paused_until=NOW + datetime.timedelta(days=20))
    supporter(campaign, jst(2026, 5, 1), paused_until=NOW - datetime.timedelta(days=1))
    soon = failing(campaign, jst(2026, 6, 1), code="expired_card", attempts=2, next_retry=NOW)
    last = failing(campaign, jst(2026, 6, 1), code="insufficient_funds", attempts=4)
    recovered(campaign, jst(2026, 8, 1), amount=5000)
    recovered(campaign, jst(2026, 9, 1), amount=2000)

    board = retention.build(campaign, now=NOW)

    assert board.paused == 1
    assert [risk.donation for risk in board.at_risk] == [soon, last]
    with translation.override("ja"):
        assert [risk.reason for risk in board.at_risk] == [
            "カードの有効期限切れ",
            "残高・利用可能枠の不足",
        ]
    assert [risk.payment.attempt_count for risk in board.at_risk] == [2, 4]
    assert (board.recovered_count, board.recovered_yen) == (2, 7000)


def test_the_dashboard_shows_them_in_a_fixed_number_of_queries(staff_client):
    campaign = small_campaign()
    url = f"/admin/donations/donation/dashboard/{campaign.pk}/"

    def supporters(count):
        for n in range(count):
            started = timezone.now() - datetime.timedelta(days=3 * n)
            ended = started + datetime.timedelta(days=40) if n % 3 == 0 else None
            supporter(campaign, started, ended=ended if ended and ended < timezone.now() else None)
        failing(campaign, timezone.now() - datetime.timedelta(days=60), code="card_declined")

    supporters(10)
    staff_client.get(url)  # the first request of a process also reads the content types
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    supporters(190)
    cache.clear()  # the dashboard's yearly donor figure is cached: count its query both times
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)

    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    html = response.content.decode()
    assert '<strong class="at-risk-count">2</strong>' in html
    assert "カード会社が決済を承認しませんでした" in html
    assert html.count('<figure class="retention-chart"') == 4


def test_the_csv_is_for_staff_who_may_export_and_is_logged():
    campaign = small_campaign()
    ledger(campaign)
    url = f"/admin/donations/donation/dashboard/{campaign.pk}/retention.csv"
    secretariat = signed_in(member("jimu", SECRETARIAT))
    accounts = signed_in(member("kaikei", ACCOUNTS))

    assert secretariat.get(url).status_code == 403
    response = accounts.get(url)

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["数値", "月または理由"]
    started = [row for row in rows if row[0] == "開始" and row[1] == "2025-12"]
    assert started == [["開始", "2025-12", "4", "", "", ""]]
    assert ["1か月後も継続", "2025-12", "4", "4", "", "100.0"] in rows
    assert ["12か月後も継続", "2025-12", "4", "2", "", "50.0"] in rows
    entry = LogEntry.objects.get(user__username="kaikei")
    assert "retention-truth-" in entry.change_message
