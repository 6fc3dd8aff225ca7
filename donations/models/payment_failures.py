"""A monthly payment that failed, as Stripe retries it: why the card was declined (in plain
words for staff), how many attempts, when Stripe tries next, whether the second reminder went
out, and whether the money came in after all (`recovered`, set by `Payment.succeed`).

A mixin of `Payment`, so each change stays a locked method of the ledger."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jii_campaign.locking import locked_transition

# Stripe's decline codes (`decline_code`, else the error's `code`) that supporters meet most,
# in words staff can repeat on the phone.
DECLINE_REASONS = {
    "card_declined": _("The card issuer declined the payment"),
    "generic_decline": _("The card issuer declined the payment"),
    "do_not_honor": _("The card issuer declined the payment"),
    "insufficient_funds": _("Not enough funds or credit left on the card"),
    "expired_card": _("The card has expired"),
    "incorrect_cvc": _("The card's security code was wrong"),
    "incorrect_number": _("The card number was wrong"),
    "lost_card": _("The card was reported lost"),
    "stolen_card": _("The card was reported stolen"),
    "authentication_required": _("The bank asked the supporter to confirm the payment"),
    "processing_error": _("A processing error at the card company (usually passes)"),
}
UNKNOWN_REASON = _("No reason given")


def decline_reason(code: str) -> str:
    """Plain words for a decline code; the code itself when we have no words for it."""
    if not code:
        return str(UNKNOWN_REASON)
    return str(DECLINE_REASONS.get(code, code))


class PaymentFailures:
    """Methods of `Payment` for a failed invoice that Stripe is retrying."""

    @locked_transition
    def note_attempt(self, *, attempt_count, next_payment_attempt):
        """An attempt failed (`invoice.payment_failed`): the highest attempt number is the
        newest news, whatever order the events arrive in; its next retry comes with it (None
        after the last one)."""
        if self.status != self.Status.FAILED or attempt_count < self.attempt_count:
            return False
        if (attempt_count, next_payment_attempt) == (self.attempt_count, self.next_payment_attempt):
            return False  # the same try reported again
        self.attempt_count = attempt_count
        self.next_payment_attempt = next_payment_attempt
        self.save(update_fields=["attempt_count", "next_payment_attempt"])
        return True

    @locked_transition
    def note_failure_code(self, code: str):
        if not code or code == self.failure_code:
            return False
        self.failure_code = code[:50]
        self.save(update_fields=["failure_code"])
        return True

    def failure_reason(self) -> str:
        return decline_reason(self.failure_code)

    @locked_transition
    def mark_reminder_sent(self):
        if self.reminder_sent_at:
            return False
        self.reminder_sent_at = timezone.now()
        self.save(update_fields=["reminder_sent_at"])
        return True

    def still_failing(self) -> bool:
        """The money is still missing and Stripe still tries: a reminder is still worth it."""
        return (
            self.status == self.Status.FAILED
            and self.donation.status == self.donation.Status.PAST_DUE
        )
