"""The campaign counters (`CampaignProgress`), kept in step with the ledger inside the
transaction of each ledger change; `manage.py recount_progress --check` proves they agree."""

import contextlib
import threading

from django.db import connection, models, transaction
from django.db.models import Count, F, Sum
from django.utils.translation import gettext_lazy as _

from jii_campaign import page_cache

_deferral = threading.local()


class _PendingCounts:
    """A counter change waiting for the end of `CampaignProgress.deferred()`."""

    def __init__(self, campaign_id, deltas):
        self.campaign_id, self.deltas, self.applied = campaign_id, deltas, False

    def __call__(self):
        """Run after commit: the change was applied before it."""


class CampaignProgress(models.Model):
    """Counters shown on the campaign page, kept in step with the ledger inside the same
    transaction as each ledger change. `manage.py recount_progress` proves they agree."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, primary_key=True, related_name="progress"
    )
    monthly_supporters = models.BigIntegerField(_("Number of Monthly Supporters"), default=0)
    monthly_amount = models.BigIntegerField(_("Monthly donations total (¥)"), default=0)
    onetime_raised = models.BigIntegerField(_("One-time donations total (¥)"), default=0)

    COUNTERS = ("monthly_supporters", "monthly_amount", "onetime_raised")

    class Meta:
        verbose_name = _("Progress")
        verbose_name_plural = _("Progress")

    def __str__(self):
        return f"{self.campaign_id}: {self.as_dict()}"

    @classmethod
    def add(cls, campaign_id, **deltas):
        """Add to counters in the database, so that concurrent writers never lose an update. Inside
        `deferred()` the change waits for the end of that block."""
        deltas = {name: value for name, value in deltas.items() if value}
        if not deltas:
            return
        page_cache.changed(figures_only=True)
        if getattr(_deferral, "depth", 0):
            transaction.on_commit(_PendingCounts(campaign_id, deltas))
            return
        cls._apply(campaign_id, deltas)

    @classmethod
    def _apply(cls, campaign_id, deltas):
        """One statement: create the row at the deltas, or add them to it (PostgreSQL and
        SQLite both read `EXCLUDED` as the row that was to be inserted)."""
        quote = connection.ops.quote_name
        table = quote(cls._meta.db_table)
        names = [quote(name) for name in cls.COUNTERS]
        additions = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in names)
        columns, placeholders = ", ".join(names), ", ".join(["%s"] * len(names))
        # Only our own quoted table and column names are formatted in; values are parameters.
        upsert = f"INSERT INTO {table} (campaign_id, {columns}) VALUES (%s, {placeholders}) ON CONFLICT (campaign_id) DO UPDATE SET {additions}"  # noqa: E501  # nosec B608
        with connection.cursor() as cursor:
            cursor.execute(upsert, [campaign_id, *(deltas.get(name, 0) for name in cls.COUNTERS)])

    @classmethod
    @contextlib.contextmanager
    def deferred(cls):
        """A transaction whose counter changes are applied together as its last statements, so
        that the counter row (one per campaign, which every payment updates) is locked only
        from then until the commit instead of for the whole transaction: concurrent webhooks
        queue on it for one UPDATE and the commit, not for everything else they do.

        Exact: each change waits as a no-op on-commit callback, and Django drops the callbacks
        of a savepoint that rolls back, so only the changes whose ledger rows survive count."""
        with transaction.atomic():
            _deferral.depth = getattr(_deferral, "depth", 0) + 1
            try:
                yield
            finally:
                _deferral.depth -= 1
            if _deferral.depth == 0:
                cls._apply_pending()

    @classmethod
    def _apply_pending(cls):
        # Django has no documented way to ask which on-commit callbacks survived the savepoints
        # rolled back so far (`on_commit` only promises to drop them, and runs the rest after the
        # commit, too late for a counter that must commit with its ledger rows). So this reads the
        # connection's `run_on_commit` list of (savepoint ids, callback, robust) directly;
        # test_django_still_keeps_on_commit_callbacks_as_we_read_them
        # (tests/donations/ledger/test_counter_row.py) fails if a Django upgrade changes that list.
        totals = {}
        for _sids, callback, _robust in transaction.get_connection().run_on_commit:
            if isinstance(callback, _PendingCounts) and not callback.applied:
                callback.applied = True
                counters = totals.setdefault(callback.campaign_id, {})
                for name, value in callback.deltas.items():
                    counters[name] = counters.get(name, 0) + value
        for campaign_id in sorted(totals):  # one order for every writer: no deadlock
            deltas = {name: value for name, value in totals[campaign_id].items() if value}
            if deltas:
                cls._apply(campaign_id, deltas)

    @classmethod
    def from_ledger(cls, campaign_id):
        """The counters recomputed from the ledger rows alone."""
        monthly = Donation.objects.filter(
            campaign_id=campaign_id,
            frequency=Donation.Frequency.MONTHLY,
            status=Donation.Status.ACTIVE,
        ).aggregate(supporters=Count("id"), amount=Sum("amount"))
        raised = Payment.objects.counted_for_onetime(campaign_id).aggregate(
            total=Sum(F("amount") - F("refunded_amount"))
        )
        return cls(
            campaign_id=campaign_id,
            monthly_supporters=monthly["supporters"],
            monthly_amount=monthly["amount"] or 0,
            onetime_raised=raised["total"] or 0,
        )

    def as_dict(self):
        return {name: getattr(self, name) for name in self.COUNTERS}


# Last: these modules import this one in turn (a cycle only method bodies close).
from donations.models.donations import Donation  # noqa: E402
from donations.models.payments import Payment  # noqa: E402
