"""`manage.py bench_data --payments N`: a ledger of N payments for benchmarks, written by a few
INSERT ... SELECT generate_series statements (PostgreSQL), then the counters recounted exactly.

Shapes: 7 in 10 gifts one-time, 3 monthly (one invoice paid each, 1 in 7 cancelled since);
1 in 50 payments refunded (half of them in part), 1 in 200 disputed; 1 in 20 donors leaves an
approved cheering message."""

import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from campaigns.models import Campaign
from donations.recount import recount

DONATIONS = """
INSERT INTO donations_donation (
    campaign_id, frequency, channel, status, amount, donor_name, donor_email, public_name,
    nickname, payer_kana, locale, checkout_attempt, stripe_customer_id, cancel_at_period_end,
    note, reference, stripe_payment_intent_id, stripe_subscription_id, created_at, updated_at)
SELECT %(campaign)s,
    CASE WHEN i %% 10 < 3 THEN 'monthly' ELSE 'once' END,
    'stripe',
    CASE WHEN i %% 10 >= 3 THEN 'succeeded' WHEN i %% 7 = 0 THEN 'canceled' ELSE 'active' END,
    (ARRAY[1000, 3000, 5000, 10000, 30000])[1 + i %% 5],
    'Bench ' || i, 'bench' || i || '@example.org', 'anonymous', '', '', 'ja', 0,
    'cus_b' || %(run)s || '_' || i, false, '',
    'bench-' || %(run)s || '-' || i,
    CASE WHEN i %% 10 >= 3 THEN 'pi_b' || %(run)s || '_' || i END,
    CASE WHEN i %% 10 < 3 THEN 'sub_b' || %(run)s || '_' || i END,
    now() - (i %% 86400) * interval '1 minute', now()
FROM generate_series(1, %(count)s) AS i
"""

PAYMENTS = """
INSERT INTO donations_payment (
    donation_id, amount, status, refunded_amount, charge_refunded_amount, disputed, paid_at,
    created_at, stripe_payment_intent_id, stripe_invoice_id, stripe_charge_id, receipt_sent_at)
SELECT d.id, d.amount, 'succeeded',
    CASE WHEN d.id %% 100 = 0 THEN d.amount WHEN d.id %% 100 = 50 THEN d.amount / 2 ELSE 0 END,
    CASE WHEN d.id %% 100 = 0 THEN d.amount WHEN d.id %% 100 = 50 THEN d.amount / 2 ELSE 0 END,
    d.id %% 200 = 7,
    d.created_at, d.created_at,
    d.stripe_payment_intent_id,
    CASE WHEN d.frequency = 'monthly' THEN 'in_' || substr(d.reference, 7) END,
    'ch_' || substr(d.reference, 7),
    d.created_at
FROM donations_donation AS d
WHERE d.reference LIKE 'bench-' || %(run)s || '-%%'
"""

MESSAGES = """
INSERT INTO testimonials_supportmessage (campaign_id, display_name, body, relation, from_donor,
    status, created_at, reviewed_at)
SELECT %(campaign)s, 'Bench ' || i, '応援しています（' || i || '）', 'donor', true, 'approved',
    now() - i * interval '1 second', now()
FROM generate_series(1, %(count)s / 20) AS i
"""


class Command(BaseCommand):
    help = "Add N benchmark payments (PostgreSQL) to the featured campaign, counters exact."

    def add_arguments(self, parser):
        parser.add_argument("--payments", type=int, required=True)
        parser.add_argument("--campaign", help="Slug (default: the featured campaign).")

    def handle(self, *args, payments, campaign=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_data writes with PostgreSQL's generate_series.")
        found = (
            Campaign.objects.filter(slug=campaign).first()
            if campaign
            else Campaign.objects.featured()
        )
        if found is None:
            raise CommandError("No such campaign: load the seed first (load_seed_content).")
        params = {"campaign": found.pk, "count": payments, "run": uuid.uuid4().hex[:8]}
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in (DONATIONS, PAYMENTS, MESSAGES):
                cursor.execute(statement, params)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE donations_donation, donations_payment")
        _stored, fresh = recount(found, repair=True)
        self.stdout.write(f"{payments} payments added to {found.slug}; counters: {fresh}")
