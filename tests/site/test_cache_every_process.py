"""The README's run command (scripts/run) on one machine without Redis: the web server, the
event worker and the task worker as separate processes on SQLite, no REDIS_URL. A payment the
event worker applies and a bank statement imported by `manage.py import_bank_statement` both
show on the campaign page the web process serves from its cache, within a second or so."""

import json
import re
import subprocess
import sys
import time

import pytest

from tests.support import stripe_events as se
from tests.support.site_process import BASE_DIR, SiteProcess, manage, site_environment

pytestmark = pytest.mark.slow

# Run inside `manage.py shell` on the site's database: a donation waiting for Checkout (and the
# signed event Stripe would send for it) and a bank-transfer pledge with its reference code.
# A small published campaign (tests/support/gifts.py), made in the site's own database.
MAKE_CAMPAIGN = "from tests.support.gifts import small_campaign; small_campaign()"
MAKE_GIFTS = """
import json
from campaigns.models import Campaign
from donations.models import Donation
from tests.support import stripe_events as se
campaign = Campaign.objects.get()
card = se.pending(campaign, amount=7000)
pledge = Donation.pledge_transfer(
    campaign=campaign, frequency="once", amount=5000,
    donor_name="山田 花子", donor_email="hanako@example.jp",
)
event = se.event("checkout.session.completed", se.checkout_session(card))
print(json.dumps({"event": event, "reference": pledge.reference}))
"""


def raised_shown(site):
    html = site.get("/").text
    figures = re.search(r'id="progress-onetime-figures">(.*?)</dl>', html, re.S)[1]
    return int(re.search(r"<dd>¥([\d,]+)</dd>", figures)[1].replace(",", ""))


def wait_for_raised(site, expected, seconds=15):
    """Polls the page until it shows `expected` (it should within a second)."""
    deadline = time.monotonic() + seconds
    while (shown := raised_shown(site)) != expected:
        assert time.monotonic() < deadline, f"the page still shows ¥{shown:,}, not ¥{expected:,}"
        time.sleep(0.1)


@pytest.fixture
def local_run(tmp_path):
    """scripts/run's processes, each its own OS process, on a fresh SQLite database."""
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = site_environment(database_url, DEBUG="true", LOG_LEVEL="WARNING")
    manage("migrate", "--noinput", env=env, timeout=300)
    manage("shell", "-c", MAKE_CAMPAIGN, env=env)
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for command in (["db_worker"], ["apply_stripe_events", "--idle-pause", "0.1"])
    ]
    site = SiteProcess(database_url, runserver=True, DEBUG="true", LOG_LEVEL="WARNING")
    try:
        yield site, env, tmp_path
    finally:
        site.stop()
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)


def test_what_the_event_worker_and_a_command_commit_shows_on_the_cached_page(local_run):
    site, env, tmp_path = local_run
    before = raised_shown(site)
    assert before == 0  # nothing given yet to the campaign made for the test
    assert raised_shown(site) == before  # served from the web process's cache now
    gifts = json.loads(manage("shell", "-c", MAKE_GIFTS, env=env).strip().splitlines()[-1])

    payload = json.dumps(gifts["event"])
    response = site.post(
        se.WEBHOOK_PATH,
        data=payload.encode(),
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": se.signature_header(payload),
        },
    )

    assert response.status_code == 200  # recorded; the event worker applies it
    wait_for_raised(site, before + 7000)

    statement = tmp_path / "statement.csv"
    statement.write_bytes(
        f'取引日,振込依頼人名,入金額\r\n2026/12/01,{gifts["reference"]} ﾔﾏﾀﾞ ﾊﾅｺ,"5,000"\r\n'.encode(
            "cp932"
        )
    )
    manage("import_bank_statement", str(statement), env=env)

    wait_for_raised(site, before + 7000 + 5000)
