"""`manage.py stripe_setup`: the webhook endpoint and the customer portal, on the fake Stripe."""

import io

import pytest
from django.core.management import CommandError, call_command

from donations.stripe.handlers import HANDLERS
from tests.support.fake_stripe import portal_configuration
from tests.support.stripe_events import API_VERSION

URL = "http://testserver/stripe/webhook/"

pytestmark = pytest.mark.django_db  # it reads which methods the campaigns offer


def setup(*args) -> str:
    out = io.StringIO()
    call_command("stripe_setup", *args, stdout=out)
    return out.getvalue()


def changes(fake) -> list[tuple[str, str]]:
    return [(c.method, c.path) for c in fake.calls if c.method != "GET"]


def existing_endpoint(fake, **fields) -> dict:
    """An endpoint made earlier (in the Dashboard, or by an older version of the site)."""
    call_command("stripe_setup", "--apply", stdout=io.StringIO())
    [endpoint] = fake.webhook_endpoints.values()
    endpoint.update(fields)
    fake.calls.clear()
    return endpoint


def test_dry_run_says_what_it_would_create_and_changes_nothing(fake_stripe):
    out = setup()

    assert fake_stripe.webhook_endpoints == {}
    assert changes(fake_stripe) == []
    assert f"Webhook endpoint {URL}" in out
    assert "Would create the endpoint." in out
    assert "Dry run: nothing was changed. Run with --apply" in out


def test_apply_creates_the_endpoint_for_every_handled_event_and_shows_its_secret_once(
    fake_stripe,
):
    out = setup("--apply")

    [endpoint] = fake_stripe.webhook_endpoints.values()
    assert endpoint["url"] == URL
    assert endpoint["api_version"] == API_VERSION == "2026-10-28.endive"
    assert sorted(endpoint["enabled_events"]) == sorted(HANDLERS)
    assert "checkout.session.completed" in endpoint["enabled_events"]
    [create] = fake_stripe.requests_to("POST", "/v1/webhook_endpoints")
    assert create.params["api_version"] == API_VERSION
    secret = f"whsec_fake{endpoint['id'].removeprefix('we_fake')}"
    assert secret in out
    assert "Put it in STRIPE_WEBHOOK_SECRET" in out


def test_a_second_apply_changes_nothing(fake_stripe):
    first = setup("--apply")
    fake_stripe.calls.clear()

    second = setup("--apply")

    assert changes(fake_stripe) == []
    assert len(fake_stripe.webhook_endpoints) == 1
    assert "is as wanted" in second
    assert "needs no change" in second
    assert "whsec_" in first
    assert "whsec_" not in second


def test_an_endpoint_missing_events_gets_them(fake_stripe):
    endpoint = existing_endpoint(
        fake_stripe, enabled_events=["checkout.session.completed", "customer.created"]
    )

    dry = setup()
    assert changes(fake_stripe) == []
    assert "does not send: charge.dispute.closed" in dry
    assert "also sends events the site ignores: customer.created" in dry

    out = setup("--apply")

    assert sorted(endpoint["enabled_events"]) == sorted(HANDLERS)
    assert changes(fake_stripe) == [("POST", f"/v1/webhook_endpoints/{endpoint['id']}")]
    assert f"Updated {endpoint['id']}" in out
    assert "whsec_" not in out  # the endpoint and its secret stay


def test_a_disabled_endpoint_is_enabled_again(fake_stripe):
    endpoint = existing_endpoint(fake_stripe, status="disabled")

    out = setup("--apply")

    assert endpoint["status"] == "enabled"
    assert "is disabled" in out


def test_an_endpoint_in_another_api_version_is_replaced(fake_stripe):
    # Stripe cannot change an endpoint's version (its update takes no `api_version`): a new
    # endpoint with a new signing secret replaces it.
    old = existing_endpoint(fake_stripe, api_version="2025-03-31.basil")

    dry = setup()
    assert changes(fake_stripe) == []
    assert "Would create the endpoint and delete the old one." in dry

    out = setup("--apply")

    [new] = fake_stripe.webhook_endpoints.values()
    assert new["id"] != old["id"]
    assert new["api_version"] == API_VERSION
    assert sorted(new["enabled_events"]) == sorted(HANDLERS)
    assert ("DELETE", f"/v1/webhook_endpoints/{old['id']}") in changes(fake_stripe)
    assert "Put it in STRIPE_WEBHOOK_SECRET" in out
    assert "reconcile_stripe --since" in out


def test_endpoints_elsewhere_are_left_alone(fake_stripe):
    other = existing_endpoint(fake_stripe, url="https://other-site.example/hooks/")

    setup("--apply")

    assert fake_stripe.webhook_endpoints[other["id"]]["url"] == "https://other-site.example/hooks/"
    assert len(fake_stripe.webhook_endpoints) == 2


def test_portal_with_cancellation_is_reported_fine(fake_stripe):
    assert "monthly donors can cancel there" in setup()


@pytest.mark.parametrize("configured", [True, False])
def test_portal_without_cancellation_is_reported_with_what_to_do(fake_stripe, configured):
    fake_stripe.portal_configurations = (
        [portal_configuration(cancellation=False)] if configured else []
    )

    out = setup()

    assert "monthly donors CANNOT cancel there" in out
    assert "Settings → Billing → Customer portal" in out


def test_stripe_failing_is_a_clear_error(fake_stripe):
    fake_stripe.fail_next(500, times=3)

    with pytest.raises(CommandError, match="Stripe refused or could not be reached"):
        setup("--apply")
    assert fake_stripe.webhook_endpoints == {}


def test_without_a_stripe_key_it_stops(db):
    with pytest.raises(CommandError, match="STRIPE_SECRET_KEY is not set"):
        setup()
