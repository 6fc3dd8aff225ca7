"""Monthly supporters at risk: the latest monthly payment failed and Stripe still retries (the
gift is past due). Who they are, why the card was declined (the error code in plain words), how
many tries, Stripe's next retry, and when we last wrote to them; for the dashboard's count and
the staff list behind its own permission (`donations.view_supporters_at_risk`). One query."""

from dataclasses import dataclass

from donations.models import Donation, Payment


@dataclass
class AtRisk:
    donation: Donation
    payment: Payment

    @property
    def reason(self):
        return self.payment.failure_reason()

    @property
    def last_contact(self):
        """The last failure notice or second reminder mailed about this payment."""
        sent = [self.payment.failure_notice_sent_at, self.payment.reminder_sent_at]
        return max((moment for moment in sent if moment), default=None)


def at_risk(campaign=None) -> list[AtRisk]:
    """Of one campaign, or all: the soonest next retry first, those with none left last."""
    payments = (
        Payment.objects.filter(
            donation__status=Donation.Status.PAST_DUE,
            donation__frequency=Donation.Frequency.MONTHLY,
            status=Payment.Status.FAILED,
        )
        .select_related("donation__campaign")
        .order_by("created_at", "pk")
    )
    if campaign is not None:
        payments = payments.filter(donation__campaign=campaign)
    newest = {}
    for payment in payments:
        newest[payment.donation_id] = payment  # the latest failed invoice of each gift
    soonest_first = sorted(
        newest.values(), key=lambda p: (p.next_payment_attempt is None, p.next_payment_attempt)
    )
    return [AtRisk(p.donation, p) for p in soonest_first]
