"""Cards that expire soon: a monthly supporter is reminded a month before the end of their
card's expiry month, once per card, so the gift does not fail for want of a new card.

The card comes from Stripe: the failed payment's `last_payment_error.payment_method` (noted
by the handlers), else the subscription's `default_payment_method` (which Checkout sets),
read again here whenever the card we know is about to expire or is not known yet: a
supporter who already put in a new card is not reminded of the old one."""

import calendar
import datetime
import logging

from django.utils import timezone

from donations import tasks
from donations.models import Donation
from donations.stripe import gateway, lookup

log = logging.getLogger(__name__)

NOTICE = datetime.timedelta(days=30)


def last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def expires_soon(donation, today) -> bool:
    if not (donation.card_exp_year and donation.card_exp_month):
        return False
    end = last_day(donation.card_exp_year, donation.card_exp_month)
    return end - NOTICE <= today <= end


def remind_expiring_cards(today=None) -> int:
    """Queue a reminder for each running monthly gift whose card expires within a month and
    that was not reminded of this card yet. Returns how many were queued."""
    today = today or timezone.localdate()
    running = Donation.objects.filter(
        frequency=Donation.Frequency.MONTHLY,
        status=Donation.Status.ACTIVE,
        channel=Donation.Channel.STRIPE,
    ).exclude(stripe_subscription_id=None)
    queued = 0
    for donation in running.iterator():
        if donation.card_exp_year is None or expires_soon(donation, today):
            _read_card(donation)
        key = donation.card_key()
        if expires_soon(donation, today) and donation.card_expiry_reminded_for != key:
            tasks.schedule_card_expiry_reminder(donation, key)
            queued += 1
    return queued


def _read_card(donation):
    try:
        method = gateway.subscription_card(donation.stripe_subscription_id)
    except gateway.GatewayUnavailable:
        log.warning("The card of donation %s could not be read", donation.pk)
        return
    lookup.note_card(donation, method)
