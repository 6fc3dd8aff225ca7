"""How long the staff dashboard takes with a million payments (PostgreSQL).

Run: ./scripts/test bench/test_dashboard_bench.py -s   (BENCH_PAYMENTS=200000 for a quicker run)
Not part of the test suite (pytest's testpaths is tests/): it prints timings, asserts nothing
about them.
"""

import datetime
import os
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Campaign
from donations.staff import dashboard

PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", "1000000"))
PAYMENTS_PER_DONATION = 5


@pytest.mark.django_db
def test_dashboard_with_a_million_payments():
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        slug="bench",
        title="Bench",
        monthly_goal_supporters=1000,
        onetime_goal_amount=10_000_000,
        starts_on=today - datetime.timedelta(days=800),
        ends_on=today + datetime.timedelta(days=30),
    )
    donations = PAYMENTS // PAYMENTS_PER_DONATION
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO donations_donation (campaign_id, frequency, channel, status, amount,
                donor_name, donor_email, public_name, nickname, payer_kana, locale, note,
                checkout_attempt, cancel_at_period_end, stripe_customer_id, created_at, updated_at)
            SELECT %s, CASE WHEN n %% 3 = 0 THEN 'monthly' ELSE 'once' END, 'stripe',
                CASE WHEN n %% 3 = 0 THEN 'active' ELSE 'succeeded' END, 1000 + (n %% 50) * 100,
                'donor ' || n, 'd' || (n %% 40000) || '@example.jp', 'anonymous', '', '', 'ja',
                '', 0, false, '', now() - (n %% 700) * interval '1 day', now()
            FROM generate_series(1, %s) AS n
            """,
            [campaign.pk, donations],
        )
        cursor.execute(
            """
            INSERT INTO donations_payment (donation_id, amount, status, refunded_amount,
                disputed, paid_at, created_at)
            SELECT d.id, d.amount, CASE WHEN k = 5 AND d.id %% 17 = 0 THEN 'failed'
                ELSE 'succeeded' END, 0, false,
                d.created_at + k * interval '30 days', d.created_at + k * interval '30 days'
            FROM donations_donation d, generate_series(1, %s) AS k
            WHERE d.campaign_id = %s
            """,
            [PAYMENTS_PER_DONATION, campaign.pk],
        )
        cursor.execute("ANALYZE donations_donation; ANALYZE donations_payment;")
    print(f"\n{PAYMENTS:,} payments loaded in {time.perf_counter() - started:.1f}s")

    for attempt in range(3):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            board = dashboard.build(campaign)
        took = time.perf_counter() - started
        print(f"dashboard.build #{attempt + 1}: {took * 1000:.0f} ms, {len(queries)} queries")
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    for query in slowest:
        print(f"  {float(query['time']) * 1000:.0f} ms: {query['sql'][:140]}")
    print(f"public support figures: {board.public_support}")
