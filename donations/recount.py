"""Recounting campaign counters from the ledger, and repairing what missed webhooks left behind."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Campaign
from donations import stripe_gateway, webhooks
from donations.models import CampaignProgress, Donation, Payment, StripeEvent


def recount(campaign: Campaign, *, repair: bool):
    """Return (stored, from_ledger) counters; with repair, store the ledger's figures.
    The progress row is locked first, so concurrent ledger changes wait and then add on top."""
    with transaction.atomic():
        CampaignProgress.objects.bulk_create(
            [CampaignProgress(campaign=campaign)], ignore_conflicts=True
        )
        stored = CampaignProgress.objects.select_for_update().get(pk=campaign.pk)
        fresh = CampaignProgress.from_ledger(campaign.pk)
        if repair and stored.as_dict() != fresh.as_dict():
            fresh.save()
    return stored.as_dict(), fresh.as_dict()


def refund_mismatches(campaign: Campaign, *, repair: bool):
    """Payments of the campaign whose refunded amount differs from what their refunds and the
    charge's newest report say (`Payment.refunded_by_stripe`), as (payment id, stored, derived);
    with repair, the stored amount (and the counters with it) is brought in line."""
    reported = (
        Payment.objects.filter(donation__campaign=campaign)
        .filter(Q(refunds__isnull=False) | Q(charge_refunded_amount__gt=0))
        .distinct()
        .order_by("pk")
        .prefetch_related("refunds")
    )
    found = []
    for payment in reported.iterator(chunk_size=2000):
        derived = payment.refunded_by_stripe()
        if derived != payment.refunded_amount:
            found.append((payment.pk, payment.refunded_amount, derived))
            if repair:
                with CampaignProgress.deferred():
                    payment.settle_refunds()
    return found


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
    for session in stripe_gateway.list_checkout_sessions(created_since):
        if session.get("status") in ("complete", "expired"):
            yield _apply(session, webhooks.apply_checkout_session, _newest(session, "created"))
    for invoice in stripe_gateway.list_invoices(created_since):
        if invoice.get("status") == "paid":
            paid = _newest(invoice.get("status_transitions") or {}, "paid_at")
            yield _apply(invoice, webhooks.on_invoice_paid, paid or _newest(invoice, "created"))
    for subscription in stripe_gateway.list_subscriptions():
        as_of = _newest(subscription, *SUBSCRIPTION_TIMES)
        if subscription.get("status") == "canceled":
            yield _apply(subscription, webhooks.on_subscription_deleted, as_of)
        else:
            yield _apply(subscription, webhooks.on_subscription_updated, as_of)


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
    return webhooks.donation_id_in(obj.get("metadata") or subscription.get("metadata"))


def _status(donation_id):
    if donation_id is None:
        return None
    return Donation.objects.filter(pk=donation_id).values_list("status", flat=True).first()
