"""Every staff action on donations, pledges and messages is recorded (who, when, what) and can
be read in the admin's history of the row."""

import pytest
from django.contrib.admin.models import LogEntry

from donations.models import Donation
from testimonials.models import SupportMessage

pytestmark = pytest.mark.django_db


def history(client, model, pk):
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{pk}/history/"
    return client.get(url).content.decode()


def test_voiding_a_gift_is_recorded_and_shown_in_its_history(staff_client, campaign):
    gift = Donation.record_offline(campaign=campaign, frequency="monthly", amount=2000)

    staff_client.post(
        "/admin/donations/donation/",
        {"action": "void_staff_recorded", "_selected_action": [gift.pk]},
    )

    entry = LogEntry.objects.get(object_id=str(gift.pk))
    assert entry.user.username == "staff" and entry.action_time
    page = history(staff_client, Donation, gift.pk)
    assert "<td>staff</td>" in page and "<td>取り消し済み</td>" in page


def test_publishing_a_message_is_shown_in_its_history(staff_client, campaign):
    message = SupportMessage.objects.create(campaign=campaign, body="がんばって")

    staff_client.post(
        "/admin/testimonials/supportmessage/",
        {"action": "approve", "_selected_action": [message.pk]},
    )

    page = history(staff_client, SupportMessage, message.pk)
    assert LogEntry.objects.get(object_id=str(message.pk)).user.username == "staff"
    assert "<td>staff</td>" in page and "<td>公開</td>" in page
