"""Staff correcting the ledger in the admin: the campaign page's counters follow every change,
and nothing done here pretends to stop a donor's Stripe subscription."""

import re

import pytest

from donations.models import CampaignProgress, Donation
from tests.support.html_checks import https_client
from tests.support.staff_personas import signed_in
from tests.support.stripe_events import pending

CHANGELIST = "/admin/donations/donation/"


@pytest.fixture
def staff_client(django_user_model):
    return signed_in(django_user_model.objects.create_superuser("admin", "a@example.org", None))


def shown(counter):
    """The current figure the campaign page shows for a counter ("monthly" or "onetime")."""
    html = https_client().get("/").content.decode()
    figures = re.search(rf'id="progress-{counter}-figures">(.*?)</dl>', html, re.S).group(1)
    return re.search(r"<dd>(.*?)</dd>", figures).group(1)


def run_action(staff_client, action, *donations):
    response = staff_client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [str(d.pk) for d in donations]},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def assert_counters_match_ledger(campaign):
    progress = CampaignProgress.objects.get(pk=campaign.pk)
    assert progress.as_dict() == CampaignProgress.from_ledger(campaign.pk).as_dict()


@pytest.mark.django_db(transaction=True)
def test_marking_cancelled_leaves_stripe_subscriptions_to_stripe(staff_client, campaign):
    online = pending(campaign, frequency="monthly")
    online.activate()
    offline = Donation.record_offline(campaign=campaign, frequency="monthly", amount=2000)
    supporters = shown("monthly")

    html = run_action(staff_client, "cancel_monthly", online, offline)

    online.refresh_from_db()
    offline.refresh_from_db()
    assert online.status == Donation.Status.ACTIVE
    assert offline.status == Donation.Status.CANCELED
    assert "1件を解約にしました。" in html
    assert "オンライン決済のマンスリー寄付1件は変更していません" in html
    assert "Stripeのダッシュボード" in html
    assert shown("monthly") == f"{int(supporters.removesuffix('人')) - 1}人"
    assert_counters_match_ledger(campaign)


def test_donations_cannot_be_deleted_in_the_admin(staff_client, campaign):
    gift = Donation.record_offline(campaign=campaign, frequency="once", amount=5000)

    changelist = staff_client.get(CHANGELIST).content.decode()
    delete_page = staff_client.get(f"{CHANGELIST}{gift.pk}/delete/")

    assert 'value="delete_selected"' not in changelist
    assert delete_page.status_code == 403
    assert Donation.objects.filter(pk=gift.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_voiding_a_mistaken_offline_gift_takes_it_off_the_campaign_page(staff_client, campaign):
    raised = shown("onetime")
    gift = Donation.record_offline(
        campaign=campaign, frequency="once", amount=300_000, channel="bank_transfer"
    )
    assert shown("onetime") != raised
    assert shown("onetime") == "¥300,000"  # the campaign's only gift

    html = run_action(staff_client, "void_staff_recorded", gift)

    assert "1件を取り消しました。" in html
    assert shown("onetime") == raised
    assert_counters_match_ledger(campaign)
    # Voiding again changes nothing.
    assert "0件を取り消しました。" in run_action(staff_client, "void_staff_recorded", gift)
    assert shown("onetime") == raised


def test_voiding_a_staff_recorded_monthly_supporter_removes_them(staff_client, campaign):
    supporters = shown("monthly")
    supporter = Donation.record_offline(campaign=campaign, frequency="monthly", amount=2000)

    run_action(staff_client, "void_staff_recorded", supporter)

    supporter.refresh_from_db()
    assert supporter.status == Donation.Status.VOIDED
    assert shown("monthly") == supporters
    assert_counters_match_ledger(campaign)


def test_a_voided_gift_is_listed_as_voided_by_staff(staff_client, campaign):
    gift = Donation.record_offline(campaign=campaign, frequency="once", amount=5000)
    kept = Donation.record_offline(campaign=campaign, frequency="once", amount=7000)

    run_action(staff_client, "void_staff_recorded", gift)

    gift.refresh_from_db()
    assert gift.status == Donation.Status.VOIDED
    voided = staff_client.get(CHANGELIST, {"status__exact": "voided"}).content.decode()
    assert listed(voided) == [gift.pk]
    assert "取り消し済み" in voided
    assert kept.pk in listed(staff_client.get(CHANGELIST).content.decode())
    assert_counters_match_ledger(campaign)


def test_the_donation_list_shows_refunds_and_filters_refunded_gifts(staff_client, campaign):
    partly, partly_payment = paid_online(campaign, 5000)
    fully, fully_payment = paid_online(campaign, 3000)

    partly_payment.record_refund(1000)
    fully_payment.record_refund(3000)

    everything = staff_client.get(CHANGELIST).content.decode()
    assert refunded_cell(everything, partly) == "1000"
    assert refunded_cell(everything, fully) == "3000"
    refunded = staff_client.get(CHANGELIST, {"status__exact": "refunded"}).content.decode()
    assert listed(refunded) == [fully.pk]
    assert "返金済み" in refunded
    received = staff_client.get(CHANGELIST, {"status__exact": "succeeded"}).content.decode()
    assert partly.pk in listed(received)
    assert_counters_match_ledger(campaign)


def paid_online(campaign, amount):
    donation = pending(campaign, amount=amount)
    payment, _ = donation.receive_payment(
        amount=amount, stripe_payment_intent_id=f"pi_admin_{donation.pk}"
    )
    return donation, payment


def listed(changelist_html):
    """The ids of the donations on a changelist page, in order."""
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', changelist_html)]


def refunded_cell(changelist_html, donation):
    row = re.search(rf'value="{donation.pk}".*?</tr>', changelist_html, re.S).group(0)
    return re.search(r'class="field-refunded[^"]*">(.*?)</td>', row, re.S).group(1).strip()


def test_voiding_skips_online_donations(staff_client, campaign):
    online = pending(campaign, frequency="monthly")
    online.activate()

    html = run_action(staff_client, "void_staff_recorded", online)

    online.refresh_from_db()
    assert online.status == Donation.Status.ACTIVE
    assert "オンライン決済の寄付1件は取り消していません" in html
