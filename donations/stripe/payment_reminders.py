"""Reminders for gifts whose money comes later: a konbini slip the day before it expires, a
Stripe bank transfer once it has waited a few days. One per gift, queued after the claim
commits; the e-mail itself is `tasks.send_payment_reminder`."""

import datetime

from django.db import transaction
from django.utils import timezone

from campaigns.payment_methods import KONBINI_EXPIRES_AFTER_DAYS, PaymentMethod
from donations import tasks
from donations.models import Donation

# Konbini: a day before the slip's last day; a bank transfer: after this many days.
REMIND_AFTER = {
    PaymentMethod.KONBINI: datetime.timedelta(days=KONBINI_EXPIRES_AFTER_DAYS - 1),
    PaymentMethod.BANK_TRANSFER: datetime.timedelta(days=3),
}


def due(now=None):
    now = now or timezone.now()
    for method, after in REMIND_AFTER.items():
        yield from Donation.objects.filter(
            status=Donation.Status.AWAITING_PAYMENT,
            payment_method=method,
            payment_reminder_sent_at__isnull=True,
            created_at__lte=now - after,
        ).order_by("pk")


def send_due_reminders(now=None) -> int:
    """Claim each due gift once and queue its e-mail; returns how many were queued."""
    queued = 0
    for donation in due(now):
        with transaction.atomic():
            if donation.claim_payment_reminder():
                transaction.on_commit(
                    lambda pk=donation.pk: tasks.send_payment_reminder.enqueue(pk)
                )
                queued += 1
    return queued
