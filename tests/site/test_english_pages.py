"""An English reader sees no Japanese interface text: with every staff-written text in English,
whatever Japanese an /en/ page or an English e-mail shows outside `lang="ja"` is a UI string
that escaped the catalogue."""

import pytest
from django.core import mail

from donations.models import Donation
from tests.support.fake_stripe import confirm_and_pay, donation_form, form_fields, run_task_worker
from tests.support.japanese_text import JAPANESE, japanese_shown
from tests.support.personas import english_site


@pytest.fixture
def campaign(db):
    return english_site()


def english_urls(campaign):
    return [
        "/en/",
        f"/en/campaigns/{campaign.slug}/",
        "/en/donate/",
        "/en/donate/manage/",
        "/en/programs/neighbours/",
        "/en/testimonials/participants/",
        "/en/testimonials/volunteers/",
        f"/en/campaigns/{campaign.slug}/messages/",
        f"/en/campaigns/{campaign.slug}/messages/new/",
        f"/en/campaigns/{campaign.slug}/messages/sent/",
        *(f"/en/pages/{slug}/" for slug in ["tokushoho", "privacy", "terms", "other-ways"]),
    ]


def test_english_pages_show_no_japanese_interface_text(client, campaign):
    for url in english_urls(campaign):
        response = client.get(url)
        assert response.status_code == 200, url
        assert japanese_shown(response.content.decode()) == [], url
    page = client.get("/en/").content.decode()
    for shown in ["Example Bank (bank code 0038)", "Ordinary", "(A parent, Nepal / Neighbours)"]:
        assert shown in page  # every component of the page was rendered and checked


def test_the_giving_steps_in_english_show_no_japanese(client, campaign):
    typed = {"donor_name": "Ann Lee"}  # what the donor typed is theirs, not the interface's
    mistakes = client.post(
        "/en/donate/confirm/", donation_form(campaign, donor_email="", tier="", **typed)
    )
    confirmation = client.post("/en/donate/confirm/", donation_form(campaign, **typed))
    pay, _ = confirm_and_pay(
        client, donation_form(campaign, frequency="monthly", **typed), prefix="/en"
    )
    checkout = client.get(pay["Location"])
    paid = client.post(pay["Location"], {"outcome": "pay"})
    thanks = client.get(paid["Location"])
    manage_sent = client.post("/en/donate/manage/", {"email": "nobody@example.org"})

    for response in [mistakes, confirmation, checkout, thanks, manage_sent]:
        assert response.status_code in (200, 400)
        assert japanese_shown(response.content.decode()) == [], response.request["PATH_INFO"]
    assert "Thank you for your donation" in thanks.content.decode()
    assert form_fields(confirmation, "/en/donate/pay/")


@pytest.mark.django_db(transaction=True)
def test_english_emails_show_no_japanese(client):
    campaign = english_site()
    pay, _ = confirm_and_pay(
        client, donation_form(campaign, frequency="monthly", donor_name="Ann"), prefix="/en"
    )
    client.post(pay["Location"], {"outcome": "pay"})
    donation = Donation.objects.get()
    client.post("/en/donate/manage/", {"email": donation.donor_email})
    run_task_worker()

    assert len(mail.outbox) == 3  # the receipt, the welcome and the manage links
    for message in mail.outbox:
        assert JAPANESE.findall(message.subject + message.body) == [], message.subject


def test_the_checker_sees_japanese_outside_lang_ja():
    # The language switcher's 日本語 is marked, so it does not count; anything else would.
    html = '<p>Hello <a lang="ja">日本語</a></p><p title="円">ok</p><p>（1）</p>'
    assert japanese_shown(html) == ["円", "（", "）"]
