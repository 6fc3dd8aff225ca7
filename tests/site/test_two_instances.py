"""Several stateless app instances behind a load balancer: two gunicorn servers and an event
worker on the one test database and the one Redis of scripts/test. Payments delivered to either
(and applied by the worker), and an edit made through one, show on both within the second a
cached page may be kept through a burst of changes (jii_campaign/page_cache.py), exact."""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from campaigns.models import CampaignSection
from donations.models import CampaignProgress, StripeEvent
from testimonials.models import SupportMessage
from tests.support import stripe_events as se
from tests.support.gifts import small_campaign
from tests.support.personas import with_sections
from tests.support.staff_personas import SECRETARIAT, member

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
PAYMENTS = 24


@pytest.fixture(autouse=True)
def _redis():
    # Without Redis the two instances could share nothing: a failure, never a silent skip.
    assert os.environ.get("REDIS_URL"), "needs Redis (REDIS_URL): run scripts/test"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def campaign(db):
    """A small published campaign that shows its approved messages."""
    return with_sections(small_campaign(), CampaignSection.Kind.MESSAGES)


@pytest.fixture
def instances(campaign):
    """Two servers as production runs them (DEBUG off, gunicorn.conf.py), on the test database."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "two-instances-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
        "STRIPE_WEBHOOK_SECRET": se.SECRET,
        "LOCAL_TEST_CHECKOUT": "false",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    servers = []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind",
             f"127.0.0.1:{port}", "--log-level", "warning", "jii_campaign.wsgi:application"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        servers.append((process, f"http://127.0.0.1:{port}"))
    # The event worker, as compose.yaml runs it beside the web instances.
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "apply_stripe_events", "--idle-pause", "0.05"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _, url in servers:
            wait_until_up(url)
        yield [url for _, url in servers]
    finally:
        for process in [worker, *(process for process, _ in servers)]:
            process.terminate()
            process.wait(timeout=30)


def wait_until_up(url):
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


def wait_until_applied():
    """The webhooks answered once they recorded the events; the event worker applies them."""
    for _ in range(300):
        if not StripeEvent.objects.queued().exists():
            return
        time.sleep(0.1)
    raise AssertionError("the event worker left events unapplied")


def page(url):
    with urllib.request.urlopen(f"{url}/", timeout=30) as response:
        return response.read().decode()


def shown_within_a_second(url, shows):
    """The page as it is served once `shows` it: through a burst of changes a cached page may be
    kept for up to a second after its render (jii_campaign/page_cache.py), never longer."""
    deadline = time.monotonic() + 1
    while not shows(html := page(url)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return html


def raised_shown(html):
    figures = re.search(r'id="progress-onetime-figures">(.*?)</dl>', html, re.S)[1]
    return int(re.search(r"<dd>¥([\d,]+)</dd>", figures)[1].replace(",", ""))


class StaffBrowser:
    """Logged in to the admin of one instance as a browser behind the TLS proxy: production
    cookies are Secure and CSRF checks the Referer of a secure request."""

    def __init__(self, url):
        self.url, self.cookies = url, {}
        member("staff", SECRETARIAT, password="long password 1")  # moderates, no second factor
        self.token = self.form_token("/admin/login/")
        status = self.post("/admin/login/", {"username": "staff", "password": "long password 1"})
        assert status == 302, "not logged in"
        self.token = self.form_token("/admin/")  # a login rotates the CSRF token

    def form_token(self, path):
        status, html = self.request("GET", path)
        assert status == 200, path
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]

    def request(self, method, path, body=None):
        parts = urllib.parse.urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{parts.netloc}{path}",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            self.cookies[name] = value
        text = response.read().decode()
        conn.close()
        return response.status, text

    def post(self, path, fields):
        fields = {"csrfmiddlewaretoken": self.token, **fields}
        return self.request("POST", path, urllib.parse.urlencode(fields, doseq=True))[0]


def test_two_instances_serve_new_counters_and_content_within_a_second(instances, campaign):
    first, second = instances
    before = raised_shown(page(first))
    assert raised_shown(page(second)) == before == 0  # both cached now
    donations = [se.pending(campaign, amount=1000 + i) for i in range(PAYMENTS)]
    events = [se.event("checkout.session.completed", se.checkout_session(d)) for d in donations]
    statuses = []

    def deliver_to(i):  # interleaved: even events to one instance, odd to the other
        statuses.append(se.post_over_http(instances[i % 2] + se.WEBHOOK_PATH, events[i]))

    threads = [threading.Thread(target=deliver_to, args=(i,)) for i in range(PAYMENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200] * PAYMENTS
    wait_until_applied()
    expected = before + sum(1000 + i for i in range(PAYMENTS))
    assert CampaignProgress.objects.get(pk=campaign.pk).as_dict() == (
        CampaignProgress.from_ledger(campaign.pk).as_dict()
    )
    for url in (first, second):
        html = shown_within_a_second(url, lambda html: raised_shown(html) == expected)
        assert raised_shown(html) == expected

    message = SupportMessage.objects.create(
        campaign=campaign, display_name="隣人", body="応援します！"
    )
    assert "応援します！" not in page(second)
    staff = StaffBrowser(first)
    status = staff.post(
        "/admin/testimonials/supportmessage/",
        {"action": "approve", "_selected_action": [message.pk]},
    )

    assert status == 302
    for url in (second, first):
        assert "応援します！" in shown_within_a_second(url, lambda html: "応援します！" in html)
