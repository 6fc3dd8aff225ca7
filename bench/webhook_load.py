"""Signed checkout.session.completed events for fresh pending donations, posted by wrk (the same
load generator as /healthz's figure, so the two compare) at CONCURRENCY for SECONDS, as fast as
the webhook answers or, given RATE, paced at about RATE events/s (a steady load). The event
worker (`manage.py apply_stripe_events`, started beside the server) applies them meanwhile.
Prints the events/s acknowledged; how many were applied while the load ran; how long after it
the last was applied; events applied per second from the first delivery to the last applied;
and how long each event waited between its acknowledgement and its application (p50, p99, max:
`StripeEvent.received_at` to `processed_at`, the database's own clock).
With --backlog (no event worker running), the events pile up during the load and one event
worker, started once it ends, applies the backlog: its own rate, with nothing else running.
Usage (Django settings from the environment):
python bench/webhook_load.py [--backlog] URL SECONDS CONCURRENCY SECRET EVENTS [RATE]"""

import hashlib
import hmac
import json
import os
import re
import resource
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

from django.db.models import Max, Min  # noqa: E402
from django.utils import timezone  # noqa: E402

from campaigns.models import Campaign  # noqa: E402
from donations.models import Donation, StripeEvent  # noqa: E402
from donations.stripe.gateway import API_VERSION  # noqa: E402

WRK_THREADS = 2


def signed_events(count, secret, run):
    """(body, Stripe-Signature) of a completed one-time Checkout session per new donation."""
    campaign = Campaign.objects.featured()
    donations = Donation.objects.bulk_create(
        Donation(
            campaign=campaign,
            frequency="once",
            amount=3000,
            payment_method="card",  # the donor's choice, as /donate/pay/ records it
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
            "id": f"evt_{run}_{uuid.uuid4().hex}",
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


def wait_until_applied(timeout=900):
    """Seconds until the event worker has applied every recorded event."""
    start = time.perf_counter()
    while StripeEvent.objects.queued().exists():
        if time.perf_counter() - start > timeout:
            raise SystemExit("the event worker did not apply every event")
        time.sleep(0.05)
    return time.perf_counter() - start


def waits(events):
    """Seconds from acknowledgement to application, sorted."""
    return sorted(
        (applied - received).total_seconds()
        for received, applied in events.values_list("received_at", "processed_at")
    )


def percentile(values, fraction):
    return values[min(len(values) - 1, int(fraction * len(values)))] if values else 0.0


NICENESS = os.environ.get("BENCH_WORKER_NICE", "10")  # 10: as compose.yaml runs it
WORKER = ["nice", "-n", NICENESS, sys.executable, "manage.py", "apply_stripe_events"]


if __name__ == "__main__":
    backlog = "--backlog" in sys.argv
    arguments = [argument for argument in sys.argv[1:] if argument != "--backlog"]
    url, seconds, concurrency, secret, count = arguments[:5]
    rate = float(arguments[5]) if len(arguments) > 5 else None
    run = f"load{uuid.uuid4().hex[:8]}"
    bodies = signed_events(int(count), secret, run)
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as file:
        file.writelines(f"{signature}\t{payload}\n" for payload, signature in bodies)
    script = Path(__file__).with_name("webhook.lua")
    env = {**os.environ, "BODIES": file.name, "WRK_THREADS": str(WRK_THREADS)}
    if rate:
        env["DELAY_MS"] = str(int(int(concurrency) * 1000 / rate))
    report = subprocess.run(
        ["wrk", f"-t{WRK_THREADS}", f"-c{concurrency}", f"-d{seconds}s", "--latency",
         "-s", str(script), url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    load_ended = timezone.now()
    os.unlink(file.name)
    if backlog:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk's, counted out below
        worker = subprocess.Popen(WORKER)
        drained = wait_until_applied()
        worker.terminate()
        worker.wait()
        # The worker's own CPU (Python's side; PostgreSQL's is not in it): a figure that a
        # machine shared with other work moves less than the wall-clock rate.
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = used.ru_utime + used.ru_stime - before.ru_utime - before.ru_stime
    else:
        drained = wait_until_applied()
    events = StripeEvent.objects.filter(event_id__startswith=f"evt_{run}_")
    during = events.filter(processed_at__lte=load_ended).count()
    span = events.aggregate(first=Min("received_at"), last=Max("processed_at"))
    total = events.count()
    applied_rate = total / max((span["last"] - span["first"]).total_seconds(), 1e-3)
    lags = waits(events)
    acknowledged = float(re.search(r"Requests/sec:\s+([\d.]+)", report)[1])
    p99 = re.search(r"99%\s+(\S+)", report)[1]
    bad = int(re.search(r"not-200: (\d+)", report)[1])
    exhausted = int(re.search(r"exhausted: (\d+)", report)[1])
    kind = f"paced at {rate:.0f}/s" if rate else "as fast as answered"
    if backlog:
        print(
            f"backlog: {total} events acknowledged at {acknowledged:.0f}/s with no event worker, "
            f"then applied by one worker in {drained:.1f} s: {total / drained:.0f} events/s "
            f"applied; the worker's own CPU {worker_cpu:.1f} s (its start included): "
            f"{total / max(worker_cpu, 1e-3):.0f} events per CPU-second"
        )
        sys.exit(1 if bad or exhausted else 0)
    print(
        f"webhooks at c={concurrency}, {kind}: {acknowledged:.0f} events/s acknowledged (p99 "
        f"{p99}), {total} events, {bad} not 200; {during} applied while the load ran, the last "
        f"{drained:.1f} s after it ended; {applied_rate:.0f} events/s applied from first "
        f"delivery to last applied; acknowledged to applied: p50 {percentile(lags, 0.5):.2f} s, "
        f"p99 {percentile(lags, 0.99):.2f} s, max {lags[-1] if lags else 0:.2f} s"
        + ("; THE EVENTS RAN OUT: give more" if exhausted else "")
    )
    sys.exit(1 if bad or exhausted else 0)
