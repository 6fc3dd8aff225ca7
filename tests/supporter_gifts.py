"""Small gifts of one supporter's address for the supporter page's tests."""

import uuid

from django.utils import timezone

from donations.models import Donation

EMAIL = "hanako@example.jp"


def card_monthly(campaign, email=EMAIL, amount=3000) -> Donation:
    """A monthly card gift running in Stripe, its first month paid."""
    ref = uuid.uuid4().hex[:12]
    donation = Donation.objects.create(
        campaign=campaign,
        frequency=Donation.Frequency.MONTHLY,
        amount=amount,
        donor_name="山田 花子",
        donor_email=email,
        stripe_customer_id=f"cus_{ref}",
        stripe_subscription_id=f"sub_{ref}",
        checkout_token=uuid.uuid4(),
    )
    donation.receive_invoice_payment(
        amount=amount, paid_at=timezone.now(), stripe_invoice_id=f"in_{ref}"
    )
    donation.refresh_from_db()
    return donation


def card_once(campaign, email=EMAIL, amount=5000) -> Donation:
    donation = Donation.objects.create(
        campaign=campaign,
        frequency=Donation.Frequency.ONCE,
        amount=amount,
        donor_name="山田 花子",
        donor_email=email,
    )
    donation.receive_payment(amount=amount, paid_at=timezone.now())
    donation.refresh_from_db()
    return donation


def transfer_monthly(campaign, email=EMAIL, amount=2000) -> Donation:
    donation = Donation.pledge_transfer(
        campaign=campaign,
        frequency=Donation.Frequency.MONTHLY,
        amount=amount,
        donor_name="山田 花子",
        donor_email=email,
    )
    donation.confirm_transfer(received_at=timezone.now())
    donation.refresh_from_db()
    return donation
