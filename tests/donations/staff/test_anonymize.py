"""A donor asks to be forgotten: their personal data leaves the ledger and the stored Stripe
events; the amounts and counters stay."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command

from donations.models import CampaignProgress, Donation, StripeEvent
from testimonials.models import SupportMessage
from tests.support.stripe_events import checkout_session, event, pending, post_event

pytestmark = pytest.mark.django_db


def stored_text():
    return json.dumps(
        list(StripeEvent.objects.values_list("payload", flat=True)), ensure_ascii=False
    )


@pytest.fixture
def donor(client, campaign):
    donation = pending(campaign)
    donation.nickname = "はなちゃん"
    donation.public_name = Donation.PublicName.NICKNAME
    donation.support_message = SupportMessage.objects.create(
        campaign=campaign, display_name="はなちゃん", body="応援しています", status="approved"
    )
    donation.save()
    session = checkout_session(donation)
    session["customer_details"] = {
        "email": "Hanako@Example.jp",
        "name": "山田 花子",
        "phone": "090",
    }
    assert post_event(client, event("checkout.session.completed", session)).status_code == 200
    Donation.record_offline(
        campaign=campaign,
        frequency="once",
        amount=5000,
        donor_name="山田 花子",
        donor_email="HANAKO@example.jp",
    )
    return donation


def test_the_command_erases_the_donor_everywhere_and_keeps_the_money(donor, campaign):
    counters = CampaignProgress.objects.get(campaign=campaign).as_dict()
    assert "hanako@example.jp" in stored_text().lower()
    other = pending(campaign, amount=1000)
    Donation.objects.filter(pk=other.pk).update(donor_email="other@example.jp", donor_name="他人")

    call_command("anonymize_donor", "hanako@example.jp")

    assert not Donation.objects.filter(donor_email__iexact="hanako@example.jp").exists()
    assert not Donation.objects.filter(donor_name="山田 花子").exists()
    donor.refresh_from_db()
    assert (donor.nickname, donor.public_name) == ("", "anonymous")
    assert "はなちゃん" not in SupportMessage.objects.get().shown_name
    text = stored_text().lower()
    assert "hanako@example.jp" not in text and "山田 花子" not in text and '"090"' not in text
    assert donor.stripe_checkout_session_id in stored_text()  # the event itself still stands
    assert CampaignProgress.objects.get(campaign=campaign).as_dict() == counters
    assert Donation.objects.get(pk=other.pk).donor_name == "他人"
    call_command("recount_progress", check=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_staff_erase_a_donor_from_the_admin_and_it_is_logged(donor, campaign, staff_client):
    staff_client.post(
        "/admin/donations/donation/",
        {"action": "anonymize_donors", "_selected_action": [donor.pk]},
    )

    assert not Donation.objects.filter(donor_email__iexact="hanako@example.jp").exists()
    assert LogEntry.objects.filter(user__username="staff", object_id=str(donor.pk)).exists()
