"""A monthly donor in the ledger, and the manage links the e-mails they are sent hold."""

import re
import uuid

from donations.models import Donation

LINK = re.compile(r"http://testserver(/(?:en/)?donate/manage/open/\?token=\S+)")


def monthly(campaign, status=Donation.Status.ACTIVE, email="hanako@example.jp", **fields):
    fields.setdefault("stripe_customer_id", f"cus_{uuid.uuid4().hex[:10]}")
    return Donation.objects.create(
        campaign=campaign,
        frequency=Donation.Frequency.MONTHLY,
        amount=3000,
        donor_email=email,
        status=status,
        **fields,
    )


def links_in(message):
    return LINK.findall(message.body)
