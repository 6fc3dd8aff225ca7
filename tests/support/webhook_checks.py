"""Delivering signed Stripe events to the webhook and reading how far they moved the counters
(checked against the ledger each time)."""

from django_tasks_db.models import DBTaskResult

from donations.models import CampaignProgress
from tests.support import stripe_events as se


def deliver(client, event_type, obj, created=None, **options):
    evt = se.event(event_type, obj, created=created)
    response = se.post_event(client, evt, **options)
    assert response.status_code == 200, response.content
    return evt


def counters(campaign):
    return CampaignProgress.objects.get(pk=campaign.pk).as_dict()


def ledger_counters(campaign):
    return CampaignProgress.from_ledger(campaign.pk).as_dict()


def receipts_queued():
    return DBTaskResult.objects.filter(task_path="donations.tasks.send_receipt").count()


def moved(campaign, baseline):
    """How far each counter moved from the baseline; checks the counters against the ledger."""
    now = counters(campaign)
    assert now == ledger_counters(campaign)
    return {name: now[name] - baseline[name] for name in now}


NOTHING = {"monthly_supporters": 0, "monthly_amount": 0, "onetime_raised": 0}


def raised(amount):
    return {**NOTHING, "onetime_raised": amount}


def monthly(supporters, amount):
    return {**NOTHING, "monthly_supporters": supporters, "monthly_amount": amount}
