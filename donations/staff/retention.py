"""Supporters who stay, in numbers (継続率): monthly supporters by the month they started and the
share still giving 1, 3, 6 and 12 months later; monthly churn; why supporters ended; paused;
at risk (a payment failing, Stripe still retrying: `at_risk.py`); money recovered after
failures; the monthly recurring yen of the last 12 months.

Computed from the ledger in a fixed number of queries, whatever its size: one row per monthly
gift (with its first payment's time), one aggregate of recovered payments, the at-risk list.
A gift starts with its first payment (or, recorded by staff, when it was made) and ends when
it was cancelled (`status_as_of`, Stripe's time, else the row's last change)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from donations.models import CancelReason, Donation, Payment
from donations.staff.at_risk import at_risk
from donations.staff.dashboard import Bar, Chart
from jii_campaign.months import add_months, months_back

HORIZONS = (1, 3, 6, 12)  # months after the start
MONTHS = 12
CHART_WIDTH = 40 * MONTHS
ENDED = (Donation.Status.CANCELED, Donation.Status.VOIDED)
GIVING = (Donation.Status.ACTIVE, Donation.Status.PAST_DUE)
NOT_SAID = _("Not said")


@dataclass
class Supporter:
    amount: int
    started: datetime.datetime
    ended: datetime.datetime | None
    cancel_reason: str
    paused_until: datetime.datetime | None = None
    recovered_count: int = 0
    recovered_yen: int = 0

    def giving_at(self, moment) -> bool:
        return self.started <= moment and (self.ended is None or self.ended > moment)


@dataclass
class Cohort:
    month: datetime.date
    size: int
    # HORIZONS -> (still giving, share in percent), None while the cohort is too young.
    still_giving: dict = field(default_factory=dict)


@dataclass
class ChurnMonth:
    month: datetime.date
    giving_at_start: int
    ended: int

    @property
    def percent(self):
        return round(self.ended * 100 / self.giving_at_start, 1) if self.giving_at_start else None


@dataclass
class Retention:
    cohorts: list
    churn: list
    reasons: list  # [(label, count)]
    paused: int
    at_risk: list
    recovered_count: int
    recovered_yen: int
    recurring: Chart  # monthly recurring yen at each month's end (this month: now)
    horizons: tuple = HORIZONS

    @property
    def overall(self):
        """HORIZONS -> share (percent) of all supporters old enough, still giving then."""
        shares = {}
        for months in self.horizons:
            measured = [c.still_giving[months] for c in self.cohorts if c.still_giving[months]]
            total = sum(c.size for c in self.cohorts if c.still_giving[months])
            kept = sum(kept for kept, _share in measured)
            shares[months] = round(kept * 100 / total, 1) if total else None
        return shares

    @property
    def retention_chart(self):
        return chart(
            [Bar(after_months(months), int(share or 0)) for months, share in self.overall.items()]
        )

    @property
    def churn_chart(self):
        return chart([Bar(f"{c.month:%Y-%m}", int(c.percent or 0)) for c in self.churn])

    @property
    def reasons_chart(self):
        return chart([Bar(str(label), count) for label, count in self.reasons])


def chart(bars) -> Chart:
    """Every chart of the section as wide as twelve months' bars, so their text is one size."""
    return Chart(bars, bar_width=CHART_WIDTH // max(1, len(bars)))


def after_months(months) -> str:
    return ngettext("After %(months)s month", "After %(months)s months", months) % {
        "months": months
    }


def supporters(campaign) -> list[Supporter]:
    """Every monthly gift of the campaign that started, with its payments recovered after a
    failure: one query."""
    succeeded = Q(payments__status=Payment.Status.SUCCEEDED)
    recovered = succeeded & Q(payments__recovered=True)
    rows = (
        Donation.objects.filter(campaign=campaign, frequency=Donation.Frequency.MONTHLY)
        .annotate(
            first_paid=Min("payments__paid_at", filter=succeeded),
            recovered_count=Count("payments", filter=recovered),
            recovered_yen=Sum("payments__amount", filter=recovered),
        )
        .filter(Q(first_paid__isnull=False) | Q(status__in=GIVING))
        .values_list(
            "amount",
            "first_paid",
            "created_at",
            "status",
            "status_as_of",
            "updated_at",
            "cancel_reason",
            "paused_until",
            "recovered_count",
            "recovered_yen",
        )
    )
    found = []
    for amount, first_paid, created, status, as_of, updated, reason, paused, *recovered in rows:
        ended = (as_of or updated) if status in ENDED else None
        paused = paused if status in GIVING else None
        found.append(
            Supporter(
                amount,
                first_paid or created,
                ended,
                reason,
                paused,
                recovered[0],
                recovered[1] or 0,
            )
        )
    return found


def build(campaign, now=None) -> Retention:
    now = timezone.localtime(now)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    months = months_back(month_start, MONTHS)
    people = supporters(campaign)
    return Retention(
        cohorts=cohorts(people, now),
        churn=churn(people, months, now),
        reasons=reasons(people),
        paused=sum(1 for p in people if p.paused_until and p.paused_until > now),
        at_risk=at_risk(campaign),
        recovered_count=sum(p.recovered_count for p in people),
        recovered_yen=sum(p.recovered_yen for p in people),
        recurring=chart(recurring(people, months, now)),
    )


def cohorts(people, now) -> list[Cohort]:
    by_month = {}
    for person in people:
        start = timezone.localtime(person.started).date().replace(day=1)
        by_month.setdefault(start, []).append(person)
    found = []
    for month in sorted(by_month):
        members = by_month[month]
        cohort = Cohort(month, len(members))
        for horizon in HORIZONS:
            old_enough = [p for p in members if add_months(p.started, horizon) <= now]
            if len(old_enough) < len(members):
                cohort.still_giving[horizon] = None  # not every member has had that long
                continue
            kept = sum(p.giving_at(add_months(p.started, horizon)) for p in members)
            cohort.still_giving[horizon] = (kept, round(kept * 100 / len(members), 1))
        found.append(cohort)
    return found


def churn(people, months, now) -> list[ChurnMonth]:
    """Of those giving when each month began, how many ended in that month."""
    found = []
    for start in months:
        end = min(add_months(start, 1), now)
        giving = [p for p in people if p.giving_at(start)]
        ended = sum(1 for p in giving if p.ended is not None and p.ended <= end)
        found.append(ChurnMonth(start.date(), len(giving), ended))
    return found


def reasons(people) -> list:
    """[(label, count)] of why supporters who ended said they did, most said first."""
    labels = dict(CancelReason.choices)
    counted = Counter(p.cancel_reason for p in people if p.ended is not None)
    return [
        (labels.get(reason, NOT_SAID) if reason else NOT_SAID, count)
        for reason, count in counted.most_common()
    ]


def recurring(people, months, now) -> list[Bar]:
    """The monthly yen promised by those giving at each month's end (this month: now)."""
    bars = []
    for start in months:
        moment = min(add_months(start, 1), now)
        total = sum(p.amount for p in people if p.giving_at(moment))
        bars.append(Bar(f"{start:%Y-%m}", total))
    return bars


# --- the CSV download -----------------------------------------------------------------------


def csv_rows(board: Retention):
    """One table of every figure: what it is, for which month or reason, and its values."""
    yield [
        _("Figure"),
        _("Month or reason"),
        _("Supporters"),
        _("Of them"),
        _("Yen"),
        _("Share (%)"),
    ]
    for cohort in board.cohorts:
        month = f"{cohort.month:%Y-%m}"
        yield [pgettext("supporters by start month", "Started"), month, cohort.size, "", "", ""]
        for months, measured in cohort.still_giving.items():
            label = _("Still giving after %(months)d months") % {"months": months}
            kept, share = measured if measured else ("", "")
            yield [label, month, cohort.size, kept, "", share]
    for churned in board.churn:
        share = "" if churned.percent is None else churned.percent
        month = f"{churned.month:%Y-%m}"
        yield [_("Monthly churn"), month, churned.giving_at_start, churned.ended, "", share]
    for label, count in board.reasons:
        yield [_("Reason for cancelling"), label, count, "", "", ""]
    for bar in board.recurring.bars:
        yield [_("Monthly recurring yen"), bar.label, "", "", bar.amount, ""]
    yield [_("Paused now"), "", board.paused, "", "", ""]
    yield [_("At risk"), "", len(board.at_risk), "", "", ""]
    yield [_("Recovered payments"), "", board.recovered_count, "", board.recovered_yen, ""]
