"""Signed checkout.session.completed events for fresh pending donations, posted by wrk (the same
load generator as /healthz's figure, so the two compare) at CONCURRENCY for SECONDS; prints the
events/s the webhook acknowledged, then waits for the event worker (`manage.py
apply_stripe_events`, started beside the server) to apply them all and prints how long that took.
Usage (Django settings from the environment):
python bench/webhook_load.py URL SECONDS CONCURRENCY SECRET EVENTS"""

import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jii_campaign.settings")
django.setup()

from campaigns.models import Campaign  # noqa: E402
from donations.models import Donation, StripeEvent  # noqa: E402
from donations.stripe.gateway import API_VERSION  # noqa: E402

WRK_THREADS = 2


def signed_events(count, secret):
    """(body, Stripe-Signature) of a completed one-time Checkout session per new donation."""
    campaign = Campaign.objects.featured()
    donations = Donation.objects.bulk_create(
        Donation(
            campaign=campaign,
            frequency="once",
            amount=3000,
            donor_email=f"load{i}@example.org",
            checkout_token=uuid.uuid4(),
        )
        for i in range(count)
    )
    now = int(time.time())
    bodies = []
    for donation in donations:
        session = {
            "id": f"cs_load_{uuid.uuid4().hex}",
            "object": "checkout.session",
            "mode": "payment",
            "status": "complete",
            "payment_status": "paid",
            "amount_total": donation.amount,
            "currency": "jpy",
            "payment_intent": f"pi_load_{uuid.uuid4().hex}",
            "customer": None,
            "metadata": {"donation_id": str(donation.pk)},
            "created": now,
        }
        event = {
            "id": f"evt_load_{uuid.uuid4().hex}",
            "object": "event",
            "api_version": API_VERSION,
            "type": "checkout.session.completed",
            "created": now,
            "livemode": False,
            "data": {"object": session},
        }
        payload = json.dumps(event)
        mac = hmac.new(secret.encode(), f"{now}.{payload}".encode(), hashlib.sha256).hexdigest()
        bodies.append((payload, f"t={now},v1={mac}"))
    return bodies


def wait_until_applied(timeout=600):
    """Seconds until the event worker has applied every recorded event."""
    start = time.perf_counter()
    while StripeEvent.objects.queued().exists():
        if time.perf_counter() - start > timeout:
            raise SystemExit("the event worker did not apply every event")
        time.sleep(0.05)
    return time.perf_counter() - start


if __name__ == "__main__":
    url, seconds, concurrency, secret, count = sys.argv[1:6]
    bodies = signed_events(int(count), secret)
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as file:
        file.writelines(f"{signature}\t{payload}\n" for payload, signature in bodies)
    script = Path(__file__).with_name("webhook.lua")
    env = {**os.environ, "BODIES": file.name, "WRK_THREADS": str(WRK_THREADS)}
    started = time.perf_counter()
    report = subprocess.run(
        ["wrk", f"-t{WRK_THREADS}", f"-c{concurrency}", f"-d{seconds}s", "--latency",
         "-s", str(script), url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    loaded = time.perf_counter() - started
    os.unlink(file.name)
    drained = wait_until_applied()
    acknowledged = float(re.search(r"Requests/sec:\s+([\d.]+)", report)[1])
    requests = int(re.search(r"(\d+) requests in", report)[1])
    p99 = re.search(r"99%\s+(\S+)", report)[1]
    bad = int(re.search(r"not-200: (\d+)", report)[1])
    exhausted = int(re.search(r"exhausted: (\d+)", report)[1])
    print(
        f"webhooks at c={concurrency}: {acknowledged:.0f} events/s acknowledged (p99 {p99}), "
        f"{requests} requests, {bad} not 200; all applied {drained:.1f} s after the load ended "
        f"({min(requests, len(bodies)) / (loaded + drained):.0f} events/s from first delivery to "
        f"last applied)" + ("; THE EVENTS RAN OUT: give more" if exhausted else "")
    )
    sys.exit(1 if bad or exhausted else 0)
