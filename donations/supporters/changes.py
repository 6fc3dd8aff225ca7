"""What a supporter changes on their page, applied through Stripe first (or, locally, through
the test checkout's events) and only then recorded, logged and e-mailed. The ledger takes the
subscription Stripe answered with through the webhook's own handler, so the page and the
webhooks that follow agree."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone, translation

from donations import monthly_charges, tasks
from donations.models import Donation
from donations.stripe import checkout, gateway, handlers, local_checkout

log = logging.getLogger(__name__)

PAUSE_MONTHS = (1, 2, 3)


class NotAllowed(Exception):
    """The change does not fit the gift (another channel, not running, not paused)."""


def can_change_card_gift(donation: Donation) -> bool:
    return (
        donation.is_monthly
        and donation.channel == Donation.Channel.STRIPE
        and donation.status in (Donation.Status.ACTIVE, Donation.Status.PAST_DUE)
        and bool(donation.stripe_subscription_id)
    )


def resume_date(donation: Donation, months: int) -> datetime.date:
    """The day charges begin again after a pause of `months` months begun now (the date the
    confirmation, the page and the e-mail show)."""
    return monthly_charges.charges_again_on(donation, monthly_charges.pause_end(donation, months))


def _resumes_at(donation: Donation, months: int) -> int:
    """Stripe's `resumes_at`: the pause skips exactly the next `months` charges."""
    return int(monthly_charges.pause_end(donation, months).timestamp())


def _applied(donation: Donation, subscription: dict):
    if subscription.get("status") == "canceled":
        handlers.on_subscription_deleted(subscription, as_of=timezone.now())
    else:
        handlers.on_subscription_updated(subscription, as_of=timezone.now())


def _recorded(donation: Donation, change: str):
    log.info("Supporter changed donation %s: %s", donation.pk, change)
    tasks.send_gift_change_notice.enqueue(donation.pk, change)


def pause(donation: Donation, months: int):
    if months not in PAUSE_MONTHS or not can_change_card_gift(donation):
        raise NotAllowed("pause")
    resumes_at = _resumes_at(donation, months)
    if checkout.local_mode():
        local_checkout.pause_subscription(donation, resumes_at)
    else:
        subscription = gateway.pause_subscription(donation.stripe_subscription_id, resumes_at)
        with transaction.atomic():
            _applied(donation, subscription)
    with transaction.atomic():
        _recorded(donation, "paused")


def resume(donation: Donation):
    if not (can_change_card_gift(donation) and donation.paused_until):
        raise NotAllowed("resume")
    if checkout.local_mode():
        local_checkout.resume_subscription(donation)
    else:
        subscription = gateway.resume_subscription(donation.stripe_subscription_id)
        with transaction.atomic():
            _applied(donation, subscription)
    with transaction.atomic():
        _recorded(donation, "resumed")


def change_amount(donation: Donation, amount: int):
    """From the next charge on, within the campaign's range; no proration."""
    campaign = donation.campaign
    if (
        not can_change_card_gift(donation)
        or not campaign.min_amount <= amount <= campaign.max_amount
    ):
        raise NotAllowed("amount")
    if checkout.local_mode():
        local_checkout.change_amount(donation, amount)
    else:
        subscription = gateway.change_subscription_amount(donation.stripe_subscription_id, amount)
        with transaction.atomic():
            _applied(donation, subscription)
    with transaction.atomic():
        _recorded(donation, "amount")


def cancel(donation: Donation, reason: str, detail: str):
    """Card: the subscription ends now in Stripe. Bank transfer: the pledge ends (no money
    is taken, so nothing is asked of Stripe)."""
    if donation.is_transfer_pledge and donation.is_monthly and donation.awaits_transfer():
        with transaction.atomic():
            donation.cancel_pledge()
    elif can_change_card_gift(donation):
        if checkout.local_mode():
            local_checkout.cancel_subscription(donation)
        else:
            subscription = gateway.cancel_subscription(donation.stripe_subscription_id)
            with transaction.atomic():
                _applied(donation, subscription)
    else:
        raise NotAllowed("cancel")
    with transaction.atomic():
        donation.record_cancel_reason(reason, detail)
        _recorded(donation, "cancelled")


def card_update_url(donation: Donation, return_url: str) -> str:
    if not can_change_card_gift(donation) or checkout.local_mode():
        raise NotAllowed("card")
    return gateway.create_card_update_session(
        donation.stripe_customer_id,
        return_url,
        checkout.checkout_locale(translation.get_language()),  # the page's language
    )
