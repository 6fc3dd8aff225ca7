"""Recounting the campaign counters from the ledger (`manage.py recount_progress`)."""

from django.db import transaction
from django.db.models import Q

from campaigns.models import Campaign
from donations.models import CampaignProgress, Payment


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
