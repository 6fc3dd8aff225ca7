"""Outages look calm from outside, on the site as production runs it (gunicorn, the connection
pool): while PostgreSQL is unreachable every page answers a translated 503 within a second or
two, /healthz and the webhook answer 503 (Stripe retries), and once the database is back the same
processes answer again; the event worker waits the outage out and then applies what the webhook
recorded; while Stripe hangs on one donor's checkout, other visitors still get pages."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from donations.models import CampaignProgress, StripeEvent
from donations.stripe import recording
from tests.support import stripe_events
from tests.support.fake_stripe import donation_form, form_fields
from tests.support.personas import SITE_PROGRAMME, bilingual_site
from tests.support.site_process import BASE_DIR, SiteProcess, TcpProxy, csrf_cookie
from tests.support.webhook_checks import counters

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
UNAVAILABLE_JA = "ただいまこのページを表示できません"
UNAVAILABLE_EN = "The site can’t show this page right now because of a temporary problem"
# The connection pool gives up after 1 s; the rest is slack for a busy test machine.
CALM_WITHIN_SECONDS = 3


@pytest.fixture(autouse=True)
def _postgresql(needs_postgresql):
    """The outages are PostgreSQL's (a proxy in front of its port)."""


def database_url(port):
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@127.0.0.1:{port}/{settings['NAME']}"


@pytest.fixture
def proxy():
    proxy = TcpProxy(int(connection.settings_dict["PORT"]))
    yield proxy
    proxy.close()


@pytest.fixture
def campaign(db):
    """A published campaign with its programme and pages, in both languages."""
    return bilingual_site()


@pytest.fixture
def site(campaign, proxy):
    site = SiteProcess(database_url(proxy.port))
    yield site
    site.stop()


def timed(request):
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def signed_event():
    payload = json.dumps(stripe_events.event("customer.created", {"id": "cus_outage"}))
    headers = {
        "Stripe-Signature": stripe_events.signature_header(payload),
        "Content-Type": "application/json",
    }
    return payload, headers


def test_a_database_outage_answers_calm_503s_and_recovers_without_a_restart(site, proxy, campaign):
    assert site.get("/").status_code == 200

    proxy.cut()

    for path, text in [
        ("/", UNAVAILABLE_JA),
        ("/en/", UNAVAILABLE_EN),
        ("/donate/", UNAVAILABLE_JA),
        (f"/programs/{SITE_PROGRAMME}/", UNAVAILABLE_JA),
    ]:
        response, seconds = timed(lambda path=path: site.get(path))
        assert seconds < CALM_WITHIN_SECONDS, (path, seconds)
        if path in ("/", "/en/") and response.status_code == 200:
            # The campaign page a worker had cached whole needs no database: the last good page.
            assert campaign.title_ja in response.text or campaign.title_en in response.text
            continue
        assert response.status_code == 503, (path, response.text[:500])
        assert text in response.text
        assert response.headers["Retry-After"] == "30"
    response, seconds = timed(lambda: site.get("/healthz"))
    assert (response.status_code, seconds < CALM_WITHIN_SECONDS) == (503, True)
    payload, headers = signed_event()
    response = site.post("/stripe/webhook/", data=payload.encode(), headers=headers)
    assert response.status_code == 503  # Stripe retries until the event is recorded
    response = site.post("/donate/confirm/", data=donation_form(campaign))
    assert response.status_code == 503

    proxy.restore()

    # Every worker process reconnects on its own within seconds, without a restart.
    deadline = time.monotonic() + 30
    while not all_answer(site, payload, headers):
        assert time.monotonic() < deadline, "the site did not recover"
        time.sleep(0.5)


def all_answer(site, payload, headers):
    statuses = [site.get(path).status_code for path in ["/", "/en/donate/", "/healthz"] * 3]
    statuses.append(
        site.post("/stripe/webhook/", data=payload.encode(), headers=headers).status_code
    )
    return set(statuses) == {200}


@pytest.fixture
def stripe_site(campaign, proxy, fake_stripe):
    site = SiteProcess(
        database_url(proxy.port),
        STRIPE_SECRET_KEY="sk_test_x",
        STRIPE_API_BASE=fake_stripe.server.url_for("").rstrip("/"),
    )
    yield site
    site.stop()


def test_the_site_answers_while_checkouts_wait_on_a_hanging_stripe(
    stripe_site, fake_stripe, campaign
):
    # More donors waiting on Stripe at once than the Dockerfile starts worker processes.
    waiting = 4
    fake_stripe.hang_next(5, times=waiting)
    results = []

    def donor(n):
        confirm = stripe_site.post(
            "/donate/confirm/", data=donation_form(campaign, donor_email=f"d{n}@example.jp")
        )
        fields = form_fields(confirm, "/donate/pay/")
        cookie = {"Cookie": f"csrftoken={csrf_cookie(confirm)}"}
        results.append(stripe_site.post("/donate/pay/", data=fields, headers=cookie).status_code)

    donors = [threading.Thread(target=donor, args=(n,)) for n in range(waiting)]
    for thread in donors:
        thread.start()
    deadline = time.monotonic() + 10
    while fake_stripe.hanging < waiting and time.monotonic() < deadline:
        time.sleep(0.05)

    response, seconds = timed(lambda: stripe_site.get("/"))

    assert response.status_code == 200
    assert seconds < CALM_WITHIN_SECONDS  # not queued behind the donors (5 s each)
    assert results == []  # the donors are still waiting on Stripe
    for thread in donors:
        thread.join()
    assert results == [303] * waiting


def test_the_event_worker_waits_out_a_database_outage_and_then_applies_what_was_recorded(
    campaign, proxy
):
    before = counters(campaign)["onetime_raised"]
    assert before == 0
    donation = stripe_events.pending(campaign, amount=7000)
    session = stripe_events.checkout_session(donation)
    evt = stripe_events.event("checkout.session.completed", session)
    assert recording.record_event(evt)  # what the webhook did before the outage
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "REDIS_"))}
    env.update(DEBUG="false", SECRET_KEY="test-only-" + "x" * 40, ALLOWED_HOSTS="127.0.0.1")
    env.update(DATABASE_URL=database_url(proxy.port), LOG_LEVEL="WARNING")
    proxy.cut()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "apply_stripe_events", "--idle-pause", "0.1"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        time.sleep(3)
        assert worker.poll() is None, worker.stderr.read()  # it waits; it does not give up
        assert StripeEvent.objects.queued().filter(event_id=evt["id"]).exists()

        proxy.restore()
        deadline = time.monotonic() + 30
        while StripeEvent.objects.queued().exists():
            assert time.monotonic() < deadline, "the event worker did not recover"
            time.sleep(0.2)
        assert CampaignProgress.objects.get(pk=campaign.pk).onetime_raised == before + 7000
    finally:
        worker.terminate()  # a deploy: it stops cleanly between batches
        _, errors = worker.communicate(timeout=30)
    assert worker.returncode == 0, errors
    assert "Database unavailable" in errors
