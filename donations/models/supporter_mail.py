"""The once-only mails of a monthly gift (the welcome, the goodbye after the last failed
payment, the card-expiry reminder), each marked on its `Donation` under the row lock, so a
duplicated task sends nothing twice; and what the supporter chose for every mail, read once
(`mail_choices`).

A mixin of `Donation`."""

from dataclasses import dataclass

from django.utils import timezone

from jii_campaign.locking import locked_transition


@dataclass(frozen=True)
class MailChoices:
    allowed: bool  # an address, whose mail was not stopped (a bounce or a complaint)
    language: str  # of e-mails; else the language the supporter gave in
    receipt_name: str  # else the name given with the gift


class SupporterMail:
    """Methods of `Donation` for the mails sent once per gift (or once per card)."""

    @locked_transition
    def mark_welcome_sent(self):
        return self._mark_once("welcome_sent_at")

    @locked_transition
    def mark_goodbye_sent(self):
        return self._mark_once("goodbye_sent_at")

    @locked_transition
    def mark_card_expiry_reminded(self, card_key: str):
        """`card_key`: the payment method and its expiry; a new card is reminded again."""
        if self.card_expiry_reminded_for == card_key:
            return False
        self.card_expiry_reminded_for = card_key
        self.save(update_fields=["card_expiry_reminded_for"])
        return True

    def card_key(self) -> str:
        """The card as a reminder knows it: a new card, or a new expiry, is a new key."""
        return f"{self.card_payment_method_id}:{self.card_exp_year}-{self.card_exp_month}"

    @locked_transition
    def note_card(self, *, payment_method_id: str, exp_month: int, exp_year: int):
        """The card Stripe charges, as the last payment event or retrieve showed it."""
        card = (payment_method_id, exp_month, exp_year)
        if card == (self.card_payment_method_id, self.card_exp_month, self.card_exp_year):
            return False
        self.card_payment_method_id = payment_method_id
        self.card_exp_month, self.card_exp_year = exp_month, exp_year
        self.save(update_fields=["card_payment_method_id", "card_exp_month", "card_exp_year"])
        return True

    def mail_choices(self) -> "MailChoices":
        """What the supporter chose for the mail about to go, read once: whether to write at
        all, in which language, under which name on receipts."""
        preference = SupporterPreference.objects.read(self.donor_email)
        return MailChoices(
            allowed=bool(preference.email) and not preference.mail_stopped,
            language=preference.language or self.locale or "ja",
            receipt_name=preference.receipt_name or self.donor_name,
        )

    def _mark_once(self, field):
        if getattr(self, field):
            return False
        setattr(self, field, timezone.now())
        self.save(update_fields=[field])
        return True


# Last: the package imports this module before that one.
from donations.models.supporter_preferences import SupporterPreference  # noqa: E402
