"""Repairing what missed webhooks left behind: Stripe's current view of recent sessions,
invoices and every subscription, applied with Stripe's own times."""

import datetime

from django.db import transaction
from django.utils import timezone

from donations.models import Donation, StripeEvent
from donations.stripe import gateway, handlers, lookup

# The times a subscription records its changes by; a reading of it is news as of the newest.
SUBSCRIPTION_TIMES = ("created", "start_date", "trial_start", "canceled_at", "ended_at")


def reconcile(since: datetime.date):
    """Apply Stripe's current view of the sessions and invoices created since `since` (Japan
    time) and of every subscription. Each repair carries the Stripe object's own time, never
    ours, so a reading older than the webhooks already applied cannot undo them.
    Yields (stripe id, donation id, status before, status after) for each object we know."""
    start = datetime.datetime.combine(
        since, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    created_since = int(start.timestamp())
    for session in gateway.list_checkout_sessions(created_since):
        if session.get("status") in ("complete", "expired"):
            yield _apply(session, handlers.apply_checkout_session, _newest(session, "created"))
    for invoice in gateway.list_invoices(created_since):
        if invoice.get("status") == "paid":
            paid = _newest(invoice.get("status_transitions") or {}, "paid_at")
            yield _apply(invoice, handlers.on_invoice_paid, paid or _newest(invoice, "created"))
    for subscription in gateway.list_subscriptions():
        as_of = _newest(subscription, *SUBSCRIPTION_TIMES)
        if subscription.get("status") == "canceled":
            yield _apply(subscription, handlers.on_subscription_deleted, as_of)
        else:
            yield _apply(subscription, handlers.on_subscription_updated, as_of)


def _newest(obj, *fields):
    times = [obj[name] for name in fields if obj.get(name)]
    return StripeEvent.stripe_time(max(times)) if times else None


def _apply(obj, handler, as_of):
    donation_id = _donation_id(obj)
    before = _status(donation_id)
    with transaction.atomic():
        handler(obj, as_of)
    return obj["id"], donation_id, before, _status(donation_id)


def _donation_id(obj):
    subscription = (obj.get("parent") or {}).get("subscription_details") or {}
    return lookup.donation_id_in(obj.get("metadata") or subscription.get("metadata"))


def _status(donation_id):
    if donation_id is None:
        return None
    return Donation.objects.filter(pk=donation_id).values_list("status", flat=True).first()
