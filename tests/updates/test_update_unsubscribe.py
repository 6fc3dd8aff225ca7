"""The law on commercial e-mail (特定電子メール法) and RFC 8058: every update names its sender
(name, address, contact) and carries a one-click unsubscribe: the List-Unsubscribe headers and a
visible link. A POST to the link, with no cookie and no CSRF token, unsubscribes; a GET only
asks."""

import re

import pytest
from django.core import mail
from django.test import Client

from donations.models import SupporterPreference
from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import small_campaign
from tests.support.update_factories import organisation, supporter, update
from updates import sending
from updates.models import Update

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mailed(settings):
    settings.SITE_URL = "https://donate.example.org"
    organisation()
    campaign = small_campaign()
    supporter("hanako@example.jp", campaign)
    sending.queue(update(campaign), Update.Audience.CONSENTING)
    run_task_worker()
    (message,) = mail.outbox
    return message


def unsubscribe_link(message):
    return re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)


def test_every_update_has_one_click_headers_and_a_visible_link(mailed):
    link = unsubscribe_link(mailed)
    assert link.startswith("https://donate.example.org/updates/unsubscribe/")
    assert mailed.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = mailed.alternatives[0][0]
    assert link in mailed.body
    assert f'href="{link}"' in html
    print(mailed.message().as_string()[:3000])


def test_every_update_names_its_sender_with_address_and_contact(mailed):
    for text in (mailed.body, mailed.alternatives[0][0]):
        assert "特定非営利活動法人テスト協会" in text
        assert "東京都新宿区西新宿1-2-3" in text
        assert "info@example.org" in text


def test_a_post_without_cookie_or_csrf_token_unsubscribes(mailed):
    client = Client(enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https"})
    response = client.post(
        unsubscribe_link(mailed).removeprefix("https://donate.example.org"),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    assert not response.cookies
    preference = SupporterPreference.objects.get(email="hanako@example.jp")
    assert not preference.updates_consent
    assert preference.updates_consent_changed_at is not None


def test_a_get_asks_and_changes_nothing(mailed):
    client = Client(headers={"X-Forwarded-Proto": "https"})
    response = client.get(unsubscribe_link(mailed).removeprefix("https://donate.example.org"))
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert SupporterPreference.objects.get(email="hanako@example.jp").updates_consent


def test_a_tampered_link_unsubscribes_nobody(mailed):
    client = Client(headers={"X-Forwarded-Proto": "https"})
    path = unsubscribe_link(mailed).removeprefix("https://donate.example.org")
    response = client.post(path[:-3] + "xyz/")
    assert response.status_code == 404
    assert SupporterPreference.objects.get(email="hanako@example.jp").updates_consent


def test_after_one_click_the_address_is_never_mailed_again(mailed):
    Client().post(unsubscribe_link(mailed).removeprefix("https://donate.example.org"))
    mail.outbox.clear()
    campaign = small_campaign("another")
    sending.queue(update(campaign), Update.Audience.CONSENTING)
    run_task_worker()
    assert mail.outbox == []
