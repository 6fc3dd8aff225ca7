"""Bank-transfer pledges in the ledger: a `Donation` with channel BANK_TRANSFER, status PENDING
and a short reference code the donor puts before their name on the transfer (振込依頼人名).
It counts only once staff (or a statement import) confirm the money arrived.

A mixin of `Donation`, so the pledge's state changes stay locked model methods built on the
ledger's own (`receive_payment`, `receive_invoice_payment`, `cancel`), apart from the Stripe code.
"""

import secrets

from django.db import IntegrityError, transaction

from jii_campaign.locking import locked_transition

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or copied by hand still matches.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 6


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class BankTransferPledges:
    """Methods of `Donation` for pledged bank transfers."""

    @classmethod
    def pledge_transfer(cls, *, campaign, frequency, amount, **fields):
        """A pending pledge with a fresh, unique reference code."""
        for _attempt in range(10):
            try:
                with transaction.atomic():
                    return cls.objects.create(
                        campaign=campaign,
                        frequency=frequency,
                        amount=amount,
                        channel=cls.Channel.BANK_TRANSFER,
                        status=cls.Status.PENDING,
                        reference=new_reference(),
                        **fields,
                    )
            except IntegrityError:  # the code was taken: draw another
                continue
        raise RuntimeError("no free bank-transfer reference code")

    @property
    def is_transfer_pledge(self):
        return self.channel == self.Channel.BANK_TRANSFER

    def awaits_transfer(self):
        """Whether a transfer for this pledge may still be confirmed: a one-time pledge once,
        a monthly one every month while it runs."""
        if not self.is_transfer_pledge:
            return False
        if self.is_monthly:
            return self.status in (self.Status.PENDING, self.Status.ACTIVE, self.Status.PAST_DUE)
        return self.status == self.Status.PENDING

    @locked_transition
    def confirm_transfer(self, *, amount=None, received_at=None):
        """The money arrived: record the payment and count it (a monthly pledge becomes an
        active supporter). Returns the new payment, or None when nothing may be confirmed."""
        if not self.awaits_transfer():
            return None
        amount = amount or self.amount
        if self.is_monthly:
            payment, _created = self.receive_invoice_payment(amount=amount, paid_at=received_at)
        else:
            payment, _created = self.receive_payment(amount=amount, paid_at=received_at)
        return payment

    @locked_transition
    def cancel_pledge(self):
        """The donor will not transfer after all (or staff end a monthly transfer)."""
        if not self.is_transfer_pledge:
            return False
        return self.cancel()
