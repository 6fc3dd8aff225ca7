"""The staff dashboard of one campaign: progress, money by month and by day, monthly supporters,
failed payments, recent gifts, what waits for staff, and the public-support-test figure.

A fixed number of aggregate queries on indexed columns (payments by `paid_at`, donations by
campaign and status), whatever the size of the ledger; the bar charts are plain SVG numbers.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear, Lower, NullIf, TruncDate, TruncMonth
from django.utils import timezone

from donations.models import CampaignProgress, Donation, Payment, StatementLine, StripeEvent
from jii_campaign import cache_outage
from jii_campaign.months import months_back
from testimonials.models import SupportMessage

MONTHS, DAYS = 12, 30
RECENT = 10
# The 認定NPO public support test counts donors who gave at least ¥3,000 in a year.
PST_THRESHOLD = 3_000
PST_YEARS = 5
# Counting every donor's yearly total reads every payment of five years (about 3 s with a
# million payments, bench/test_dashboard_bench.py): a yearly figure may be ten minutes old.
PST_CACHE_SECONDS = 10 * 60
CHART_HEIGHT = 120


@dataclass
class Bar:
    label: str
    amount: int
    x: int = 0
    y: int = 0
    height: int = 0
    tick: bool = True  # whether the axis shows this bar's label


@dataclass
class Chart:
    bars: list
    bar_width: int
    width: int = 0
    height: int = CHART_HEIGHT
    top: int = 0

    def __post_init__(self):
        self.top = max((bar.amount for bar in self.bars), default=0)
        self.width = self.bar_width * len(self.bars)
        for index, bar in enumerate(self.bars):
            bar.x = index * self.bar_width
            bar.height = bar.amount * self.height // self.top if self.top else 0
            bar.y = self.height - bar.height


@dataclass
class Dashboard:
    campaign: object
    progress: CampaignProgress
    by_month: Chart
    by_day: Chart
    new_monthly: int
    cancelled_monthly: int
    failed_payments: int
    recent: list
    pending_transfers: list
    messages_waiting: int
    lines_to_resolve: int
    events_held: int = 0  # Stripe events of another API version, not applied (all campaigns)
    public_support: list = field(default_factory=list)

    @property
    def monthly_percent(self):
        goal = self.campaign.monthly_goal_supporters
        return min(100, self.progress.monthly_supporters * 100 // goal) if goal else 100

    @property
    def onetime_percent(self):
        goal = self.campaign.onetime_goal_amount
        return min(100, self.progress.onetime_raised * 100 // goal) if goal else 100


def received(campaign=None):
    """Money that arrived and still counts (refunds taken off, disputes left out)."""
    payments = Payment.objects.filter(status=Payment.Status.SUCCEEDED, disputed=False)
    if campaign is not None:
        payments = payments.filter(donation__campaign=campaign)
    return payments


def build(campaign, now=None) -> Dashboard:
    now = timezone.localtime(now)
    today = now.date()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    monthly = Donation.objects.filter(campaign=campaign, frequency=Donation.Frequency.MONTHLY)
    try:
        progress = campaign.progress
    except CampaignProgress.DoesNotExist:
        progress = CampaignProgress(campaign=campaign)
    return Dashboard(
        campaign=campaign,
        progress=progress,
        by_month=Chart(_by_month(campaign, month_start), bar_width=40),
        by_day=Chart(_by_day(campaign, today), bar_width=16),
        new_monthly=monthly.filter(
            created_at__gte=month_start,
            status__in=[Donation.Status.ACTIVE, Donation.Status.PAST_DUE],
        ).count(),
        cancelled_monthly=monthly.filter(
            status=Donation.Status.CANCELED, updated_at__gte=month_start
        ).count(),
        failed_payments=Payment.objects.filter(
            donation__campaign=campaign, status=Payment.Status.FAILED, created_at__gte=month_start
        ).count(),
        recent=list(Donation.objects.filter(campaign=campaign).order_by("-created_at")[:RECENT]),
        pending_transfers=list(
            Donation.objects.filter(
                campaign=campaign,
                channel=Donation.Channel.BANK_TRANSFER,
                status=Donation.Status.PENDING,
            ).order_by("created_at")[:50]
        ),
        messages_waiting=SupportMessage.objects.waiting().filter(campaign=campaign).count(),
        lines_to_resolve=StatementLine.objects.filter(
            status=StatementLine.Status.UNMATCHED
        ).count(),
        events_held=StripeEvent.objects.held().count(),
        public_support=cache_outage.get_or_set(
            f"dashboard:public-support:{today.year}",
            lambda: public_support_figures(today.year),
            PST_CACHE_SECONDS,
        ),
    )


def _by_month(campaign, month_start):
    starts = months_back(month_start, MONTHS)
    totals = dict(
        received(campaign)
        .filter(paid_at__gte=starts[0])
        .annotate(month=TruncMonth("paid_at"))
        .values("month")
        .annotate(total=Sum(F("amount") - F("refunded_amount")))
        .values_list("month", "total")
    )
    totals = {timezone.localtime(month).date(): total for month, total in totals.items()}
    return [Bar(f"{start:%Y-%m}", totals.get(start.date(), 0)) for start in starts]


def _by_day(campaign, today):
    first = today - datetime.timedelta(days=DAYS - 1)
    since = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    totals = dict(
        received(campaign)
        .filter(paid_at__gte=since)
        .annotate(day=TruncDate("paid_at"))
        .values("day")
        .annotate(total=Sum(F("amount") - F("refunded_amount")))
        .values_list("day", "total")
    )
    days = [first + datetime.timedelta(days=n) for n in range(DAYS)]
    return [
        Bar(f"{day:%m-%d}", totals.get(day, 0), tick=(DAYS - 1 - n) % 7 == 0)
        for n, day in enumerate(days)
    ]


def public_support_figures(this_year, years=PST_YEARS):
    """[(year, donors)]: distinct donors (by e-mail, else name) whose gifts in a calendar year
    (in Japan) came to ¥3,000 or more, across all campaigns. One query: the per-donor totals
    are summed and counted inside the database."""
    donor = Coalesce(
        NullIf(Lower("donation__donor_email"), Value("")),
        NullIf("donation__donor_name", Value("")),
    )
    per_donor = (
        received()
        .filter(paid_at__year__gte=this_year - years + 1)
        .annotate(year=ExtractYear("paid_at"), donor=donor)
        .exclude(donor=None)
        .values("year", "donor")
        .annotate(total=Sum(F("amount") - F("refunded_amount")))
        .filter(total__gte=PST_THRESHOLD)
        .values("year", "donor")
    )
    sql, params = per_donor.query.sql_with_params()
    with connection.cursor() as cursor:
        # The inner SQL is the ORM's own, its values passed separately as parameters.
        query = f"SELECT year, COUNT(*) FROM ({sql}) AS donors GROUP BY year"  # nosec B608
        cursor.execute(query, params)
        counts = dict(cursor.fetchall())
    return [(year, counts.get(year, 0)) for year in range(this_year, this_year - years, -1)]
