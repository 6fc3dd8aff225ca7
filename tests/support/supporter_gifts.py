"""Small gifts of one supporter's address for the supporter page's tests."""

import re
import uuid
from urllib.parse import unquote

from django.core import mail
from django.utils import timezone

from donations.models import Donation
from tests.support import stripe_events as se
from tests.support.fake_stripe import form_fields, run_task_worker, subscription_items

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


def stripe_holds_subscription(fake, donation) -> dict:
    """The fake Stripe serves the monthly gift's subscription (with its item), as Stripe holds it
    for the supporter page's changes; returns it."""
    subscription = se.subscription(
        donation,
        subscription_id=donation.stripe_subscription_id,
        customer_id=donation.stripe_customer_id,
    )
    items = subscription_items(donation.stripe_subscription_id, amount=donation.amount)
    return fake.serve({**subscription, "items": items})


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


# --- signing in by the e-mailed link ---------------------------------------------------

LINK = re.compile(r"http://testserver(/(?:en/)?supporter/sign-in/open/\?token=(\S+))")


def ask_link(client, email=EMAIL, prefix=""):
    return client.post(f"{prefix}/supporter/sign-in/", {"email": email})


def mailed_link():
    run_task_worker()
    assert len(mail.outbox) == 1
    path, token = LINK.search(mail.outbox[-1].body).groups()
    return path, unquote(token)


def open_link(client, token):
    return client.post("/supporter/sign-in/open/", {"token": token})


def signed_in(client, email=EMAIL):
    mail.outbox.clear()
    ask_link(client, email)
    path, _token = mailed_link()
    page = client.get(path)
    response = client.post(
        "/supporter/sign-in/open/", form_fields(page, "/supporter/sign-in/open/")
    )
    assert response.status_code == 302, response.content.decode()
    mail.outbox.clear()
    return client
