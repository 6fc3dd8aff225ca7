"""When a monthly card gift is charged. Stripe keeps the billing day: the charges fall a calendar
month apart from the latest one paid, at about its time of day (Stripe drafts the invoice at
the billing time and charges it within about an hour). A pause voids the invoices drafted
while it lasts and moves nothing, so a pause of N months ends a day after the N-th charge to
come: that one is voided, the one after it is charged."""

import datetime

from django.utils import timezone

from donations.models import Donation, Payment
from jii_campaign.months import add_months

# Past the voided charge's time, well within the month before the next one: the hour Stripe
# takes to charge a drafted invoice and the drift of our record of the time are covered.
AFTER_THE_LAST_SKIPPED = datetime.timedelta(days=1)


def latest_charge(donation: Donation) -> datetime.datetime | None:
    """The latest successful charge (the prefetched payments are used when there are)."""
    paid = [
        p.paid_at
        for p in donation.payments.all()
        if p.status == Payment.Status.SUCCEEDED and p.paid_at
    ]
    return max(paid, default=None)


def charges_after(last: datetime.datetime, moment: datetime.datetime):
    """The charge times of the rhythm set by `last` that fall after `moment`, in order. Each
    is counted from `last` (a gift of the 31st is charged on the 31st again after February)."""
    months = 1
    while True:
        charge = add_months(last, months)
        if charge > moment:
            yield charge
        months += 1


def _end_of_day_months_on(months: int) -> datetime.datetime:
    """No charge known yet (no rhythm): through the last second of the day `months` months from
    today in Japan."""
    day = add_months(timezone.localdate(), months)
    day_after = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(days=1)
    return timezone.make_aware(day_after) - datetime.timedelta(seconds=1)


def pause_end(donation: Donation, months: int, now=None) -> datetime.datetime:
    """When a pause of `months` months begun `now` ends, so that it skips exactly the next
    `months` charges whatever the time of day: a charge due later today that has not run yet
    is the first of them. A gift past due (its latest charge older than a month) skips the
    next `months` billing days to come; the unpaid invoice from before is not one of them (it
    was drafted before the pause, so Stripe keeps retrying it until the card is updated)."""
    now = now or timezone.now()
    last = latest_charge(donation)
    if last is None:
        return _end_of_day_months_on(months)
    upcoming = charges_after(last, now)
    for _ in range(months - 1):
        next(upcoming)
    return next(upcoming) + AFTER_THE_LAST_SKIPPED


def charges_again_on(donation: Donation, paused_until: datetime.datetime) -> datetime.date:
    """The day charges begin again after a pause until `paused_until`: the first charge of the
    rhythm after it (the pause's own last day when no charge is known yet)."""
    last = latest_charge(donation)
    if last is None:
        return timezone.localdate(paused_until)
    return timezone.localdate(next(charges_after(last, paused_until)))


def pause_ends_on(donation: Donation) -> datetime.date | None:
    """For a paused gift, the day charges begin again (shown as "Paused until")."""
    if not donation.is_paused():
        return None
    return charges_again_on(donation, donation.paused_until)
