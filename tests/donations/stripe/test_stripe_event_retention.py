"""Stored Stripe events keep what the ledger needs (ids, amounts, types, times) for good, and
lose the donor's personal data once they have been applied long enough ago."""

import copy
import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from donations.models import StripeEvent
from donations.stripe.applying import process_event
from tests.support import stripe_events as se
from tests.support.gifts import campaign_with_earlier_gifts
from tests.support.stripe_events import pending


@pytest.fixture
def campaign(db):
    """A small campaign of the test's own whose counters already moved (tests/support/gifts.py)."""
    return campaign_with_earlier_gifts()


pytestmark = pytest.mark.django_db


def with_personal_data(session):
    return {
        **session,
        "customer_details": {
            "name": "山田 花子",
            "email": "hanako@example.jp",
            "phone": "+81 90-1234-5678",
            "address": {"postal_code": "150-0001", "city": "渋谷区"},
        },
        "custom_fields": [{"key": "message", "text": {"value": "山田より"}}],
        "metadata": {**session["metadata"], "donor_phone": "090-1234-5678"},
    }


def applied_days_ago(evt, days):
    process_event(evt)
    StripeEvent.objects.filter(event_id=evt["id"]).update(
        processed_at=timezone.now() - datetime.timedelta(days=days)
    )


def stored(evt):
    return StripeEvent.objects.get(event_id=evt["id"]).payload


def test_events_applied_more_than_90_days_ago_lose_the_donors_personal_data(campaign):
    donation = pending(campaign)
    session = with_personal_data(se.checkout_session(donation))
    old = se.event("checkout.session.completed", session)
    refund = {
        **se.charge(payment_intent=session["payment_intent"], amount=3000, amount_refunded=1000),
        "billing_details": {"name": "山田 花子", "email": "hanako@example.jp"},
        "receipt_email": "hanako@example.jp",
    }
    recent = se.event("charge.refunded", refund)
    applied_days_ago(old, 91)
    applied_days_ago(recent, 89)
    recent_before = stored(recent)

    call_command("scrub_stripe_events")
    scrubbed_once = stored(old)
    call_command("scrub_stripe_events")

    assert stored(old) == scrubbed_once
    assert "hanako@example.jp" not in json.dumps(scrubbed_once, ensure_ascii=False)
    assert "山田" not in json.dumps(scrubbed_once, ensure_ascii=False)
    kept = scrubbed_once["data"]["object"]
    assert kept["customer_details"] is None
    assert kept["customer_email"] is None
    assert kept["custom_fields"] is None
    assert kept["metadata"] == {**session["metadata"], "donor_phone": None}
    expected = copy.deepcopy(old)
    for name in ("customer_details", "customer_email", "custom_fields"):
        expected["data"]["object"][name] = None
    expected["data"]["object"]["metadata"]["donor_phone"] = None
    assert scrubbed_once == expected  # ids, amounts, types and times as they were
    assert stored(recent) == recent_before


def test_the_retention_period_can_be_shortened(campaign):
    donation = pending(campaign)
    evt = se.event("checkout.session.completed", with_personal_data(se.checkout_session(donation)))
    applied_days_ago(evt, 31)

    call_command("scrub_stripe_events", "--days", "30")

    assert stored(evt)["data"]["object"]["customer_details"] is None
    assert stored(evt)["data"]["object"]["amount_total"] == 3000
