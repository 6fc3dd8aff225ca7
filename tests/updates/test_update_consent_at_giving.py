"""特定電子メール法: a donor is asked at giving whether to receive activity reports: a box on the
donation form and the bank pledge form, unticked by default. A ticked box becomes the
supporter's consent once the gift is paid (a bank transfer: once pledged); an unticked one
changes nothing."""

import pytest

from donations.models import Donation, SupporterPreference
from tests.support import stripe_events as se
from tests.support.bank_pledges import pledge_form
from tests.support.fake_stripe import confirm_and_pay, donation_form
from tests.support.gifts import deliver, small_campaign

pytestmark = pytest.mark.django_db


def consents(email):
    preference = SupporterPreference.objects.filter(email=email).first()
    return bool(preference and preference.updates_consent)


def give(client, campaign, **fields):
    data = donation_form(campaign, tier="other", other_amount="3000", **fields)
    confirm_and_pay(client, data)
    return Donation.objects.get(donor_email="hanako@example.jp")


def test_the_box_is_on_both_forms_and_unticked(client):
    campaign = small_campaign()
    for url in (f"/donate/?campaign={campaign.slug}", f"/donate/bank/?campaign={campaign.slug}"):
        html = client.get(url).content.decode()
        box = html[
            html.index('name="updates_consent"') - 200 : html.index('name="updates_consent"') + 100
        ]
        assert 'type="checkbox"' in box and "checked" not in box


def test_a_ticked_box_becomes_consent_once_the_gift_is_paid(client):
    campaign = small_campaign()
    donation = give(client, campaign, updates_consent="on")
    assert donation.updates_consent and not consents("hanako@example.jp")

    deliver(client, "checkout.session.completed", se.checkout_session(donation))

    assert consents("hanako@example.jp")
    assert SupporterPreference.objects.get(email="hanako@example.jp").updates_consent_changed_at


def test_an_unticked_box_gives_no_consent(client):
    campaign = small_campaign()
    donation = give(client, campaign)
    deliver(client, "checkout.session.completed", se.checkout_session(donation))

    assert not consents("hanako@example.jp")


def test_a_bank_pledge_with_the_box_ticked_consents_at_once(client):
    campaign = small_campaign()
    pledge_form(client, campaign, updates_consent="on")
    pledge_form(client, campaign, donor_email="quiet@example.jp")

    assert consents("ichiro@example.jp")
    assert not consents("quiet@example.jp")
