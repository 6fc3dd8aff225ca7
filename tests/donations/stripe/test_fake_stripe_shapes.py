"""Every object the fake Stripe answers with has the shape the SDK's resource classes declare."""

import json
import urllib.request

import pytest
from stripe.checkout import Session

from donations.stripe import gateway as stripe_gateway
from tests.support import stripe_events
from tests.support.gifts import campaign_with_earlier_gifts
from tests.support.stripe_request_types import API_VERSION
from tests.support.stripe_shapes import declared, full_object, undeclared


@pytest.fixture
def campaign(db):
    """A small campaign of the test's own whose counters already moved (tests/support/gifts.py)."""
    return campaign_with_earlier_gifts()


def answer(fake, method, path, params=None) -> dict:
    """The raw JSON body of one request, sent as the SDK sends it."""
    body = "&".join(f"{k}={v}" for k, v in (params or {}).items())
    url = fake.server.url_for(path) + (f"?{body}" if method != "POST" and body else "")
    request = urllib.request.Request(
        url,
        data=body.encode() if method == "POST" else None,
        method=method,
        headers={"Authorization": "Bearer sk_test_x", "Stripe-Version": API_VERSION},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def test_every_object_the_fake_answers_with_has_only_declared_fields(fake_stripe):
    gateway = stripe_gateway
    one_time = gateway.create_checkout_session(_session_params("payment"), "key-1")
    monthly = gateway.create_checkout_session(_session_params("subscription"), "key-2")
    fake_stripe.complete(monthly["id"])
    fake_stripe.complete_konbini(one_time["id"], "https://payments.stripe.com/konbini/voucher/x")
    endpoint = gateway.create_webhook_endpoint("https://example.org/stripe/webhook/", ["*"])

    bodies = [
        answer(fake_stripe, "GET", f"/v1/checkout/sessions/{one_time['id']}"),
        answer(
            fake_stripe,
            "GET",
            f"/v1/checkout/sessions/{one_time['id']}",
            {"expand[0]": "payment_intent"},
        ),
        answer(
            fake_stripe,
            "GET",
            f"/v1/checkout/sessions/{one_time['id']}",
            {"expand[0]": "payment_intent", "expand[1]": "payment_intent.payment_method"},
        ),
        answer(fake_stripe, "POST", "/v1/customers", {"email": "hanako@example.org"}),
        answer(fake_stripe, "GET", "/v1/checkout/sessions"),
        answer(
            fake_stripe,
            "POST",
            "/v1/billing_portal/sessions",
            {"customer": monthly["id"], "return_url": "https://example.org/"},
        ),
        answer(fake_stripe, "GET", "/v1/webhook_endpoints"),
        answer(
            fake_stripe, "POST", f"/v1/webhook_endpoints/{endpoint['id']}", {"disabled": "true"}
        ),
        answer(fake_stripe, "GET", "/v1/billing_portal/configurations"),
        answer(fake_stripe, "DELETE", f"/v1/webhook_endpoints/{endpoint['id']}"),
    ]

    assert [undeclared(body) for body in bodies] == [[]] * len(bodies)
    assert fake_stripe.shape_errors == []
    assert bodies[1]["payment_intent"]["next_action"]["type"] == "konbini_display_details"
    assert bodies[2]["payment_intent"]["payment_method"]["type"] == "konbini"


def test_objects_have_every_field_the_api_returns(fake_stripe):
    session = stripe_gateway.create_checkout_session(_session_params("payment"), "key-1")

    # Stripe returns each field, null when unset; what the site reads is among them.
    assert set(session) == set(declared(Session))
    assert session["payment_intent"] is None
    assert session["amount_total"] == 3000
    assert session["allowed_payment_method_types"] == ["card", "konbini"]


def test_objects_tests_put_in_the_fake_are_checked_too(fake_stripe):
    donation_invoice = {"id": "in_1", "object": "invoice", "created": 1, "subscripton": "sub_1"}
    fake_stripe.listed["invoices"].append(donation_invoice)

    list(stripe_gateway.list_invoices(created_since=0))

    assert fake_stripe.shape_errors == ["GET /v1/invoices: .data[0].subscripton"]
    fake_stripe.shape_errors.clear()  # seen: the fixture would fail the test otherwise


def test_the_shared_event_objects_are_shaped_like_the_api(campaign):
    donation = stripe_events.pending(campaign, frequency="monthly")
    ids = {"subscription_id": "sub_1", "customer_id": "cus_1"}

    for obj in [
        stripe_events.checkout_session(donation),
        stripe_events.invoice(donation, **ids),
        stripe_events.subscription(donation, **ids),
        stripe_events.charge(payment_intent="pi_1", amount=3000),
        stripe_events.dispute(payment_intent="pi_1", amount=3000),
        stripe_events.invoice_payment(invoice_id="in_1", payment_intent="pi_1", amount=3000),
    ]:
        assert undeclared(obj) == [], obj["object"]


def test_undeclared_fields_are_found_at_any_depth():
    session = {
        "object": "checkout.session",
        "id": "cs_1",
        "payment_method_types": ["card"],
        "automatic_tax": {"enabled": False, "colour": "red"},
        "payment_intent": {
            "object": "payment_intent",
            "id": "pi_1",
            "next_action": {"type": "konbini_display_details", "voucher": "x"},
        },
        "custom_fields": [{"key": "a", "hint": "b"}],
        "charges": {"object": "list", "data": [], "has_more": False, "url": "/"},
    }

    assert sorted(undeclared(session)) == [
        ".automatic_tax.colour",
        ".charges",
        ".custom_fields[0].hint",
        ".payment_intent.next_action.voucher",
    ]


def test_shaped_refuses_an_undeclared_field_and_a_missing_required_one():
    with pytest.raises(AssertionError, match="declares no"):
        full_object(Session.AutomaticTax, enabled=False, colour="red")
    with pytest.raises(AssertionError, match="always has"):
        full_object(Session.AutomaticTax)
    assert full_object(Session.AutomaticTax, enabled=True) == {
        "enabled": True,
        "liability": None,
        "provider": None,
        "status": None,
    }


def _session_params(mode) -> dict:
    price = {"currency": "jpy", "unit_amount": 3000, "product_data": {"name": "Donation"}}
    params = {
        "mode": mode,
        "line_items": [{"quantity": 1, "price_data": price}],
        "success_url": "https://example.org/thanks/",
    }
    if mode == "subscription":
        price["recurring"] = {"interval": "month"}
    else:
        params["allowed_payment_method_types"] = ["card", "konbini"]
    return params
