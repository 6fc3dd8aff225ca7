"""Monthly supporters as rows, for the retention figures: when each started (its first payment),
when it ended and why, paused, failing or recovered. Written straight to the ledger's tables, as
the figures only read them."""

import datetime
import itertools

from django.utils import timezone

from donations.models import Donation, Payment

_numbers = itertools.count(1)


def jst(year, month, day, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def supporter(campaign, started, *, amount=3000, ended=None, reason="", **fields):
    """A monthly gift whose first payment came in at `started`; cancelled at `ended`."""
    n = next(_numbers)
    donation = Donation.objects.create(
        campaign=campaign,
        frequency=Donation.Frequency.MONTHLY,
        amount=amount,
        donor_name=f"サポーター{n}",
        donor_email=f"supporter{n}@example.jp",
        status=Donation.Status.CANCELED if ended else fields.pop("status", Donation.Status.ACTIVE),
        status_as_of=ended,
        cancel_reason=reason,
        **fields,
    )
    Payment.objects.create(
        donation=donation, amount=amount, status=Payment.Status.SUCCEEDED, paid_at=started
    )
    return donation


def failing(campaign, started, *, code="", attempts=1, next_retry=None, amount=3000):
    """A supporter whose latest payment failed and is being retried."""
    donation = supporter(campaign, started, amount=amount, status=Donation.Status.PAST_DUE)
    Payment.objects.create(
        donation=donation,
        amount=amount,
        status=Payment.Status.FAILED,
        failure_code=code,
        attempt_count=attempts,
        next_payment_attempt=next_retry,
        failure_notice_sent_at=timezone.now(),
        stripe_invoice_id=f"in_failing_{donation.pk}",
    )
    return donation


def recovered(campaign, started, *, amount=3000):
    """A supporter whose second payment failed, then came in on a retry."""
    donation = supporter(campaign, started, amount=amount)
    Payment.objects.create(
        donation=donation,
        amount=amount,
        status=Payment.Status.SUCCEEDED,
        recovered=True,
        paid_at=started + datetime.timedelta(days=35),
    )
    return donation
