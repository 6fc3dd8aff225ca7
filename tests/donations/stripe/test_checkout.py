"""From the confirmed form to Stripe Checkout and back, against the fake Stripe API."""

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html import unescape

import pytest
from django.test import Client

from donations.models import CampaignProgress, Donation, Payment
from donations.stripe import gateway
from donations.stripe.checkout import checkout_locale
from jii_campaign.models import Organisation
from tests.support import stripe_events
from tests.support.fake_stripe import (
    confirm_and_pay,
    donation_form,
    form_fields,
)
from tests.support.gifts import campaign_with_earlier_gifts


@pytest.fixture
def campaign(db):
    """A small campaign of the test's own whose counters already moved (tests/support/gifts.py),
    run by a made-up organisation whose short name reaches Checkout."""
    Organisation.objects.create(
        name_ja="特定非営利活動法人テスト交流会",
        short_name_ja="テスト交流会",
        short_name_en="Test Exchange",
        email="info@example.org",
    )
    return campaign_with_earlier_gifts()


pytestmark = pytest.mark.django_db
UNAVAILABLE = "ただいま決済サービスにつながりません。ご入力の内容はそのまま残っています。"


def give(client, campaign, fake, prefix="", **fields):
    """A donor goes through the form and the confirmation; returns the donation and its
    Checkout session as the fake Stripe holds it."""
    response, sent = confirm_and_pay(client, donation_form(campaign, **fields), prefix=prefix)
    assert response.status_code == 303
    donation = Donation.objects.get(checkout_token=sent["token"])
    return donation, fake.sessions[donation.stripe_checkout_session_id]


def progress(campaign):
    return CampaignProgress.objects.get(pk=campaign.pk).as_dict()


# --- the confirmed step --------------------------------------------------------------------


def test_pay_refuses_a_post_without_csrf_token(campaign, fake_stripe):
    browser = Client(enforce_csrf_checks=True)
    fields = {**donation_form(campaign), "token": "0b6f3c1e-5d0a-4c8e-9d55-3f1f0a1c2b3d"}
    before = Donation.objects.count()

    response = browser.post("/donate/pay/", fields)

    assert response.status_code == 403
    assert Donation.objects.count() == before
    assert fake_stripe.calls == []


def test_confirmed_form_creates_a_pending_donation_and_goes_to_checkout(campaign, fake_stripe):
    browser = Client(enforce_csrf_checks=True)

    response, fields = confirm_and_pay(browser, donation_form(campaign, donor_name="田中 太郎"))

    donation = Donation.objects.get(checkout_token=fields["token"])
    assert response.status_code == 303
    assert response["Location"] == fake_stripe.sessions[donation.stripe_checkout_session_id]["url"]
    assert response["Location"].startswith("https://checkout.stripe.com/")
    assert donation.status == Donation.Status.PENDING
    assert (donation.amount, donation.frequency, donation.donor_name) == (3000, "once", "田中 太郎")


def test_double_submit_makes_one_donation_and_one_session(campaign, fake_stripe):
    browser = Client(enforce_csrf_checks=True)
    first, fields = confirm_and_pay(browser, donation_form(campaign))
    before = Donation.objects.count()

    second = browser.post("/donate/pay/", fields)

    assert Donation.objects.count() == before
    assert second.status_code == 303
    assert second["Location"] == first["Location"]
    keys = [call.idempotency_key for call in fake_stripe.session_creates]
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert len(fake_stripe.sessions) == 1


def test_resubmitting_an_old_confirmation_after_paying_shows_the_thanks_page(
    client, campaign, fake_stripe
):
    _, fields = confirm_and_pay(client, donation_form(campaign))
    donation = Donation.objects.get(checkout_token=fields["token"])
    fake_stripe.complete(donation.stripe_checkout_session_id)
    client.get("/donate/thanks/", {"session_id": donation.stripe_checkout_session_id})

    again = client.post("/donate/pay/", fields)  # the confirmation page, from browser history

    assert again.status_code == 303
    assert again["Location"] == f"/donate/thanks/?session_id={donation.stripe_checkout_session_id}"
    assert len(fake_stripe.session_creates) == 1
    assert "¥3,000 のご寄付を受け付けました" in client.get(again["Location"]).content.decode()


def test_pay_without_a_valid_token_creates_nothing(client, campaign, fake_stripe):
    before = Donation.objects.count()

    response = client.post("/donate/pay/", {**donation_form(campaign), "token": "not-a-uuid"})

    assert response.status_code == 400
    assert Donation.objects.count() == before
    assert fake_stripe.calls == []


# --- exactly what Stripe is asked ----------------------------------------------------------


def test_one_time_checkout_request_in_yen(client, campaign, fake_stripe):
    donation, _ = give(client, campaign, fake_stripe)

    [call] = fake_stripe.session_creates
    pk = str(donation.pk)
    meta = {"donation_id": pk, "campaign": campaign.slug, "frequency": "once"}
    assert call.params == {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "jpy",
        # JPY is zero-decimal: ¥3,000 is 3000, not 300000.
        "line_items[0][price_data][unit_amount]": "3000",
        "line_items[0][price_data][product_data][name]": "テスト交流会 へのご寄付",
        "success_url": "http://testserver/donate/thanks/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://testserver/donate/?canceled=1",
        "locale": "ja",
        "client_reference_id": pk,
        "customer_email": "hanako@example.jp",
        "submit_type": "donate",
        **{f"metadata[{key}]": value for key, value in meta.items()},
        **{f"payment_intent_data[metadata][{key}]": value for key, value in meta.items()},
        "allowed_payment_method_types[0]": "card",
    }
    assert call.headers["Authorization"] == "Bearer sk_test_x"
    assert call.headers["Stripe-Version"] == stripe_events.API_VERSION
    assert call.idempotency_key == f"checkout-{donation.checkout_token}-0"


def test_typed_amount_reaches_stripe_as_the_same_integer(client, campaign, fake_stripe):
    give(client, campaign, fake_stripe, tier="other", other_amount="¥12,345")

    [call] = fake_stripe.session_creates
    assert call.params["line_items[0][price_data][unit_amount]"] == "12345"


def test_monthly_checkout_request_is_a_monthly_subscription(client, campaign, fake_stripe):
    donation, session = give(client, campaign, fake_stripe, frequency="monthly", tier="5000")

    [call] = fake_stripe.session_creates
    params = call.params
    assert params["mode"] == "subscription"
    assert params["line_items[0][price_data][unit_amount]"] == "5000"
    assert params["line_items[0][price_data][currency]"] == "jpy"
    assert params["line_items[0][price_data][recurring][interval]"] == "month"
    assert params["line_items[0][price_data][product_data][name]"] == (
        "テスト交流会 へのマンスリー寄付"
    )
    assert params["submit_type"] == "donate"
    assert params["subscription_data[metadata][donation_id]"] == str(donation.pk)
    assert params["subscription_data[metadata][frequency]"] == "monthly"
    assert params["metadata[donation_id]"] == str(donation.pk)
    assert not [
        key
        for key in params
        if key.startswith(("payment_intent_data", "allowed_payment", "payment_method"))
    ]
    assert session["amount_total"] == 5000


def test_english_pages_open_checkout_in_english(client, campaign, fake_stripe):
    donation, _ = give(client, campaign, fake_stripe, prefix="/en")

    [call] = fake_stripe.session_creates
    assert donation.locale == "en"
    assert call.params["locale"] == "en"
    assert call.params["success_url"] == (
        "http://testserver/en/donate/thanks/?session_id={CHECKOUT_SESSION_ID}"
    )
    assert call.params["cancel_url"] == "http://testserver/en/donate/?canceled=1"
    product = call.params["line_items[0][price_data][product_data][name]"]
    assert product == "Donation to Test Exchange"  # the organisation’s English name


# --- Stripe failing ------------------------------------------------------------------------


def test_a_passing_stripe_error_is_retried_with_the_same_idempotency_key(
    client,
    campaign,
    fake_stripe,
):
    fake_stripe.fail_next(500)

    give(client, campaign, fake_stripe)

    first, retry = fake_stripe.session_creates
    assert first.idempotency_key == retry.idempotency_key
    assert first.params == retry.params
    assert len(fake_stripe.sessions) == 1


def assert_calm_error_with_form_kept(response, fields):
    assert response.status_code == 503
    html = response.content.decode()
    assert UNAVAILABLE in html
    assert "¥3,000" in html
    again = form_fields(response, "/donate/pay/")
    assert {k: v for k, v in again.items() if k != "csrfmiddlewaretoken"} == {
        k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"
    }


def test_stripe_erroring_shows_a_calm_error_and_keeps_the_pending_donation(
    client, campaign, fake_stripe
):
    fake_stripe.fail_next(500, times=3)  # the first try and both of the SDK's retries

    response, fields = confirm_and_pay(client, donation_form(campaign))

    assert_calm_error_with_form_kept(response, fields)
    donation = Donation.objects.get(checkout_token=fields["token"])
    assert donation.status == Donation.Status.PENDING
    # Pressing the button again reuses the same donation, with a fresh idempotency key: Stripe
    # replays a stored error for a reused key for 24 hours.
    retry = client.post("/donate/pay/", fields)
    assert retry.status_code == 303
    assert Donation.objects.filter(checkout_token=fields["token"]).count() == 1
    *failed, succeeded = [call.idempotency_key for call in fake_stripe.session_creates]
    assert len(failed) == 3
    assert set(failed) == {failed[0]}
    assert succeeded != failed[0]
    assert len(fake_stripe.sessions) == 1


def test_stripe_unreachable_shows_a_calm_error(client, campaign, fake_stripe):
    fake_stripe.stop()

    response, fields = confirm_and_pay(client, donation_form(campaign))

    assert_calm_error_with_form_kept(response, fields)
    assert Donation.objects.get(checkout_token=fields["token"]).status == "pending"


def test_english_donors_get_the_calm_error_in_english(client, campaign, fake_stripe):
    fake_stripe.fail_next(500, times=3)

    response, _ = confirm_and_pay(client, donation_form(campaign), prefix="/en")

    assert response.status_code == 503
    calm = (
        "We can’t connect to the payment service right now. Your details have been kept. "
        "Please wait a little while and try again."
    )
    assert calm in unescape(response.content.decode())


def test_stripe_hanging_shows_the_calm_error_before_the_web_server_gives_up(
    client, campaign, fake_stripe, monkeypatch
):
    # The real limits allow three tries within gunicorn's 30 s; shortened here to keep this quick.
    monkeypatch.setattr(gateway, "TIMEOUT", (1, 0.3))
    gateway._client.cache_clear()
    fake_stripe.hang_next(3, times=3)

    response, fields = confirm_and_pay(client, donation_form(campaign))

    assert_calm_error_with_form_kept(response, fields)


# --- back from Checkout --------------------------------------------------------------------


def test_thanks_page_asks_stripe_and_records_the_gift(client, campaign, fake_stripe):
    donation, session = give(client, campaign, fake_stripe)
    fake_stripe.complete(session["id"])
    before = progress(campaign)

    response = client.get("/donate/thanks/", {"session_id": session["id"]})

    html = response.content.decode()
    assert "ご寄付ありがとうございます" in html
    assert "¥3,000 のご寄付を受け付けました" in html
    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED
    assert progress(campaign)["onetime_raised"] == before["onetime_raised"] + 3000
    [retrieve] = fake_stripe.requests_to("GET", f"/v1/checkout/sessions/{session['id']}")
    assert retrieve.params == {
        "expand[0]": "payment_intent",
        "expand[1]": "payment_intent.payment_method",
    }


def test_reloading_the_thanks_page_counts_the_gift_once(client, campaign, fake_stripe):
    donation, session = give(client, campaign, fake_stripe)
    fake_stripe.complete(session["id"])
    before = progress(campaign)

    for _ in range(3):
        client.get("/donate/thanks/", {"session_id": session["id"]})

    assert Payment.objects.filter(donation=donation).count() == 1
    assert progress(campaign)["onetime_raised"] == before["onetime_raised"] + 3000


def test_thanks_page_trusts_no_query_parameter_but_the_session_id(client, campaign, fake_stripe):
    donation, session = give(client, campaign, fake_stripe)  # left open: not paid
    before = progress(campaign)

    response = client.get(
        "/donate/thanks/",
        {
            "session_id": session["id"],
            "payment_status": "paid",
            "status": "complete",
            "token": str(donation.checkout_token),
            "donation_id": donation.pk,
        },
    )

    assert "ご寄付ありがとうございます" not in response.content.decode()
    assert "決済の完了をまだ確認できていません" in response.content.decode()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    assert progress(campaign) == before


def test_a_forged_session_id_marks_nothing_paid(client, campaign, fake_stripe):
    donation, _ = give(client, campaign, fake_stripe)
    before = progress(campaign)

    response = client.get("/donate/thanks/", {"session_id": "cs_test_forged"})

    assert response.status_code == 200
    assert "ご寄付ありがとうございます" not in response.content.decode()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    assert progress(campaign) == before


@pytest.mark.parametrize("session_id", ["not-a-session", "../../v1/customers", "pi_123"])
def test_thanks_page_asks_stripe_only_about_checkout_session_ids(
    client, campaign, fake_stripe, session_id
):
    response = client.get("/donate/thanks/", {"session_id": session_id})

    assert "ご寄付が見つかりませんでした" in response.content.decode()
    assert [call for call in fake_stripe.calls if call.method == "GET"] == []


def test_konbini_thanks_page_shows_the_voucher_and_counts_nothing_yet(
    client, campaign, fake_stripe
):
    campaign.one_time_methods = ["card", "konbini"]
    campaign.save()
    donation, session = give(client, campaign, fake_stripe)
    voucher = "https://payments.stripe.com/konbini/voucher/test_abc"
    fake_stripe.complete_konbini(session["id"], voucher)
    before = progress(campaign)

    response = client.get("/donate/thanks/", {"session_id": session["id"]})

    html = response.content.decode()
    assert "お支払いをお待ちしています" in html
    assert f'href="{voucher}"' in html
    donation.refresh_from_db()
    assert donation.status == Donation.Status.AWAITING_PAYMENT
    assert progress(campaign) == before


def test_monthly_thanks_page_does_not_revive_a_past_due_subscription(client, campaign, fake_stripe):
    donation, session = give(client, campaign, fake_stripe, frequency="monthly")
    # The donor gave last month; this month's charge has failed.
    session = fake_stripe.complete(session["id"], created=int(time.time()) - 35 * 24 * 3600)
    client.get("/donate/thanks/", {"session_id": session["id"]})
    failed = stripe_events.invoice(
        donation,
        subscription_id=session["subscription"],
        customer_id=session["customer"],
        paid=False,
    )
    assert (
        stripe_events.post_event(
            client, stripe_events.event("invoice.payment_failed", failed)
        ).status_code
        == 200
    )
    before = progress(campaign)

    # The donor opens the thank-you address again from the browser history.
    client.get("/donate/thanks/", {"session_id": session["id"]})

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAST_DUE
    assert progress(campaign) == before


# --- end to end ----------------------------------------------------------------------------


def shown_now(client, progress_block):
    """The "現在" figure of a progress block on the campaign page, as a visitor reads it."""
    html = client.get("/").content.decode()
    figures = re.search(rf'id="progress-{progress_block}-figures">(.*?)</dl>', html, re.S)
    return re.search(r"<dd>(.*?)</dd>", figures.group(1)).group(1)


@pytest.mark.django_db(transaction=True)
def test_form_to_checkout_to_webhook_moves_the_campaign_page(campaign, fake_stripe):
    browser = Client(enforce_csrf_checks=True)
    raised = CampaignProgress.objects.get(pk=campaign.pk).onetime_raised
    assert shown_now(browser, "onetime") == f"¥{raised:,}"
    _, fields = confirm_and_pay(browser, donation_form(campaign, tier="10000"))
    donation = Donation.objects.get(checkout_token=fields["token"])
    session = fake_stripe.complete(donation.stripe_checkout_session_id)

    response = stripe_events.post_event(
        Client(), stripe_events.event("checkout.session.completed", session)
    )

    assert response.status_code == 200
    assert shown_now(browser, "onetime") == f"¥{raised + 10000:,}"


def test_sessions_can_be_listed_back_for_reconciliation(client, campaign, fake_stripe):
    first, _ = give(client, campaign, fake_stripe)
    second, _ = give(client, campaign, fake_stripe, frequency="monthly")

    listed = list(gateway.list_checkout_sessions(created_since=0))

    assert {s["id"] for s in listed} == {
        first.stripe_checkout_session_id,
        second.stripe_checkout_session_id,
    }
    [call] = fake_stripe.requests_to("GET", "/v1/checkout/sessions")
    assert call.params == {"created[gte]": "0", "limit": "100"}


def test_gift_recorded_from_the_thanks_page_is_found_by_its_webhooks(client, campaign, fake_stripe):
    donation, session = give(client, campaign, fake_stripe, tier="5000")
    session = fake_stripe.complete(session["id"])
    before = progress(campaign)
    client.get("/donate/thanks/", {"session_id": session["id"]})

    late = stripe_events.post_event(
        client, stripe_events.event("checkout.session.completed", session)
    )
    refund = stripe_events.charge(
        payment_intent=session["payment_intent"], amount=5000, amount_refunded=5000
    )
    refunded = stripe_events.post_event(client, stripe_events.event("charge.refunded", refund))

    assert late.status_code == refunded.status_code == 200
    assert Payment.objects.get(donation=donation).refunded_amount == 5000
    assert progress(campaign) == before


@pytest.mark.django_db(transaction=True)
def test_monthly_form_to_checkout_to_webhooks_adds_a_supporter(campaign, fake_stripe):
    browser = Client(enforce_csrf_checks=True)
    supporters = CampaignProgress.objects.get(pk=campaign.pk).monthly_supporters
    assert shown_now(browser, "monthly") == f"{supporters}人"
    _, fields = confirm_and_pay(browser, donation_form(campaign, frequency="monthly"))
    donation = Donation.objects.get(checkout_token=fields["token"])
    session = fake_stripe.complete(donation.stripe_checkout_session_id)
    first_invoice = stripe_events.invoice(
        donation,
        subscription_id=session["subscription"],
        customer_id=session["customer"],
        billing_reason="subscription_create",
    )

    for evt in [
        stripe_events.event("invoice.paid", first_invoice),
        stripe_events.event("checkout.session.completed", session),
    ]:
        assert stripe_events.post_event(Client(), evt).status_code == 200

    assert shown_now(browser, "monthly") == f"{supporters + 1}人"
    donation.refresh_from_db()
    assert donation.stripe_customer_id == session["customer"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_double_click_makes_one_donation(live_server, campaign, fake_stripe):
    browser = Client()
    page = browser.post("/donate/confirm/", donation_form(campaign))
    fields = form_fields(page, "/donate/pay/")
    cookie = f"csrftoken={browser.cookies['csrftoken'].value}"
    before = Donation.objects.count()
    locations = []

    def click():
        request = urllib.request.Request(
            live_server.url + "/donate/pay/",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Cookie": cookie},
        )
        try:
            _NO_REDIRECTS.open(request, timeout=30)
        except urllib.error.HTTPError as answer:  # the 303 to Checkout, not followed
            locations.append((answer.code, answer.headers["Location"]))

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(timeout=30)

    assert len(locations) == 2
    assert locations[0] == locations[1]
    assert locations[0][0] == 303
    assert Donation.objects.count() == before + 1
    assert len(fake_stripe.sessions) == 1
    assert len({call.idempotency_key for call in fake_stripe.session_creates}) == 1


class _Refuse(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_Refuse)


def test_invoices_and_subscriptions_can_be_listed_back(client, campaign, fake_stripe):
    donation, session = give(client, campaign, fake_stripe, frequency="monthly")
    session = fake_stripe.complete(session["id"])
    ids = {"subscription_id": session["subscription"], "customer_id": session["customer"]}
    old = stripe_events.invoice(donation, **ids)
    old["created"] = 1_000
    new = stripe_events.invoice(donation, **ids)
    fake_stripe.listed["invoices"] += [old, new]
    fake_stripe.listed["subscriptions"].append(stripe_events.subscription(donation, **ids))

    invoices = list(gateway.list_invoices(created_since=2_000))
    subscriptions = list(gateway.list_subscriptions())

    assert [i["id"] for i in invoices] == [new["id"]]
    assert invoices[0]["parent"]["subscription_details"]["subscription"] == session["subscription"]
    assert [s["id"] for s in subscriptions] == [session["subscription"]]
    [call] = fake_stripe.requests_to("GET", "/v1/subscriptions")
    assert call.params["status"] == "all"
    assert "created[gte]" not in call.params  # one created long ago may be canceled today


@pytest.mark.parametrize(
    ("language", "stripe_locale"),
    [
        ("ja", "ja"),
        ("en", "en"),
        ("zh-hans", "zh"),
        ("zh-hant", "zh-TW"),
        ("vi", "vi"),
        ("pt-br", "pt-BR"),
        ("ko", "ko"),
        ("my", "auto"),
    ],
)
def test_checkout_opens_in_the_donors_language(language, stripe_locale):
    assert checkout_locale(language) == stripe_locale
