"""`Refund`: one row per Stripe refund (or prevented dispute), its amount and state; a payment's
refunded total is derived from them and the charge's own report."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donations.models.payments import Payment
from donations.models.stripe_linked import is_older
from jii_campaign.money import format_yen


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
