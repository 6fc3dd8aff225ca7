"""Redis (REDIS_URL) going away while the site runs: pages are rendered from the database (never
a 500), webhooks are recorded, rate limits count in each process, the admin works, the outage is
logged once per process and minute, and when Redis comes back, with everything it held before,
no page rendered before a change made during the outage is served again. Each test starts its
own redis-server on a free port, stops it (saving its data, as a persistent Redis or one behind a
cut network keeps it) and starts it again on the same port."""

import contextlib
import logging
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
import redis
from django.db import connection
from django.urls import reverse

from donations.models import StripeEvent
from jii_campaign import cache_outage, ratelimits
from testimonials.models import SupportMessage
from tests.support import stripe_events as se
from tests.support.fake_stripe import donation_form
from tests.support.gifts import giving_campaign
from tests.support.html_checks import https_client
from tests.support.site_process import BASE_DIR, SiteProcess, free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
UNAVAILABLE = "Shared cache (Redis) unavailable"


@pytest.fixture
def campaign(db):
    """A small published campaign whose form offers 3,000 and 10,000 yen."""
    return giving_campaign()


class RedisServer:
    def __init__(self, directory):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir",
             str(self.directory), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        """Down, with what it held saved for its return."""
        with contextlib.suppress(redis.ConnectionError):  # it closes the connection as it goes
            redis.Redis(port=self.port).shutdown(save=True)
        self.process.wait(timeout=10)

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.close()


@pytest.fixture
def own_redis(redis_server, settings):
    """This test process's cache is the test's own redis-server, configured as in production."""
    settings.REDIS_URL = redis_server.url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": redis_server.url}}
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    cache_outage.reset()
    yield redis_server
    cache_outage.reset()


def raised_shown(html):
    figures = html.split('id="progress-onetime-figures">')[1].split("</dl>")[0]
    return int(figures.split("<dd>¥")[1].split("</dd>")[0].replace(",", ""))


def test_a_change_made_while_redis_was_down_shows_once_it_is_back(own_redis, campaign):
    client = https_client()
    before = raised_shown(client.get("/").content.decode())
    raised_shown(client.get("/").content.decode())  # served from Redis now

    own_redis.stop()
    donation = se.pending(campaign, amount=7000)
    response = se.post_event(
        client, se.event("checkout.session.completed", se.checkout_session(donation))
    )
    assert response.status_code == 200  # recorded, and applied: the version in Redis was not

    own_redis.start()  # with the version and the pages of before the payment
    time.sleep(cache_outage.RETRY_SECONDS)  # until the process asks Redis again

    for path in ["/", "/en/"] * 3:
        assert raised_shown(client.get(path).content.decode()) == before + 7000, path


@pytest.fixture
def frozen_window(monkeypatch):
    """Every request of the test in one rate-limit window."""
    now = time.time()
    monkeypatch.setattr(ratelimits, "time", SimpleNamespace(time=lambda: now), raising=False)


def test_while_redis_is_down_pages_webhooks_limits_and_the_admin_work(
    own_redis, campaign, staff_client, settings, caplog, frozen_window
):
    client = https_client()
    before = raised_shown(client.get("/").content.decode())
    message = SupportMessage.objects.create(campaign=campaign, display_name="隣人", body="応援")
    own_redis.stop()
    caplog.set_level(logging.WARNING, logger="jii_campaign.cache_outage")

    for path in ["/", "/en/", "/", "/donate/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    donation = se.pending(campaign, amount=4000)
    evt = se.event("checkout.session.completed", se.checkout_session(donation))
    assert se.post_event(client, evt).status_code == 200
    assert raised_shown(client.get("/").content.decode()) == before + 4000
    # The admin: its pages and an action that changes a public page.
    assert staff_client.get(reverse("admin:index")).status_code == 200
    dashboard = reverse("admin:donations_dashboard", args=[campaign.pk])
    assert staff_client.get(dashboard).status_code == 200
    response = staff_client.post(
        reverse("admin:testimonials_supportmessage_changelist"),
        {"action": "approve", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    assert "応援" in client.get("/").content.decode()
    # Limits still hold, counted by this process.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "donate_confirm": {"ip": "3/10m"}}
    statuses = [
        client.post("/donate/confirm/", donation_form(campaign)).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]

    outages = [r for r in caplog.records if r.getMessage().startswith(UNAVAILABLE)]
    assert len(outages) == 1 and outages[0].levelname == "ERROR"

    own_redis.start()
    time.sleep(cache_outage.RETRY_SECONDS)
    assert raised_shown(client.get("/").content.decode()) == before + 4000
    assert "Shared cache (Redis) reachable again" in caplog.text
    # Back to counting in Redis: a fresh count there.
    assert client.post("/donate/confirm/", donation_form(campaign)).status_code == 200


def postgres_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.usefixtures("needs_postgresql")
def test_gunicorn_and_the_event_worker_ride_out_a_redis_outage(redis_server, campaign, tmp_path):
    site = SiteProcess(postgres_url(), REDIS_URL=redis_server.url)
    worker_log = tmp_path / "events.log"
    with worker_log.open("a") as log:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "apply_stripe_events", "--idle-pause", "0.1"],
            cwd=BASE_DIR, env=site.env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
    try:
        before = raised_shown(site.get("/").text)
        for _ in range(12):  # every worker process has it from Redis now
            assert raised_shown(site.get("/").text) == before

        redis_server.stop()

        statuses = [site.get(path).status_code for path in ["/", "/en/", "/donate/"] * 8]
        assert set(statuses) == {200}
        donation = se.pending(campaign, amount=6000)
        evt = se.event("checkout.session.completed", se.checkout_session(donation))
        assert se.post_over_http(site.url + se.WEBHOOK_PATH, evt) == 200
        deadline = time.monotonic() + 30
        while StripeEvent.objects.queued().exists():  # applied by the event worker
            assert time.monotonic() < deadline, "the event worker did not apply the event"
            time.sleep(0.1)
        assert raised_shown(site.get("/").text) == before + 6000  # rendered from the database

        redis_server.start()  # with the pages and the version of before the payment
        time.sleep(cache_outage.RETRY_SECONDS)

        for path in ["/", "/en/"] * 8:
            assert raised_shown(site.get(path).text) == before + 6000, path
        # Once per process (gunicorn starts several), not once per request.
        outages = site.log().count(UNAVAILABLE)
        assert 1 <= outages <= int(site.env.get("WEB_CONCURRENCY", "4"))
        assert worker_log.read_text().count(UNAVAILABLE) == 1
    finally:
        site.stop()
        worker.terminate()
        worker.wait(timeout=30)
