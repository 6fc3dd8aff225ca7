"""The tests' fake Stripe (tests/support/fake_stripe.py) as a process of its own on loopback, for
bench/burst: the same validation of every request against the pinned SDK's types and the same
objects, answered after a delay drawn between MIN and MAX seconds, as api.stripe.com takes its
time. And Stripe's side of Checkout, which the benchmark's donors reach instead of the hosted page:
`POST /bench/pay/<session id>` completes the session as a card payment does and answers the signed
`checkout.session.completed` event Stripe then sends to the webhook, with the `success_url` the
donor is sent back to. `GET /bench/report` says what the site asked and whether Stripe would
have refused any of it.

Usage (Django settings from the environment, for the SDK shapes):
python bench/fake_stripe_server.py PORT WEBHOOK_SECRET [MIN_DELAY MAX_DELAY]"""

import json
import logging
import os
import random
import re
import signal
import sys
import threading
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jii_campaign.settings")
django.setup()

import stripe  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402
from werkzeug import Request, Response  # noqa: E402

from tests.support import stripe_events  # noqa: E402
from tests.support.fake_stripe import FakeStripe  # noqa: E402

PAY_PATH = re.compile(r"^/bench/pay/(cs_[A-Za-z0-9_]+)$")


class SlowFakeStripe(FakeStripe):
    """Each API request answered after a random delay; Checkout paid on the donor's behalf."""

    def __init__(self, server: HTTPServer, secret: str, delay: tuple[float, float]):
        self.secret = secret
        self.delay = delay
        self.ready = False  # /bench/report answers 503 until warm_up() is done
        super().__init__(server)  # routes /v1/ to self._handle, the delayed one below
        server.expect_request(PAY_PATH, method="POST").respond_with_handler(self._pay)
        server.expect_request("/bench/report").respond_with_handler(self._report)

    def _handle(self, request: Request) -> Response:
        time.sleep(random.uniform(*self.delay))
        return super()._handle(request)

    def _pay(self, request: Request) -> Response:
        session_id = PAY_PATH.match(request.path)[1]
        with self._lock:
            session = self.sessions.get(session_id)
            if session is None or session["status"] != "open":
                return Response(f"no open session {session_id}", status=404)
            session = self.complete(session_id)
            event = stripe_events.event("checkout.session.completed", session)
        payload = json.dumps(event)
        answer = {
            "payload": payload,
            "signature": stripe_events.signature_header(payload, secret=self.secret),
            "success_url": session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id),
            "amount": session["amount_total"],
            "email": session["customer_email"],
        }
        return Response(json.dumps(answer), mimetype="application/json")

    def _report(self, request: Request) -> Response:
        if not self.ready:
            return Response("warming up", status=503)
        with self._lock:
            report = {
                "requests": len(self.calls),
                "sessions": len(self.sessions),
                "paid": sum(s["status"] == "complete" for s in self.sessions.values()),
                "refused": [
                    f"{c.method} {c.path}: {c.refusal['error']['message']}" for c in self.refused
                ],
                "shape_errors": self.shape_errors,
            }
        return Response(json.dumps(report), mimetype="application/json")


def warm_up(fake: SlowFakeStripe, url: str):
    """One Checkout paid and read back, then forgotten: the first reading of the SDK's types
    takes a second, which would otherwise hold the first donors' requests."""
    client = stripe.StripeClient("sk_test_warm_up", base_addresses={"api": url})
    session = client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "jpy",
                        "unit_amount": 1000,
                        "product_data": {"name": "warm-up"},
                    },
                }
            ],
            "success_url": "https://example.org/?session_id={CHECKOUT_SESSION_ID}",
            "customer_email": "warm-up@example.org",
        }
    )
    stripe_events.event("checkout.session.completed", fake.complete(session.id))
    client.v1.checkout.sessions.retrieve(session.id, {"expand": ["payment_intent"]})
    with fake._lock:
        fake.calls.clear()
        fake.sessions.clear()
        fake.payment_intents.clear()
    fake.ready = True


def main(port: str, secret: str, low="0.1", high="0.3"):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = HTTPServer(host="127.0.0.1", port=int(port), threaded=True)
    fake = SlowFakeStripe(server, secret, (float(low), float(high)))
    server.start()
    warm_up(fake, f"http://127.0.0.1:{port}")
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    server.stop()
    server.check_handler_errors()


if __name__ == "__main__":
    main(*sys.argv[1:])
