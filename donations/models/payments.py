"""`Payment`: money that moved (a one-time gift, or one invoice of a monthly one), stored once
per Stripe id; refunds and disputes move the counters by the change in its net amount."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donations.models.donations import Donation
from donations.models.payment_failures import PaymentFailures
from donations.models.stripe_linked import StripeLinked, is_older
from jii_campaign.locking import locked_transition
from jii_campaign.money import format_yen


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


class Payment(StripeLinked, PaymentFailures, models.Model):
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
    # --- a failed invoice as Stripe retries it (models/payment_failures.py) ---
    failure_code = models.CharField(
        _("Decline reason"), max_length=50, blank=True, default="", db_default=""
    )
    attempt_count = models.PositiveSmallIntegerField(_("Attempts"), default=0, db_default=0)
    next_payment_attempt = models.DateTimeField(_("Next retry"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("Reminder sent"), null=True, blank=True)
    # Paid after it had failed: money that a retry or a card update brought back.
    recovered = models.BooleanField(_("Recovered after a failure"), default=False, db_default=False)
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
        self.recovered = self.status == self.Status.FAILED
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


# Last: these modules import this one in turn (a cycle only method bodies close).
from donations.models.counters import CampaignProgress  # noqa: E402
from donations.models.refunds import Refund  # noqa: E402
