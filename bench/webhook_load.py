"""Signed checkout.session.completed events for fresh pending donations, posted by CONCURRENCY
threads over keep-alive connections; prints events/s. Usage (Django settings from the
environment): python bench/webhook_load.py URL EVENTS CONCURRENCY SECRET"""

import hashlib
import hmac
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse
import uuid

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jii_campaign.settings")
django.setup()

from campaigns.models import Campaign  # noqa: E402
from donations.models import Donation  # noqa: E402


def signed_events(count, secret):
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
            "type": "checkout.session.completed",
            "created": now,
            "livemode": False,
            "data": {"object": session},
        }
        payload = json.dumps(event)
        mac = hmac.new(secret.encode(), f"{now}.{payload}".encode(), hashlib.sha256).hexdigest()
        bodies.append((payload.encode(), f"t={now},v1={mac}"))
    return bodies


def post_all(url, bodies, concurrency):
    parts = urllib.parse.urlsplit(url)
    failures = []
    lock = threading.Lock()
    queue = list(reversed(bodies))

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                body, signature = queue.pop()
            headers = {"Content-Type": "application/json", "Stripe-Signature": signature}
            conn.request("POST", parts.path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, failures


if __name__ == "__main__":
    url, count, concurrency, secret = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    bodies = signed_events(count, secret)
    elapsed, failures = post_all(url, bodies, concurrency)
    print(
        f"webhooks: {count} events at concurrency {concurrency} in {elapsed:.1f} s: "
        f"{count / elapsed:.0f} events/s, {len(failures)} not 200 {sorted(set(failures))}"
    )
    sys.exit(1 if failures else 0)
