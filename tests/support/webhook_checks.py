"""Delivering signed Stripe events to the webhook and reading how far they moved the counters
(checked against the ledger each time)."""

import io

from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from donations.models import CampaignProgress
from tests.support import stripe_events as se


def deliver(client, event_type, obj, created=None, **options):
    evt = se.event(event_type, obj, created=created)
    response = se.post_event(client, evt, **options)
    assert response.status_code == 200, response.content
    return evt


def counters(campaign) -> dict:
    """The campaign's counters (NOTHING before its first gift), after proving that every
    campaign's counters and refunded amounts agree with the ledger: `recount_progress --check`,
    the check a deploy runs, fails otherwise. Every test reads the counters through this."""
    report = io.StringIO()
    try:
        call_command("recount_progress", "--check", stdout=report)
    except CommandError as disagreement:
        raise AssertionError(f"{disagreement}:\n{report.getvalue()}") from None
    row = CampaignProgress.objects.filter(pk=campaign.pk).first()
    return row.as_dict() if row else dict(NOTHING)


def receipts_queued():
    return DBTaskResult.objects.filter(task_path="donations.tasks.send_receipt").count()


def moved(campaign, baseline):
    """How far each counter moved from the baseline; checks the counters against the ledger."""
    now = counters(campaign)
    return {name: now[name] - baseline[name] for name in now}


NOTHING = {"monthly_supporters": 0, "monthly_amount": 0, "onetime_raised": 0}


def raised(amount):
    return {**NOTHING, "onetime_raised": amount}


def monthly(supporters, amount):
    return {**NOTHING, "monthly_supporters": supporters, "monthly_amount": amount}
