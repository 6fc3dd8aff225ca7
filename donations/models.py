"""The donation ledger: pledges (one-time or monthly), the payments received against them, the
Stripe events applied to them, and the campaign counters derived from them.

Every state change is a method that locks its row, checks the current state and does nothing
when the change is already done, so a redelivered or late Stripe event never counts twice.
"""

import contextlib
import datetime
import threading

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donations.bank_transfers import BankTransferPledges
from jii_campaign import page_cache
from jii_campaign.locking import locked_transition
from jii_campaign.money import format_yen


def is_older(as_of, known_as_of):
    """Whether news from Stripe (an event's time) predates what a row already knows."""
    return bool(as_of and known_as_of and as_of < known_as_of)


class StripeLinked:
    """Rows that learn their Stripe ids one event at a time."""

    def link_stripe(self, **ids):
        """Fill in Stripe ids we did not know yet; never overwrite one we have. Returns the
        names of the fields filled in."""
        changed = [name for name, value in ids.items() if value and not getattr(self, name)]
        for name in changed:
            setattr(self, name, ids[name])
        if changed:
            auto = [field.name for field in self._meta.fields if getattr(field, "auto_now", False)]
            self.save(update_fields=[*changed, *auto])
        return changed


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
        page_cache.changed()
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


class DonationQuerySet(models.QuerySet):
    def manageable_by(self, email):
        """Monthly donations that a donor with this address can still manage."""
        return self.filter(
            donor_email__iexact=email.strip(),
            frequency=Donation.Frequency.MONTHLY,
            status__in=[Donation.Status.ACTIVE, Donation.Status.PAST_DUE],
        ).exclude(stripe_customer_id="")


class Donation(StripeLinked, BankTransferPledges, models.Model):
    """A donor's pledge: one gift, or a monthly subscription with many payments."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        ONCE = "once", _("One-time")

    class Channel(models.TextChoices):
        STRIPE = "stripe", _("Online payment")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        OFFLINE = "offline", _("Other (recorded by staff)")

    class Status(models.TextChoices):
        PENDING = "pending", _("In progress")
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        SUCCEEDED = "succeeded", _("Received")
        REFUNDED = "refunded", _("Refunded")
        DISPUTED = "disputed", _("Disputed (chargeback)")
        VOIDED = "voided", _("Voided by staff")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment overdue")
        CANCELED = "canceled", _("Cancelled")

    class PublicName(models.TextChoices):
        NAME = "name", _("Name")
        NICKNAME = "nickname", _("Nickname")
        ANONYMOUS = "anonymous", _("Anonymous")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("Campaign"),
    )
    frequency = models.CharField(_("Frequency"), max_length=10, choices=Frequency.choices)
    channel = models.CharField(
        _("Received via"), max_length=20, choices=Channel.choices, default=Channel.STRIPE
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    amount = models.PositiveIntegerField(_("Amount (¥)"))
    donor_name = models.CharField(_("Name"), max_length=100, blank=True)
    donor_email = models.EmailField(_("Email address"), blank=True)
    public_name = models.CharField(
        _("Shown publicly as"),
        max_length=10,
        choices=PublicName.choices,
        default=PublicName.ANONYMOUS,
    )
    nickname = models.CharField(_("Nickname"), max_length=100, blank=True)
    payer_kana = models.CharField(
        _("Payer name on the transfer (kana)"),
        max_length=100,
        blank=True,
        help_text=_("For bank transfers: the name the bank statement will show."),
    )
    locale = models.CharField(_("Language"), max_length=10, default="ja")
    support_message = models.OneToOneField(
        "testimonials.SupportMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="donation",
        verbose_name=_("Cheering message"),
    )
    # One per submitted confirmation form: a double click finds the same donation.
    checkout_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Part of the idempotency key: Stripe replays a failed request's error for 24 hours, so a
    # new try after a failure needs a new key, while a double click shares one.
    checkout_attempt = models.PositiveSmallIntegerField(default=0, editable=False)
    reference = models.CharField(
        _("Reference number"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_("A unique number used to match bank transfers, etc. (optional)."),
    )
    stripe_checkout_session_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True
    )
    stripe_payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_subscription_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    cancel_at_period_end = models.BooleanField(_("Cancel at end of period"), default=False)
    # The subscription's `cancel_at`: the date Stripe ends it on (set in the portal, or by
    # Stripe itself to the period's end); null when no end is scheduled.
    cancel_at = models.DateTimeField(_("Ends on"), null=True, blank=True)
    # Time (Stripe's) of the newest event that set `status`: older events cannot undo it.
    status_as_of = models.DateTimeField(null=True, blank=True, editable=False)
    # The same for `cancel_at_period_end` and `cancel_at`, which other events (an invoice paid)
    # do not speak of.
    cancel_at_period_end_as_of = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.TextField(_("Notes"), blank=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Donation")
        verbose_name_plural = _("Donation")
        ordering = ["-created_at"]
        # Staff pages beyond viewing and editing rows, each granted on its own (staff_roles.py).
        permissions = [
            ("view_dashboard", "Can see the campaign dashboard"),
            ("export_donations", "Can export donations and donors as CSV"),
            ("download_receipts", "Can download donors' receipts"),
            ("anonymize_donor", "Can erase a donor's personal data"),
        ]
        indexes = [
            models.Index(fields=["campaign", "frequency", "status"], name="donation_counting"),
            models.Index(fields=["donor_email"], name="donation_email"),
            models.Index(fields=["-created_at"], name="donation_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_frequency_display()} {format_yen(self.amount)}"

    @property
    def is_monthly(self):
        return self.frequency == self.Frequency.MONTHLY

    def public_display_name(self):
        """The name the donor chose to show; empty when they chose to stay anonymous, so that
        each reader sees "anonymous" in their own language."""
        if self.public_name == self.PublicName.NAME:
            return self.donor_name
        if self.public_name == self.PublicName.NICKNAME:
            return self.nickname
        return ""

    # --- staff-recorded gifts --------------------------------------------------------------

    @classmethod
    def record_offline(cls, *, campaign, frequency, amount, received_at=None, **fields):
        """A gift staff received outside Stripe (bank transfer, cash): it counts at once.
        With a `reference`, recording the same gift twice returns the first record."""
        reference = fields.get("reference")
        if reference and (existing := cls.objects.filter(reference=reference).first()):
            return existing
        fields.setdefault("channel", cls.Channel.OFFLINE)
        try:
            with transaction.atomic():
                donation = cls.objects.create(
                    campaign=campaign, frequency=frequency, amount=amount, **fields
                )
                if donation.is_monthly:
                    donation.activate(as_of=received_at)
                else:
                    donation.receive_payment(amount=amount, paid_at=received_at)
        except IntegrityError:
            if reference and (existing := cls.objects.filter(reference=reference).first()):
                return existing
            raise
        return donation

    @locked_transition
    def void(self):
        """Take back a gift staff recorded by mistake. The rows stay, so the ledger still adds
        up: the gift is voided (a monthly one no longer counts) and its payments count as
        refunded in full. False when already void, or for an online gift (Stripe owns those)."""
        if self.channel == self.Channel.STRIPE or self.status == self.Status.VOIDED:
            return False
        for payment in self.payments.filter(status=Payment.Status.SUCCEEDED):
            payment.record_refund(payment.amount)
        self._set_status(self.Status.VOIDED, None)
        with translation.override(settings.LANGUAGE_CODE):
            line = _("%(date)s voided by staff") % {"date": timezone.localdate()}
        self.note = f"{self.note}\n{line}" if self.note else line
        self.save(update_fields=["note", "updated_at"])
        return True

    # --- Stripe identifiers --------------------------------------------------------------

    def note_failed_checkout(self):
        """Stripe did not create the session; the donor's next try gets a fresh key."""
        type(self).objects.filter(pk=self.pk).update(checkout_attempt=F("checkout_attempt") + 1)
        self.checkout_attempt += 1

    # --- one-time gifts ------------------------------------------------------------------

    @locked_transition
    def receive_payment(self, *, amount, paid_at=None, **payment_ids):
        """Money received for a one-time gift, which is paid once: however often that is
        reported, with or without Stripe ids, it is one payment. Returns (payment, created)."""
        if payment := self.payments.first():
            created = payment.succeed(amount=amount, paid_at=paid_at, **payment_ids)
        else:
            payment, created = Payment.record_success(
                donation=self, amount=amount, paid_at=paid_at, **payment_ids
            )
        self._show_outcome(payment)
        return payment, created

    @locked_transition
    def await_payment(self):
        """Konbini: the donor has a voucher and pays later."""
        return self._move(self.Status.AWAITING_PAYMENT, frm=[self.Status.PENDING])

    @locked_transition
    def fail(self):
        return self._move(
            self.Status.FAILED, frm=[self.Status.PENDING, self.Status.AWAITING_PAYMENT]
        )

    @locked_transition
    def expire(self):
        return self._move(self.Status.EXPIRED, frm=[self.Status.PENDING])

    # --- monthly subscriptions -----------------------------------------------------------

    @locked_transition
    def activate(self, as_of=None):
        """The subscription is running (first payment made, or a failed one recovered)."""
        return self._move(
            self.Status.ACTIVE,
            frm=[self.Status.PENDING, self.Status.PAST_DUE, self.Status.EXPIRED],
            as_of=as_of,
        )

    @locked_transition
    def mark_past_due(self, as_of=None):
        return self._move(self.Status.PAST_DUE, frm=[self.Status.ACTIVE], as_of=as_of)

    @locked_transition
    def cancel(self, as_of=None):
        """Ended for good: no later event brings a canceled subscription back."""
        if self.status not in (self.Status.PENDING, self.Status.ACTIVE, self.Status.PAST_DUE):
            return False
        self._set_status(self.Status.CANCELED, as_of)
        return True

    @locked_transition
    def receive_invoice_payment(self, *, amount, paid_at=None, as_of=None, **payment_ids):
        """One monthly invoice paid: recorded once, and the subscription is running.
        Returns (payment, created)."""
        payment, created = Payment.record_success(
            donation=self, amount=amount, paid_at=paid_at, **payment_ids
        )
        self.activate(as_of=as_of)
        return payment, created

    @locked_transition
    def record_invoice_failure(self, *, amount, as_of=None, **payment_ids):
        """A monthly invoice could not be charged. Returns (payment, created)."""
        payment, created = Payment.record_failure(donation=self, amount=amount, **payment_ids)
        if payment.status == Payment.Status.FAILED:
            self.mark_past_due(as_of=as_of)
        return payment, created

    @locked_transition
    def set_scheduled_end(self, *, cancel_at_period_end, cancel_at=None, as_of=None):
        """When the subscription is set to end, as the newest subscription event says: at the
        period's end, on a date (`cancel_at`), or not at all (both cleared)."""
        if is_older(as_of, self.cancel_at_period_end_as_of):
            return False
        changed = (self.cancel_at_period_end, self.cancel_at) != (cancel_at_period_end, cancel_at)
        # Newer news of the same choice still outdates older news of the other.
        if changed or (as_of and as_of != self.cancel_at_period_end_as_of):
            self.cancel_at_period_end = cancel_at_period_end
            self.cancel_at = cancel_at
            self.cancel_at_period_end_as_of = as_of or self.cancel_at_period_end_as_of
            self.save(
                update_fields=[
                    "cancel_at_period_end",
                    "cancel_at",
                    "cancel_at_period_end_as_of",
                    "updated_at",
                ]
            )
        return changed

    def scheduled_end(self):
        """Words for staff and donors: "Ends on 2027-01-31", "Ends at the end of the current
        period", or "" while the subscription runs on (or is no longer running)."""
        if not self.is_monthly or self.status not in (self.Status.ACTIVE, self.Status.PAST_DUE):
            return ""
        if self.cancel_at:
            date = timezone.localdate(self.cancel_at)
            return _("Ends on %(date)s") % {"date": date.isoformat()}
        if self.cancel_at_period_end:
            return _("Ends at the end of the current period")
        return ""

    # --- internals -----------------------------------------------------------------------

    def _move(self, status, *, frm, as_of=None):
        if is_older(as_of, self.status_as_of):
            return False
        if self.status == status:
            # Newer news of the same state still outdates older news of another state.
            if as_of and as_of != self.status_as_of:
                self.status_as_of = as_of
                self.save(update_fields=["status_as_of", "updated_at"])
            return False
        if self.status not in frm:
            return False
        self._set_status(status, as_of)
        return True

    def _set_status(self, status, as_of):
        counted_before = self._counted_monthly()
        self.status = status
        if as_of:
            self.status_as_of = as_of
        self.save(update_fields=["status", "status_as_of", "updated_at"])
        change = self._counted_monthly() - counted_before
        if change:
            CampaignProgress.add(
                self.campaign_id, monthly_supporters=change, monthly_amount=change * self.amount
            )
        self.release_support_message()

    def release_support_message(self):
        """A message left with this gift joins the moderation queue once the gift is paid."""
        if self.support_message_id and self.status in (self.Status.SUCCEEDED, self.Status.ACTIVE):
            self.support_message.release_after_gift()

    def _show_outcome(self, payment):
        """A one-time gift's status says what became of its money: received, refunded in full,
        or withdrawn by a dispute (received again once the dispute is won). Voiding is final,
        and a monthly gift's status follows its subscription instead."""
        if self.is_monthly or self.status == self.Status.VOIDED:
            return
        if payment.disputed:
            status = self.Status.DISPUTED
        elif payment.refunded_amount >= payment.amount:
            status = self.Status.REFUNDED
        else:
            status = self.Status.SUCCEEDED
        if self.status != status:
            self._set_status(status, None)

    def _counted_monthly(self):
        return int(self.is_monthly and self.status == self.Status.ACTIVE)


class DisputeStatus(models.TextChoices):
    """A dispute's statuses in API 2026-10-28, as staff need to read them."""

    WARNING_NEEDS_RESPONSE = (
        "warning_needs_response",
        _("Inquiry: answer the card issuer (money not withdrawn)"),
    )
    WARNING_UNDER_REVIEW = (
        "warning_under_review",
        _("Inquiry under review (money not withdrawn)"),
    )
    WARNING_CLOSED = "warning_closed", _("Inquiry closed (money kept)")
    NEEDS_RESPONSE = "needs_response", _("Chargeback: evidence needed (money withdrawn)")
    UNDER_REVIEW = "under_review", _("Chargeback under review (money withdrawn)")
    APPEAL_NEEDS_RESPONSE = (
        "appeal_needs_response",
        _("Chargeback appeal: evidence needed (money withdrawn)"),
    )
    APPEAL_UNDER_REVIEW = (
        "appeal_under_review",
        _("Chargeback appeal under review (money withdrawn)"),
    )
    WON = "won", _("Chargeback won (money returned)")
    LOST = "lost", _("Chargeback lost (money withdrawn for good)")
    PREVENTED = "prevented", _("Prevented: refunded instead of a chargeback")


DISPUTE_WITHDRAWS_MONEY = frozenset(
    {
        DisputeStatus.NEEDS_RESPONSE,
        DisputeStatus.UNDER_REVIEW,
        DisputeStatus.APPEAL_NEEDS_RESPONSE,
        DisputeStatus.APPEAL_UNDER_REVIEW,
        DisputeStatus.LOST,
    }
)
DISPUTE_CLOSED = frozenset(
    {DisputeStatus.WARNING_CLOSED, DisputeStatus.WON, DisputeStatus.LOST, DisputeStatus.PREVENTED}
)


class PaymentQuerySet(models.QuerySet):
    def counted_for_onetime(self, campaign_id):
        """Payments whose net amount counts towards the one-time total."""
        return self.filter(
            donation__campaign_id=campaign_id,
            donation__frequency=Donation.Frequency.ONCE,
            status=Payment.Status.SUCCEEDED,
            disputed=False,
        )


class Payment(StripeLinked, models.Model):
    """Money that moved: a one-time gift, or one invoice of a monthly subscription."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Received")
        FAILED = "failed", _("Failed")

    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, related_name="payments", verbose_name=_("Donation")
    )
    amount = models.PositiveIntegerField(_("Amount (¥)"))
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices)
    # Derived from the refund rows and the charge's newest report (`refunded_by_stripe`),
    # kept here for the counters, exports and receipts that add up net amounts.
    refunded_amount = models.PositiveIntegerField(_("Refunded amount (¥)"), default=0)
    # `amount_refunded` of the newest `charge.refunded`, and that event's time.
    # (Database defaults too: bench_data and the benchmarks insert payments in bulk SQL.)
    charge_refunded_amount = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    charge_refunded_as_of = models.DateTimeField(null=True, blank=True, editable=False)
    # The money is withdrawn by a dispute (open, appealed or lost): it does not count.
    disputed = models.BooleanField(_("Disputed"), default=False)
    dispute_status = models.CharField(
        _("Dispute"), max_length=30, choices=DisputeStatus.choices, blank=True, db_default=""
    )
    dispute_as_of = models.DateTimeField(null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(_("Received at"), null=True, blank=True)
    stripe_invoice_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_charge_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    receipt_sent_at = models.DateTimeField(_("Receipt email sent at"), null=True, blank=True)
    failure_notice_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    objects = PaymentQuerySet.as_manager()
    locked_after = "donation"  # see locked_transition

    class Meta:
        verbose_name = _("Payment")
        verbose_name_plural = _("Payment")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["donation", "status"], name="payment_counting"),
            # The dashboard's money by month and by day, and the yearly donor figure.
            models.Index(fields=["paid_at"], name="payment_paid_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("amount")), name="payment_refund_within_amount"
            ),
        ]

    def __str__(self):
        return f"{self.receipt_number} {format_yen(self.amount)}"

    @property
    def receipt_number(self):
        # The year in Japan, as the receipt's date shows it (not UTC's, on New Year's Day).
        year = timezone.localtime(self.paid_at or self.created_at or timezone.now()).year
        return f"JII-{year}-{self.pk:07d}"

    @property
    def net_amount(self):
        if self.status != self.Status.SUCCEEDED or self.disputed:
            return 0
        return self.amount - self.refunded_amount

    @classmethod
    def record_success(cls, *, donation, amount, paid_at=None, **stripe_ids):
        """Record money received; a payment already known by a Stripe id is not recorded again.
        Returns (payment, created); a known failed invoice that is now paid counts as created."""
        lookup = {name: value for name, value in stripe_ids.items() if value}
        payment = cls._find(lookup)
        if payment is None:
            payment = cls.objects.create(
                donation=donation,
                amount=amount,
                status=cls.Status.SUCCEEDED,
                paid_at=paid_at or timezone.now(),
                **lookup,
            )
            payment._count(0)
            return payment, True
        return payment, payment.succeed(amount=amount, paid_at=paid_at, **lookup)

    @classmethod
    def record_failure(cls, *, donation, amount, **stripe_ids):
        """A failed attempt (an unpaid invoice). Returns (payment, created)."""
        lookup = {name: value for name, value in stripe_ids.items() if value}
        if payment := cls._find(lookup):
            return payment, False
        return cls.objects.create(
            donation=donation, amount=amount, status=cls.Status.FAILED, **lookup
        ), True

    @classmethod
    def _find(cls, lookup):
        if not lookup:
            return None
        query = Q()
        for name, value in lookup.items():
            query |= Q(**{name: value})
        return cls.objects.select_for_update().filter(query).first()

    @locked_transition
    def succeed(self, *, amount, paid_at=None, **stripe_ids):
        for name, value in stripe_ids.items():
            if value and not getattr(self, name):
                setattr(self, name, value)
        if self.status == self.Status.SUCCEEDED:
            self.save()
            return False
        before = self.net_amount
        self.status = self.Status.SUCCEEDED
        self.amount = amount
        self.paid_at = paid_at or timezone.now()
        self.save()
        self._count(before)
        return True

    @locked_transition
    def record_refund(self, refunded_total, as_of=None):
        """The charge's refunded total as Stripe reported it (`charge.refunded`), or staff's
        voiding. The newest report counts: an older one arriving late cannot undo it, and a
        refund that failed after a report is taken out of it. A report without a time (staff's,
        or one stored before reports had times) is news only when it grows."""
        refunded_total = min(refunded_total, self.amount)
        known_total, known_as_of = self.charge_refunded_amount, self.charge_refunded_as_of
        if as_of is None:
            newer = refunded_total > known_total
        elif known_as_of is None:
            newer = refunded_total >= known_total
        else:
            newer = as_of > known_as_of or (as_of == known_as_of and refunded_total > known_total)
        if not newer:
            return False
        self.charge_refunded_amount = refunded_total
        self.charge_refunded_as_of = as_of or known_as_of
        self.save(update_fields=["charge_refunded_amount", "charge_refunded_as_of"])
        return self._settle_refunds()

    @locked_transition
    def record_stripe_refund(self, stripe_refund_id, *, amount, status, created=None, as_of=None):
        """One refund as Stripe reported it, by its id (`refund.*`, `charge.refund.updated`),
        or the refund that a prevented dispute stands for (by the dispute's id)."""
        refund, _created = Refund.objects.select_for_update().get_or_create(
            stripe_refund_id=stripe_refund_id,
            defaults={"payment": self, "amount": min(amount, self.amount), "status": status},
        )
        if refund.payment_id != self.pk:
            return False
        refund.report(status=status, created=created, as_of=as_of)
        return self._settle_refunds()

    def refunded_by_stripe(self):
        """What the refund rows and the charge's newest report say is refunded. A refund that
        failed or was cancelled after the report was made is taken out of the report (Stripe
        puts the money back); refunds reported one by one count at least their sum."""
        live, failed_in_report = 0, 0
        report_as_of = self.charge_refunded_as_of
        for refund in self.refunds.all():
            if refund.status in Refund.MONEY_OUT:
                live += refund.amount
            elif refund.was_in_report(report_as_of):
                failed_in_report += refund.amount
        return min(self.amount, max(live, self.charge_refunded_amount - failed_in_report))

    @locked_transition
    def settle_refunds(self):
        """Bring the stored refunded amount in line with the refunds (a repair)."""
        return self._settle_refunds()

    def _settle_refunds(self):
        refunded = self.refunded_by_stripe()
        if refunded == self.refunded_amount:
            return False
        before = self.net_amount
        self.refunded_amount = refunded
        self.save(update_fields=["refunded_amount"])
        self._count(before)
        self.donation._show_outcome(self)
        return True

    @locked_transition
    def set_dispute_status(self, dispute_id, status, *, amount, as_of=None):
        """A dispute's status says where the money is: an inquiry (`warning_…`) withdraws
        nothing; an open, appealed or lost dispute withdraws it; a dispute won gives it back;
        a prevented one was settled by refunding the charge instead, so the money counts as
        refunded and the gift is no chargeback. Prevented is final; otherwise the newest
        event counts, and at the same second a closed status beats an open one."""
        if self.dispute_status == DisputeStatus.PREVENTED:
            return False
        if status == DisputeStatus.PREVENTED:
            self.record_stripe_refund(
                dispute_id,
                amount=min(amount or self.amount, self.amount),
                status=Refund.Status.SUCCEEDED,
                as_of=as_of,
            )
        elif is_older(as_of, self.dispute_as_of) or (
            as_of
            and as_of == self.dispute_as_of
            and self.dispute_status in DISPUTE_CLOSED
            and status not in DISPUTE_CLOSED
        ):
            return False
        before = self.net_amount
        self.dispute_status = status
        self.dispute_as_of = as_of or self.dispute_as_of
        self.disputed = status in DISPUTE_WITHDRAWS_MONEY
        self.save(update_fields=["dispute_status", "disputed", "dispute_as_of"])
        self._count(before)
        self.donation._show_outcome(self)
        return True

    @locked_transition
    def mark_receipt_sent(self):
        if self.receipt_sent_at:
            return False
        self.receipt_sent_at = timezone.now()
        self.save(update_fields=["receipt_sent_at"])
        return True

    @locked_transition
    def mark_failure_notice_sent(self):
        if self.failure_notice_sent_at:
            return False
        self.failure_notice_sent_at = timezone.now()
        self.save(update_fields=["failure_notice_sent_at"])
        return True

    def _count(self, net_before):
        """Move the one-time total by the change in this payment's net amount."""
        donation = self.donation
        if donation.frequency == Donation.Frequency.ONCE:
            CampaignProgress.add(donation.campaign_id, onetime_raised=self.net_amount - net_before)


class Refund(models.Model):
    """One refund of a payment, by its Stripe id, in the state Stripe last reported. A refund
    can fail or be cancelled after the fact, and the money comes back: the payment's refunded
    amount is derived from these rows (`Payment.refunded_by_stripe`), never only added to."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Refund in progress")
        REQUIRES_ACTION = "requires_action", _("Refund waiting for the donor")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Refund failed (the money is ours again)")
        CANCELED = "canceled", _("Refund cancelled (the money is ours again)")

    MONEY_OUT = frozenset({Status.PENDING, Status.REQUIRES_ACTION, Status.SUCCEEDED})
    FINAL = frozenset({Status.FAILED, Status.CANCELED})

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("Payment")
    )
    # A refund's id (re_…), or a prevented dispute's (dp_…): refunded instead of charged back.
    stripe_refund_id = models.CharField(max_length=255, unique=True)
    amount = models.PositiveIntegerField(_("Amount (¥)"))
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    refunded_at = models.DateTimeField(_("Refunded at"), null=True, blank=True)
    # Time (Stripe's) of the event that set `status`.
    status_as_of = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Refund")
        verbose_name_plural = _("Refund")
        ordering = ["refunded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self):
        return f"{self.stripe_refund_id} {format_yen(self.amount)} {self.get_status_display()}"

    def report(self, *, status, created=None, as_of=None):
        """Stripe's news of this refund (the row is locked by the caller). Failed and
        cancelled are final; otherwise the newest news counts."""
        if created and not self.refunded_at:
            self.refunded_at = created
        if self.status in self.FINAL or status not in self.Status.values:
            self.save(update_fields=["refunded_at"])
            return
        if status in self.FINAL or not is_older(as_of, self.status_as_of):
            self.status = status
            self.status_as_of = as_of or self.status_as_of
        self.save(update_fields=["status", "status_as_of", "refunded_at"])

    def was_in_report(self, report_as_of):
        """Whether the charge's report made at `report_as_of` counted this refund, which has
        since failed or been cancelled: made after the refund and not after its failure. A
        report without a time (kept from before reports had times) counted every refund."""
        if report_as_of is None:
            return True
        made_after_refund = self.refunded_at is None or self.refunded_at <= report_as_of
        before_failure = self.status_as_of is None or report_as_of <= self.status_as_of
        return made_after_refund and before_failure


class StripeEventQuerySet(models.QuerySet):
    def queued(self):
        """Recorded, not applied yet, and for the event worker to apply (not held)."""
        return self.filter(processed_at__isnull=True, held=False)

    def held(self):
        """Events of another API version, waiting for staff (`StripeEvent.held`)."""
        return self.filter(held=True)

    def due(self):
        """Queued events to apply now, oldest first; one that failed waits until its retry_at."""
        return (
            self.queued()
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now()))
            .order_by("created", "id")
        )


class StripeEvent(models.Model):
    """Every Stripe event we received, by its id: a redelivery is recognised and skipped."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    created = models.DateTimeField(_("Occurred at (Stripe)"))
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    # The Stripe objects the event is about, so that an event that arrived before its payment
    # is found again without reading payloads. Null when the event names no such object.
    payment_intent_id = models.CharField(max_length=255, null=True, db_index=True)  # noqa: DJ001
    charge_id = models.CharField(max_length=255, null=True, db_index=True)  # noqa: DJ001
    invoice_id = models.CharField(max_length=255, null=True, db_index=True)  # noqa: DJ001
    received_at = models.DateTimeField(
        pgettext_lazy("stripe event", "Received at"), auto_now_add=True
    )
    processed_at = models.DateTimeField(_("Processed at"), null=True, blank=True)
    # An event waiting to be applied (processed_at null) that failed: how often, with what, and
    # when the applier tries it again. The traceback is in the log.
    attempts = models.PositiveIntegerField(_("Failed attempts"), default=0)
    last_error = models.CharField(_("Last error"), max_length=200, blank=True)
    retry_at = models.DateTimeField(_("Next attempt"), null=True, blank=True)
    # When `manage.py scrub_stripe_events` removed the donor's personal data from the payload.
    scrubbed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The API version Stripe rendered the event in: the webhook endpoint's own, which may differ
    # from the one the site is written for (stripe_gateway.API_VERSION). Blank: none was sent.
    api_version = models.CharField(_("API version"), max_length=64, blank=True)
    # An event of another version: its object is not shaped as our handlers read it, so the
    # worker leaves it to staff, who apply it from the object fetched again from Stripe.
    held = models.BooleanField(_("Other API version: needs attention"), default=False)
    refetched_at = models.DateTimeField(
        _("Fetched again from Stripe at"), null=True, blank=True, editable=False
    )

    objects = StripeEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe event")
        ordering = ["-received_at"]
        indexes = [
            # The applier's queue: only the few events not applied yet are in it.
            models.Index(
                fields=["created", "id"],
                condition=models.Q(processed_at__isnull=True, held=False),
                name="stripeevent_queued",
            ),
            models.Index(
                fields=["created"], condition=models.Q(held=True), name="stripeevent_held"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(held=True, processed_at__isnull=False),
                name="stripeevent_held_is_not_applied",
            )
        ]

    def __str__(self):
        return f"{self.type} {self.event_id}"

    @classmethod
    def record(cls, event: dict, *, held=False, **objects_named) -> bool:
        """Store a verified event once by its id (`held` when it is of another API version);
        False when it was stored before. A delivery racing its duplicate waits for the other's
        transaction and then sees its row.

        One statement, committed on its own: what the webhook does for every delivery
        (`bulk_create` would add a transaction around it)."""
        row = cls(
            event_id=event["id"],
            type=event["type"],
            created=cls.stripe_time(event["created"]),
            livemode=bool(event.get("livemode")),
            payload=event,
            api_version=event.get("api_version") or "",
            held=held,
            **objects_named,
        )
        fields = [field for field in cls._meta.concrete_fields if not field.primary_key]
        quote = connection.ops.quote_name
        # Names from the model, quoted; the values go as parameters.
        sql = "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO NOTHING RETURNING {}".format(  # nosec B608
            quote(cls._meta.db_table),
            ", ".join(quote(field.column) for field in fields),
            ", ".join(["%s"] * len(fields)),
            quote(cls._meta.get_field("event_id").column),
            quote(cls._meta.pk.column),
        )
        values = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.fetchone() is not None

    @classmethod
    def mark_applied(cls, records):
        """Applied, in the transaction that applied them (whose row locks they hold)."""
        now = timezone.now()
        cls.objects.filter(pk__in=[record.pk for record in records]).update(
            processed_at=now, retry_at=None
        )
        for record in records:
            record.processed_at, record.retry_at = now, None

    @locked_transition
    def note_failure(self, error: Exception, pause: datetime.timedelta):
        """Applying failed (the transaction that tried was rolled back): try again after
        `pause`. Only the exception's class is kept here; its message may hold personal data."""
        if self.processed_at:
            return
        self.attempts += 1
        self.last_error = type(error).__name__[:200]
        self.retry_at = timezone.now() + pause
        self.save(update_fields=["attempts", "last_error", "retry_at"])

    @locked_transition
    def release(self, current_object: dict, api_version: str, **objects_named) -> bool:
        """A held event's object, as Stripe answers it now in our `api_version`, takes the place
        of the one it was sent with; the event is then applied like any other of our version, in
        this transaction. False when it is no longer held (another press released it)."""
        if not self.held:
            return False
        self.payload["data"]["object"] = current_object
        self.payload["api_version"] = api_version
        self.held = False
        self.refetched_at = timezone.now()
        for name, value in objects_named.items():
            setattr(self, name, value)
        self.save(update_fields=["payload", "held", "refetched_at", *objects_named])
        return True

    @staticmethod
    def stripe_time(timestamp):
        return datetime.datetime.fromtimestamp(int(timestamp), tz=datetime.UTC)


# --- bank statements (donations/bank_statements.py imports them) ---------------------------


class StatementLine(models.Model):
    """One credit line of an imported bank statement, stored once by its key, so that
    importing the same file again changes nothing."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched to a pledge")
        UNMATCHED = "unmatched", _("To be resolved")
        ATTACHED = "attached", _("Attached to a pledge by staff")
        RECORDED = "recorded", _("Recorded as a gift by staff")
        IGNORED = "ignored", _("Not a donation")

    key = models.CharField(max_length=64, unique=True, editable=False)
    booked_on = models.DateField(_("Date"))
    payer_name = models.CharField(_("Payer name"), max_length=200)
    amount = models.PositiveIntegerField(_("Amount (¥)"))
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    donation = models.ForeignKey(
        Donation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statement_lines",
        verbose_name=_("Donation"),
    )
    suggested = models.ForeignKey(
        Donation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Possible pledge"),
    )
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="statement_line"
    )
    file_name = models.CharField(_("Imported from"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("Imported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("Resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Bank statement line")
        verbose_name_plural = _("Bank statement line")
        ordering = ["-booked_on", "id"]
        permissions = [("import_statement", "Can import bank statements")]
        indexes = [models.Index(fields=["status", "-booked_on"], name="statement_line_status")]

    def __str__(self):
        return f"{self.booked_on} {self.payer_name} {format_yen(self.amount)}"

    @locked_transition
    def resolve(self, status, *, donation=None, payment=None):
        """Staff decided what this line is; False when someone already did."""
        if self.status != self.Status.UNMATCHED:
            return False
        self.status, self.donation, self.payment = status, donation, payment
        self.resolved_at = timezone.now()
        self.save(update_fields=["status", "donation", "payment", "resolved_at"])
        return True
