"""A failed monthly payment: the notice's one-click link opens Stripe's customer portal straight
on the card update, and brings the supporter back to the site."""

import re

import pytest
from django.core import mail

from tests.support import stripe_events as se
from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import deliver, small_campaign
from tests.support.stripe_events import pending

pytestmark = pytest.mark.django_db(transaction=True)

CARD_LINK = re.compile(r"http://testserver(/(?:en/)?donate/manage/card/\?token=\S+)")


def failed_notice(client, locale="ja"):
    donation = pending(small_campaign(), frequency="monthly", locale=locale)
    session = se.checkout_session(donation)
    deliver(client, "checkout.session.completed", session)
    failed = se.invoice(
        donation,
        subscription_id=session["subscription"],
        customer_id=session["customer"],
        paid=False,
    )
    deliver(client, "invoice.payment_failed", failed)
    run_task_worker()
    [notice] = mail.outbox
    print(f"\n--- {notice.subject}\n{notice.body}")
    return donation, session, notice


def test_the_notice_link_opens_the_portal_on_the_card_update(client, fake_stripe):
    _donation, session, notice = failed_notice(client)

    [path] = CARD_LINK.findall(notice.body)
    response = client.get(path)

    assert response.status_code == 303
    assert response["Location"].startswith("https://billing.stripe.com/p/session/")
    [call] = fake_stripe.portal_creates
    assert call.refusal is None
    assert call.params["customer"] == session["customer"]
    assert call.params["flow_data[type]"] == "payment_method_update"
    assert call.params["flow_data[after_completion][type]"] == "redirect"
    assert call.params["flow_data[after_completion][redirect][return_url]"] == "http://testserver/"
    assert call.params["locale"] == "ja"
    assert "カード情報の更新はこちら" in notice.body


def test_english_supporters_get_the_link_and_the_portal_in_english(client, fake_stripe):
    _donation, _session, notice = failed_notice(client, locale="en")

    [path] = CARD_LINK.findall(notice.body)
    assert path.startswith("/en/")
    assert "Update your card" in notice.body
    client.get(path)
    [call] = fake_stripe.portal_creates
    assert call.params["locale"] == "en"


def test_a_tampered_link_opens_nothing(client, fake_stripe):
    _donation, _session, notice = failed_notice(client)
    [path] = CARD_LINK.findall(notice.body)

    response = client.get(path[:-3] + "xyz")

    assert response.status_code == 400
    assert fake_stripe.portal_creates == []
