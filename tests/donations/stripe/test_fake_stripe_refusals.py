"""The fake Stripe refuses what Stripe refuses, as Stripe does, and the real SDK raises it."""

import json
import urllib.error
import urllib.request

import pytest
import stripe

from donations.stripe import gateway
from tests.support import stripe_request_types
from tests.support.checkout_session_params import one_time_session
from tests.support.fake_stripe import nest


def refused_by_sdk(fake, params, options=None) -> stripe.InvalidRequestError:
    fake.expect_refusals()
    with pytest.raises(stripe.InvalidRequestError) as raised:
        gateway.client().v1.checkout.sessions.create(params, options)
    assert raised.value.http_status == 400
    assert fake.sessions == {}
    return raised.value


def test_accepted_request_creates_a_session(fake_stripe):
    session = gateway.client().v1.checkout.sessions.create(one_time_session())

    assert session.url.startswith("https://checkout.stripe.com/")
    assert fake_stripe.refused == []


def test_a_parameter_this_api_version_lacks_is_unknown(fake_stripe):
    error = refused_by_sdk(fake_stripe, one_time_session(payment_method_types=["card"]))

    assert error.code == "parameter_unknown"
    assert error.param == "payment_method_types"
    assert error.user_message == "Received unknown parameter: payment_method_types"
    assert error.error.doc_url == "https://stripe.com/docs/error-codes/parameter-unknown"
    assert error.error.type == "invalid_request_error"


def test_an_unknown_parameter_deep_inside_is_named_with_its_path(fake_stripe):
    params = one_time_session()
    params["line_items"][0]["price_data"]["product_data"]["colour"] = "red"

    error = refused_by_sdk(fake_stripe, params)

    assert error.code == "parameter_unknown"
    assert error.param == "line_items[0][price_data][product_data][colour]"


def test_a_missing_required_parameter(fake_stripe):
    params = one_time_session()
    del params["line_items"][0]["price_data"]["currency"]

    error = refused_by_sdk(fake_stripe, params)

    assert error.code == "parameter_missing"
    assert error.param == "line_items[0][price_data][currency]"
    assert error.user_message == "Missing required param: line_items[0][price_data][currency]."


def test_text_where_an_integer_belongs(fake_stripe):
    params = one_time_session()
    params["line_items"][0]["price_data"]["unit_amount"] = "abc"

    error = refused_by_sdk(fake_stripe, params)

    assert error.code == "parameter_invalid_integer"
    assert error.param == "line_items[0][price_data][unit_amount]"
    assert error.user_message == "Invalid integer: abc"


@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"locale": "jp"}, "locale"),
        ({"mode": "donation"}, "mode"),
        ({"allowed_payment_method_types": ["card", "cash"]}, "allowed_payment_method_types[1]"),
    ],
)
def test_a_value_outside_the_listed_ones(fake_stripe, changes, param):
    error = refused_by_sdk(fake_stripe, one_time_session(**changes))

    assert error.param == param
    assert error.user_message.startswith(f"Invalid {param}: must be one of ")


def test_an_empty_string_for_a_parameter_that_cannot_be_unset(fake_stripe):
    error = refused_by_sdk(fake_stripe, one_time_session(customer_email=""))

    assert error.code == "parameter_invalid_empty"
    assert error.param == "customer_email"


@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"allow_promotion_codes": "perhaps"}, "allow_promotion_codes"),
        ({"metadata": "donation 1"}, "metadata"),
        ({"line_items": {"price": "x"}}, "line_items"),
    ],
)
def test_a_value_of_the_wrong_kind(fake_stripe, changes, param):
    error = refused_by_sdk(fake_stripe, one_time_session(**changes))

    assert error.param == param


def test_another_api_version_is_refused(fake_stripe):
    error = refused_by_sdk(fake_stripe, one_time_session(), {"stripe_version": "2024-06-20"})

    assert "2026-10-28.endive" in error.user_message


def test_a_request_without_an_api_version_is_refused(fake_stripe):
    fake_stripe.expect_refusals()
    request = urllib.request.Request(
        fake_stripe.server.url_for("/v1/checkout/sessions"),
        data=b"mode=payment&success_url=https%3A%2F%2Fexample.org%2F",
        headers={"Authorization": "Bearer sk_test_x"},
    )

    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=5)

    assert answer.value.code == 400
    assert json.load(answer.value)["error"]["type"] == "invalid_request_error"


def test_a_refused_request_stores_nothing_under_its_idempotency_key(fake_stripe):
    # Stripe saves no idempotent result for a request that fails validation.
    options = {"idempotency_key": "checkout-1-0"}
    refused_by_sdk(fake_stripe, one_time_session(locale="jp"), options)

    session = gateway.client().v1.checkout.sessions.create(one_time_session(), options)

    assert session.id in fake_stripe.sessions


def test_the_gateway_logs_a_refusal_as_an_error_and_reports_stripe_unavailable(fake_stripe, caplog):
    fake_stripe.expect_refusals()

    with pytest.raises(gateway.GatewayUnavailable):
        gateway.create_checkout_session(one_time_session(locale="jp"), "key-1")

    [record] = [r for r in caplog.records if r.name == "donations.stripe.gateway"]
    assert record.levelname == "ERROR"
    assert "Stripe refused the checkout session create request" in record.getMessage()
    assert "(param locale)" in record.getMessage()


def test_list_and_retrieve_parameters_are_checked_too(fake_stripe):
    fake_stripe.expect_refusals()
    client = gateway.client()

    with pytest.raises(stripe.InvalidRequestError) as listing:
        client.v1.checkout.sessions.list({"created": {"since": 0}})
    with pytest.raises(stripe.InvalidRequestError) as retrieving:
        client.v1.checkout.sessions.retrieve("cs_test_1", {"expand": "payment_intent"})

    assert listing.value.param == "created[since]"
    assert retrieving.value.param == "expand"


@pytest.mark.parametrize(
    ("method", "path", "params_class"),
    [
        ("POST", "/v1/checkout/sessions", "checkout._session_create_params.SessionCreateParams"),
        ("GET", "/v1/checkout/sessions", "checkout._session_list_params.SessionListParams"),
        (
            "GET",
            "/v1/checkout/sessions/cs_test_1",
            "checkout._session_retrieve_params.SessionRetrieveParams",
        ),
        (
            "POST",
            "/v1/billing_portal/sessions",
            "billing_portal._session_create_params.SessionCreateParams",
        ),
        ("GET", "/v1/invoices", "_invoice_list_params.InvoiceListParams"),
        ("GET", "/v1/subscriptions", "_subscription_list_params.SubscriptionListParams"),
        ("GET", "/v1/webhook_endpoints", "_webhook_endpoint_list_params.WebhookEndpointListParams"),
        (
            "POST",
            "/v1/webhook_endpoints",
            "_webhook_endpoint_create_params.WebhookEndpointCreateParams",
        ),
        (
            "POST",
            "/v1/webhook_endpoints/we_1",
            "_webhook_endpoint_update_params.WebhookEndpointUpdateParams",
        ),
        (
            "DELETE",
            "/v1/webhook_endpoints/we_1",
            "_webhook_endpoint_delete_params.WebhookEndpointDeleteParams",
        ),
        (
            "GET",
            "/v1/billing_portal/configurations",
            "billing_portal._configuration_list_params.ConfigurationListParams",
        ),
    ],
)
def test_each_route_the_fake_serves_is_checked_against_the_sdk_call_it_stands_for(
    method, path, params_class
):
    route = stripe_request_types.route_for(method, path)

    assert f"{route.params_module}.{route.params_name}" == f"stripe.params.{params_class}"


def test_form_encoding_decodes_back_into_objects_and_lists():
    flat = {"line_items[0][price_data][unit_amount]": "3000", "expand[0]": "payment_intent"}

    assert nest(flat) == {
        "line_items": [{"price_data": {"unit_amount": "3000"}}],
        "expand": ["payment_intent"],
    }
