"""`StatementLine`: one credit line of an imported bank statement, stored once by its key."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donations.models.donations import Donation
from donations.models.payments import Payment
from jii_campaign.locking import locked_transition
from jii_campaign.money import format_yen

# --- bank statements (donations/bank/statements.py imports them) ---------------------------


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
