"""The payment reminder of a konbini gift made in the local test checkout (no Stripe key) links
to the gift's thank-you page by its token, as the giving pages do: the link opens the slip's
instructions, not an empty page asking Stripe for a session it never made."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from donations.models import Donation
from donations.stripe.payment_reminders import send_due_reminders
from tests.support.fake_stripe import confirm_and_pay, donation_form, run_task_worker
from tests.support.gifts import campaign_offering_every_method

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_local_konbini_reminder_links_to_the_slips_thank_you_page(client):
    campaign = campaign_offering_every_method()
    data = donation_form(campaign, tier="other", other_amount="5000", payment_method="konbini")
    response, sent = confirm_and_pay(client, data)
    client.post(response["Location"], {"outcome": "pay"})  # the slip is issued
    run_task_worker()
    mail.outbox.clear()

    assert send_due_reminders(now=timezone.now() + datetime.timedelta(days=10)) == 1
    run_task_worker()

    [reminder] = mail.outbox
    path = re.search(r"http://testserver(/donate/thanks/\S+)", reminder.body).group(1)
    assert path == f"/donate/thanks/?token={sent['token']}"
    donation = Donation.objects.get(checkout_token=sent["token"])
    assert donation.status == Donation.Status.AWAITING_PAYMENT
    assert "お支払いをお待ちしています" in client.get(path).content.decode()
