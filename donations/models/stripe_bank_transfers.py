"""Bank transfers that Stripe matches (`customer_balance`, a virtual account per Customer), in
the ledger. The gift counts only when the payment intent succeeds (through the Checkout
session's async event, as konbini does); until then staff see what a partial transfer left
missing. What a donor sends beyond the gift stays in their Stripe cash balance: shown, never
counted.

A mixin of `Donation`: locked model methods, apart from the pledge's and the card's code."""

from django.utils import timezone
from django.utils.translation import gettext as _

from jii_campaign.locking import locked_transition
from jii_campaign.money import format_yen


class StripeBankTransfers:
    """Methods of `Donation` for Stripe's bank transfers."""

    @locked_transition
    def note_transfer_missing(self, amount_missing: int):
        """A partial transfer arrived (`payment_intent.partially_funded`): what is still to come.
        Only ever goes down, whatever order the reports come in; nothing once the gift is paid."""
        if self.status not in (self.Status.PENDING, self.Status.AWAITING_PAYMENT):
            return False
        known = self.transfer_amount_missing
        if known is not None and known <= amount_missing:
            return False
        self.transfer_amount_missing = amount_missing
        self.save(update_fields=["transfer_amount_missing", "updated_at"])
        return True

    @locked_transition
    def note_cash_balance(self, ending_balance: int, as_of):
        """The donor's Stripe cash balance after a transaction: once the gift has taken what it
        asked, anything left is what they sent beyond it. Two transactions of the same second
        (funded, then applied) leave the smaller balance, which is the later one."""
        known = self.transfer_balance_as_of
        if known and (
            as_of < known
            or (as_of == known and ending_balance >= (self.transfer_left_in_balance or 0))
        ):
            return False
        self.transfer_left_in_balance = ending_balance
        self.transfer_balance_as_of = as_of
        self.save(
            update_fields=["transfer_left_in_balance", "transfer_balance_as_of", "updated_at"]
        )
        return True

    @locked_transition
    def claim_payment_reminder(self):
        """The one reminder of a konbini slip or a transfer still awaited: True only for the
        first caller, and only while the money is still awaited."""
        if self.status != self.Status.AWAITING_PAYMENT or self.payment_reminder_sent_at:
            return False
        self.payment_reminder_sent_at = timezone.now()
        self.save(update_fields=["payment_reminder_sent_at", "updated_at"])
        return True

    def transfer_summary(self) -> str:
        """For staff: what a Stripe bank transfer still lacks, or what came beyond the gift."""
        if self.status == self.Status.SUCCEEDED and self.transfer_left_in_balance:
            return _("%(amount)s more than the gift, left in the donor’s Stripe balance") % {
                "amount": format_yen(self.transfer_left_in_balance)
            }
        if self.status in (self.Status.PENDING, self.Status.AWAITING_PAYMENT) and (
            self.transfer_amount_missing
        ):
            return _("Partly transferred: %(amount)s still missing") % {
                "amount": format_yen(self.transfer_amount_missing)
            }
        return ""
