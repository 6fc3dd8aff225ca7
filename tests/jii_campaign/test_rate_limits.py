"""Public forms are rate-limited per IP address and per e-mail address: a card tester or a mail
bomber is stopped, a limited donor sees a calm page with what they typed, and real donors never
notice. The thank-you page asks Stripe only about our own unfinished sessions, and only so often."""

from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.conf import settings as live_settings
from django.core import mail
from django.test import Client

from donations.models import Donation
from tests.support.fake_stripe import (
    confirm_and_pay,
    donation_form,
    form_fields,
    run_task_worker,
)
from tests.support.gifts import giving_campaign
from tests.support.monthly_donors import monthly

pytestmark = pytest.mark.django_db
PAUSED = "短い時間に多くのお申し込みがあったため、いったん受付を止めています"


@pytest.fixture
def campaign(db):
    """A small published campaign whose form offers 3,000 and 10,000 yen."""
    return giving_campaign()


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    """Limits count in fixed windows (ten minutes from a point that depends on the key): a test
    that crossed a window's end would see its count start again. Every request of a test falls in
    the same window."""
    now = django_ratelimit.core.time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))


def tight(settings, scope, **rates):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: rates}


def client_at(ip, **headers):
    return Client(REMOTE_ADDR=ip, headers=headers)


def test_confirm_is_limited_per_ip_with_the_form_kept(campaign, settings):
    tight(settings, "donate_confirm", ip="3/10m", email="100/10m")
    client = client_at("203.0.113.5")
    for n in range(3):
        data = donation_form(campaign, donor_email=f"donor{n}@example.jp")
        assert client.post("/donate/confirm/", data).status_code == 200

    data = donation_form(campaign, donor_name="佐藤 一郎", donor_email="ichiro@example.jp")
    response = client.post("/donate/confirm/", data)

    assert response.status_code == 429
    html = response.content.decode()
    assert PAUSED in html
    fields = form_fields(response, "/donate/confirm/")
    assert fields["donor_name"] == "佐藤 一郎"
    assert fields["donor_email"] == "ichiro@example.jp"
    # Another address is not held back by this one's visitors.
    assert client_at("198.51.100.7").post("/donate/confirm/", data).status_code == 200


def test_confirm_is_limited_per_email_whatever_the_ip(campaign, settings):
    tight(settings, "donate_confirm", ip="100/10m", email="2/10m")
    data = donation_form(campaign, donor_email="Target@Example.jp")
    for n in range(2):
        assert client_at(f"203.0.113.{n + 1}").post("/donate/confirm/", data).status_code == 200

    again = donation_form(campaign, donor_email=" target@example.jp")
    assert client_at("203.0.113.9").post("/donate/confirm/", again).status_code == 429


def test_english_donors_are_paused_in_english(campaign, settings):
    tight(settings, "donate_confirm", ip="0/10m", email="100/10m")

    response = Client().post("/en/donate/confirm/", donation_form(campaign))

    assert response.status_code == 429
    assert "so we’ve paused for a moment" in response.content.decode()


def test_pay_is_limited_and_creates_no_more_donations(campaign, settings):
    tight(settings, "donate_pay", ip="2/10m", email="100/10m")
    client = Client()
    before = Donation.objects.count()
    for _ in range(2):
        response, _ = confirm_and_pay(client, donation_form(campaign))
        assert response.status_code == 303

    page = client.post("/donate/confirm/", donation_form(campaign, donor_name="最後 の人"))
    response = client.post("/donate/pay/", form_fields(page, "/donate/pay/"))

    assert response.status_code == 429
    assert PAUSED in response.content.decode()
    assert "最後 の人" in response.content.decode()
    # The confirmation page comes back, ready to be pressed again later.
    assert form_fields(response, "/donate/pay/")["donor_name"] == "最後 の人"
    assert Donation.objects.count() == before + 2


@pytest.mark.slow
def test_card_testing_from_one_address_is_stopped(campaign, fake_stripe):
    # The pattern of the report: one client creating session after session.
    client = Client()
    statuses = []
    for n in range(30):
        response, _ = confirm_and_pay(
            client, donation_form(campaign, donor_email=f"t{n}@example.jp")
        )
        statuses.append(response.status_code)

    ip_limit = int(live_settings.RATE_LIMITS["donate_pay"]["ip"].split("/")[0])
    assert statuses == [303] * ip_limit + [429] * (30 - ip_limit)
    assert len(fake_stripe.session_creates) == ip_limit


@pytest.mark.django_db(transaction=True)
def test_the_manage_form_sends_a_few_mails_per_address_and_no_more(campaign):
    monthly(campaign, email="hanako@example.jp")
    statuses = [
        client_at(f"203.0.113.{n}").post("/donate/manage/", {"email": "hanako@example.jp"})
        for n in range(1, 21)
    ]
    run_task_worker()

    email_limit = int(live_settings.RATE_LIMITS["manage"]["email"].split("/")[0])
    codes = [response.status_code for response in statuses]
    assert codes == [200] * email_limit + [429] * (20 - email_limit)
    limited = statuses[-1].content.decode()
    assert PAUSED in limited
    assert 'value="hanako@example.jp"' in limited
    assert len(mail.outbox) == email_limit


def test_the_manage_form_is_limited_per_ip(campaign, settings):
    tight(settings, "manage", ip="2/h", email="100/h")
    client = client_at("203.0.113.5")
    for n in range(2):
        assert client.post("/donate/manage/", {"email": f"a{n}@example.jp"}).status_code == 200

    assert client.post("/donate/manage/", {"email": "b@example.jp"}).status_code == 429
    assert client.get("/donate/manage/").status_code == 200  # reading the form is not counted


def test_a_real_donor_who_corrects_the_form_is_never_limited(campaign):
    client = Client()
    for _ in range(8):  # mistakes, second thoughts, the back button
        assert client.post("/donate/confirm/", donation_form(campaign, tier="7")).status_code == 400
        assert client.post("/donate/confirm/", donation_form(campaign)).status_code == 200
    response, _ = confirm_and_pay(client, donation_form(campaign))
    assert response.status_code in (302, 303)


def test_behind_a_proxy_each_client_is_counted_by_the_forwarded_address(campaign, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    tight(settings, "donate_confirm", ip="1/10m", email="100/10m")
    proxy = "10.0.0.2"
    first = client_at(proxy, x_forwarded_for="203.0.113.5")
    assert first.post("/donate/confirm/", donation_form(campaign)).status_code == 200
    # A different donor behind the same proxy has their own count...
    other = client_at(proxy, x_forwarded_for="198.51.100.7")
    assert other.post("/donate/confirm/", donation_form(campaign)).status_code == 200
    # ...and a spoofed left-most entry does not give the first one a fresh count.
    spoofing = client_at(proxy, x_forwarded_for="192.0.2.1, 203.0.113.5")
    assert spoofing.post("/donate/confirm/", donation_form(campaign)).status_code == 429


# --- the thank-you page and the Stripe API -------------------------------------------------


def stripe_reads(fake):
    return [call for call in fake.calls if call.method == "GET"]


def test_thanks_asks_stripe_nothing_about_sessions_we_did_not_create(client, campaign, fake_stripe):
    for n in range(20):
        response = client.get("/donate/thanks/", {"session_id": f"cs_test_random{n}"})
        assert response.status_code == 200

    assert stripe_reads(fake_stripe) == []


def test_thanks_asks_stripe_about_one_session_only_so_often(client, campaign, fake_stripe):
    _, sent = confirm_and_pay(client, donation_form(campaign))
    session_id = Donation.objects.get(checkout_token=sent["token"]).stripe_checkout_session_id

    for _ in range(25):
        assert client.get("/donate/thanks/", {"session_id": session_id}).status_code == 200

    per_minute = int(live_settings.RATE_LIMITS["thanks_stripe"]["session"].split("/")[0])
    assert len(stripe_reads(fake_stripe)) == per_minute


def test_thanks_reads_a_finished_gift_from_the_ledger(client, campaign, fake_stripe):
    _, sent = confirm_and_pay(client, donation_form(campaign))
    donation = Donation.objects.get(checkout_token=sent["token"])
    fake_stripe.complete(donation.stripe_checkout_session_id)
    thanks = {"session_id": donation.stripe_checkout_session_id}
    client.get("/donate/thanks/", thanks)
    assert len(stripe_reads(fake_stripe)) == 1

    for _ in range(5):
        response = client.get("/donate/thanks/", thanks)
        assert "ご寄付ありがとうございます" in response.content.decode()

    assert len(stripe_reads(fake_stripe)) == 1
