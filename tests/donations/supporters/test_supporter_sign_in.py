"""Signing in to the supporter page by an e-mailed link: single use, 30 minutes, the same
answer for any address, rate-limited; the session shows one address's gifts only, and the
pages are never cached nor indexed."""

import time

import pytest
from django.core import mail, signing

from donations.supporters import sign_in
from tests.support.fake_stripe import run_task_worker
from tests.support.supporter_gifts import (
    EMAIL,
    ask_link,
    card_monthly,
    card_once,
    mailed_link,
    open_link,
    signed_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_link_signs_in_and_shows_the_gifts(client, campaign):
    card_once(campaign, amount=5000)
    card_monthly(campaign, amount=3000)
    signed_in(client)
    page = client.get("/supporter/").content.decode()
    assert "¥5,000" in page and "¥3,000" in page
    assert EMAIL in page


def test_known_and_unknown_addresses_get_the_same_answer(client, campaign):
    card_once(campaign)
    known = ask_link(client, EMAIL)
    unknown = ask_link(client, "nobody@example.jp")
    assert known.status_code == unknown.status_code == 200
    text = {
        r.content.decode().replace(EMAIL, "X").replace("nobody@example.jp", "X")
        for r in (known, unknown)
    }
    assert len(text) == 1
    run_task_worker()
    assert [m.to for m in mail.outbox] == [[EMAIL]]


def test_a_link_works_once(client, campaign, django_user_model):
    card_once(campaign)
    ask_link(client)
    _path, token = mailed_link()
    assert open_link(client, token).status_code == 302
    other = client.__class__()
    assert open_link(other, token).status_code == 400
    assert other.get("/supporter/").status_code == 302  # to the sign-in form


def test_an_expired_link_does_not_sign_in(client, campaign, monkeypatch):
    card_once(campaign)
    ask_link(client)
    _path, token = mailed_link()
    later = time.time() + sign_in.MAX_AGE + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert open_link(client, token).status_code == 400
    assert client.get("/supporter/").status_code == 302


def test_an_altered_link_does_not_sign_in(client, campaign):
    card_once(campaign)
    card_once(campaign, email="other@example.jp")
    ask_link(client)
    _path, token = mailed_link()
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"e": "other@example.jp", "s": ""}, salt="another-salt")
    assert open_link(client, forged).status_code == 400
    assert open_link(client, payload[:-2] + "xx:" + rest).status_code == 400
    assert client.get("/supporter/").status_code == 302


def test_asking_too_often_is_refused_per_address(client, campaign):
    card_once(campaign)
    statuses = [ask_link(client).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    run_task_worker()
    assert len(mail.outbox) == 3


def test_another_addresses_gifts_are_never_shown_nor_changed(client, campaign):
    card_once(campaign, amount=5000)
    theirs = card_monthly(campaign, email="other@example.jp", amount=7777)
    receipt = theirs.payments.get()
    signed_in(client)
    assert "¥7,777" not in client.get("/supporter/").content.decode()
    assert client.get(f"/supporter/gifts/{theirs.pk}/pause/").status_code == 404
    assert client.post(f"/supporter/gifts/{theirs.pk}/cancel/", {}).status_code == 404
    assert client.get(f"/supporter/receipts/{receipt.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == theirs.Status.ACTIVE


def test_sign_out_ends_the_session(client, campaign):
    card_once(campaign)
    signed_in(client)
    assert client.get("/supporter/").status_code == 200
    client.post("/supporter/sign-out/")
    assert client.get("/supporter/").status_code == 302


def test_the_session_lasts_a_day_at_most(client, campaign):
    card_once(campaign)
    signed_in(client)
    assert client.session.get_expiry_age() == 24 * 3600


def test_a_receipt_of_ones_own_gift_opens(client, campaign):
    payment = card_once(campaign).payments.get()
    signed_in(client)
    response = client.get(f"/supporter/receipts/{payment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("path", ["/supporter/sign-in/", "/supporter/", "/en/supporter/"])
def test_pages_are_never_cached_nor_indexed(client, campaign, path):
    card_once(campaign)
    signed_in(client)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
