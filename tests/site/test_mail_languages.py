"""E-mails in each donor's language: a gift made on the Vietnamese pages is thanked in
Vietnamese; a supporter may choose any of the offered languages for the mail we send."""

import pytest
from django.core import mail
from django.utils import translation

from donations.models import Donation, Payment, SupporterPreference
from tests.support.fake_stripe import confirm_and_pay, donation_form, run_task_worker
from tests.support.language_sites import OFFERED, site_written_in


def in_vietnamese(msgid, **values):
    """What the vi catalogue says for `msgid`: the test needs it to be a translation (Django
    falls back to the site's Japanese for a msgid a catalogue lacks)."""
    with translation.override("vi"):
        text = translation.gettext(msgid)
    with translation.override("ja"):
        japanese = translation.gettext(msgid)
    assert text not in (msgid, japanese), f"the vi catalogue lacks {msgid!r}"
    return text % values if values else text


@pytest.mark.django_db(transaction=True)
def test_a_gift_on_the_vietnamese_pages_gets_a_vietnamese_receipt(client):
    campaign = site_written_in("ja")  # with a ¥3,000 tier
    gift = donation_form(campaign, frequency="monthly")
    response, fields = confirm_and_pay(client, gift, prefix="/vi")
    donation = Donation.objects.get(checkout_token=fields["token"])
    client.post(response["Location"], {"outcome": "pay"})  # the local test checkout

    run_task_worker()

    assert donation.locale == "vi"
    payment = Payment.objects.get(donation=donation)
    subject = in_vietnamese("[%(org)s] Receipt for your donation (%(number)s)")
    [receipt] = [m for m in mail.outbox if payment.receipt_number in m.subject]
    number = payment.receipt_number
    assert receipt.subject.strip() == subject % {"org": "JII Partners", "number": number}
    assert f"{in_vietnamese('Receipt number')}: {number}" in receipt.body
    assert f"{in_vietnamese('Amount')}: ¥3,000" in receipt.body
    assert "http://testserver/vi/donate/manage/" in receipt.body


def test_the_preference_form_offers_every_language_in_its_own_script(db):
    from donations.supporters.forms import PreferencesForm

    choices = dict(PreferencesForm().fields["language"].choices)
    assert list(choices) == OFFERED
    assert choices["ne"] == "नेपाली" and choices["ja-x-easy"] == "やさしい にほんご"
    form = PreferencesForm(data={"language": "ne"})
    form.is_valid()
    assert "language" not in form.errors
    assert SupporterPreference._meta.get_field("language").max_length >= len("ja-x-easy")
