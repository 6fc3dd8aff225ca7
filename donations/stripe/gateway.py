"""The one module that talks to Stripe. Everything else passes and receives plain dicts.

Money crosses this boundary as integer yen: JPY is zero-decimal, so ¥3,000 is `unit_amount=3000`.
"""

import functools
import json
import logging

import stripe
from django.conf import settings

log = logging.getLogger(__name__)


# The API version the site is written for: the one this SDK pins, in which Stripe answers every
# request the SDK makes. Webhook endpoints send events in their own version, which
# `manage.py stripe_setup --apply` sets to this one.
API_VERSION: str = stripe.api_version


class GatewayUnavailable(Exception):
    """Stripe could not be reached or refused the request: the donor should try again later."""


class InvalidWebhook(Exception):
    """A webhook whose signature or body does not check out."""


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


# Seconds to connect and to read. The SDK waits 80 s by default; three tries within these limits
# (plus the SDK's pauses) end before gunicorn gives up on the request at 30 s, so the donor sees
# our calm error page instead of a broken connection.
TIMEOUT = (2, 7)


@functools.cache
def _client(secret_key: str, api_base: str) -> stripe.StripeClient:
    base_addresses = {"api": api_base} if api_base else {}
    return stripe.StripeClient(
        secret_key,
        base_addresses=base_addresses,
        max_network_retries=2,
        http_client=stripe.RequestsClient(timeout=TIMEOUT),
    )


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise GatewayUnavailable("STRIPE_SECRET_KEY is not set")
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _call(action: str, function, *args, **kwargs):
    try:
        return function(*args, **kwargs).to_dict()
    except stripe.StripeError as exc:
        if exc.http_status == 400:
            # Stripe refused what we sent (a parameter this API version lacks, a bad value): a bug
            # of ours that fails every time, not an outage that passes.
            log.error("Stripe refused the %s request: %s (param %s)", action, exc, exc.param)
        else:
            log.warning("Stripe %s failed: %s", action, exc)
        raise GatewayUnavailable(action) from exc


def create_checkout_session(params: dict, idempotency_key: str) -> dict:
    return _call(
        "checkout session create",
        client().v1.checkout.sessions.create,
        params,
        {"idempotency_key": idempotency_key},
    )


def retrieve_checkout_session(session_id: str) -> dict:
    """The session with its payment intent and the payment method the donor used (its
    `type` says which of the session's methods it was)."""
    return _call(
        "checkout session retrieve",
        client().v1.checkout.sessions.retrieve,
        session_id,
        {"expand": ["payment_intent", "payment_intent.payment_method"]},
    )


def create_customer(params: dict, idempotency_key: str) -> dict:
    return _call(
        "customer create",
        client().v1.customers.create,
        params,
        {"idempotency_key": idempotency_key},
    )


def retrieve_invoice(invoice_id: str) -> dict:
    return _call("invoice retrieve", client().v1.invoices.retrieve, invoice_id)


def retrieve_invoice_payment(invoice_payment_id: str) -> dict:
    return _call(
        "invoice payment retrieve", client().v1.invoice_payments.retrieve, invoice_payment_id
    )


def retrieve_subscription(subscription_id: str) -> dict:
    return _call("subscription retrieve", client().v1.subscriptions.retrieve, subscription_id)


def retrieve_charge(charge_id: str) -> dict:
    return _call("charge retrieve", client().v1.charges.retrieve, charge_id)


def retrieve_refund(refund_id: str) -> dict:
    return _call("refund retrieve", client().v1.refunds.retrieve, refund_id)


def retrieve_dispute(dispute_id: str) -> dict:
    return _call("dispute retrieve", client().v1.disputes.retrieve, dispute_id)


def create_portal_session(customer_id: str, return_url: str) -> str:
    session = _call(
        "billing portal session create",
        client().v1.billing_portal.sessions.create,
        {"customer": customer_id, "return_url": return_url},
    )
    return session["url"]


# --- a supporter's own changes (donations/supporters/) ------------------------------------


def pause_subscription(subscription_id: str, resumes_at: int) -> dict:
    """No charge until `resumes_at` (a Unix time); the invoices meanwhile are voided, not owed."""
    return _call(
        "subscription pause",
        client().v1.subscriptions.update,
        subscription_id,
        {"pause_collection": {"behavior": "void", "resumes_at": resumes_at}},
    )


def resume_subscription(subscription_id: str) -> dict:
    # An empty string unsets a parameter in Stripe's form encoding.
    return _call(
        "subscription resume",
        client().v1.subscriptions.update,
        subscription_id,
        {"pause_collection": ""},
    )


def change_subscription_amount(subscription_id: str, amount: int) -> dict:
    """¥`amount` a month from the next charge on: the one item's price replaced by a new price of
    the same product, with no proration (nothing charged or credited now)."""
    subscription = retrieve_subscription(subscription_id)
    [item] = subscription["items"]["data"]
    product = item["price"]["product"]
    price_data = {
        "currency": "jpy",
        "product": product["id"] if isinstance(product, dict) else product,
        "unit_amount": amount,
        "recurring": {"interval": "month"},
    }
    return _call(
        "subscription amount change",
        client().v1.subscriptions.update,
        subscription_id,
        {"items": [{"id": item["id"], "price_data": price_data}], "proration_behavior": "none"},
    )


def cancel_subscription(subscription_id: str) -> dict:
    """Ended now: no further charge (Stripe sends customer.subscription.deleted)."""
    return _call("subscription cancel", client().v1.subscriptions.cancel, subscription_id)


# --- the one-click card update (the supporter page; a failed payment's notice) ---------------


def create_card_update_session(customer_id: str, return_url: str, locale: str = "auto") -> str:
    """A customer portal session that opens straight on "update your card" (flow
    `payment_method_update`) and, once saved, sends the supporter back to `return_url`."""
    session = _call(
        "billing portal card update session create",
        client().v1.billing_portal.sessions.create,
        {
            "customer": customer_id,
            "return_url": return_url,
            "locale": locale,
            "flow_data": {
                "type": "payment_method_update",
                "after_completion": {"type": "redirect", "redirect": {"return_url": return_url}},
            },
        },
    )
    return session["url"]


def verify_webhook(payload: bytes, signature: str) -> dict:
    """The event, once the Stripe-Signature header proves it came from Stripe."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidWebhook(str(exc)) from exc
    secrets = [settings.STRIPE_WEBHOOK_SECRET, *settings.STRIPE_WEBHOOK_PREVIOUS_SECRETS]
    if not any(_signed_with(text, signature, secret) for secret in secrets if secret):
        raise InvalidWebhook("no valid signature for the webhook's signing secret(s)")
    try:
        return json.loads(payload)
    except (ValueError, RecursionError) as exc:
        raise InvalidWebhook("body is not JSON, or nested beyond what a parser takes") from exc


def _signed_with(text: str, signature: str, secret: str) -> bool:
    try:
        # verify_header checks the timestamp only when given a tolerance (construct_event's 300 s).
        stripe.WebhookSignature.verify_header(
            text, signature, secret, tolerance=stripe.Webhook.DEFAULT_TOLERANCE
        )
    except stripe.SignatureVerificationError:
        return False
    return True


def _list(action: str, service, params: dict):
    try:
        for item in service.list(params).auto_paging_iter():
            yield item.to_dict()
    except stripe.StripeError as exc:
        raise GatewayUnavailable(action) from exc


def list_checkout_sessions(created_since: int):
    yield from _list(
        "checkout session list",
        client().v1.checkout.sessions,
        {"created": {"gte": created_since}, "limit": 100},
    )


def list_invoices(created_since: int):
    yield from _list(
        "invoice list", client().v1.invoices, {"created": {"gte": created_since}, "limit": 100}
    )


def list_subscriptions():
    """All subscriptions: one created long ago may have been canceled yesterday."""
    yield from _list(
        "subscription list", client().v1.subscriptions, {"status": "all", "limit": 100}
    )


# --- setting up the account (manage.py stripe_setup) --------------------------------------

# The API version this SDK release speaks: requests carry it, and the webhook endpoint must
# send events in it, whatever the account's default version is.
API_VERSION = stripe.api_version


def list_webhook_endpoints() -> list[dict]:
    return list(_list("webhook endpoint list", client().v1.webhook_endpoints, {"limit": 100}))


def create_webhook_endpoint(url: str, events: list[str]) -> dict:
    """The new endpoint, with its signing secret (`secret`), which Stripe shows only now."""
    return _call(
        "webhook endpoint create",
        client().v1.webhook_endpoints.create,
        {"url": url, "enabled_events": events, "api_version": API_VERSION},
    )


def update_webhook_endpoint(endpoint_id: str, events: list[str]) -> dict:
    """The events it sends, and enabled again if it was disabled (its version cannot change)."""
    return _call(
        "webhook endpoint update",
        client().v1.webhook_endpoints.update,
        endpoint_id,
        {"enabled_events": events, "disabled": False},
    )


def delete_webhook_endpoint(endpoint_id: str) -> None:
    _call("webhook endpoint delete", client().v1.webhook_endpoints.delete, endpoint_id)


def default_portal_configuration() -> dict | None:
    """The customer portal's default configuration (None until the portal is first saved)."""
    configurations = _list(
        "portal configuration list",
        client().v1.billing_portal.configurations,
        {"is_default": True, "limit": 1},
    )
    return next(configurations, None)


def account_capabilities() -> dict:
    """What the account may take, method by method (`card_payments`, `paypay_payments`,
    `konbini_payments`, `jp_bank_transfer_payments`: "active", "pending" or "inactive")."""
    account = _call("account retrieve", client().v1.accounts.retrieve_current)
    return account.get("capabilities") or {}


def default_payment_method_configuration() -> dict | None:
    """The account's default payment method configuration: which methods Checkout may offer
    (Apple Pay and Google Pay beside cards, PayPay, konbini, bank transfer)."""
    configurations = _list(
        "payment method configuration list",
        client().v1.payment_method_configurations,
        {"limit": 100},
    )
    return next((c for c in configurations if c.get("is_default")), None)


# --- failed payments recovered: why an invoice's payment failed, and with which card ---------


def invoice_payment_error(invoice_id: str) -> dict | None:
    """The newest failed attempt at an invoice: its `last_payment_error` (decline code and
    the card, `payment_method.card.exp_month/exp_year`). In this API version the invoice
    names its payment intents only through its invoice payments (`invoice.payments`, which
    events leave out), so they are listed with each payment intent expanded."""
    payments = _call(
        "invoice payment list",
        client().v1.invoice_payments.list,
        {"invoice": invoice_id, "expand": ["data.payment.payment_intent"], "limit": 10},
    )
    for invoice_payment in payments.get("data") or []:
        intent = (invoice_payment.get("payment") or {}).get("payment_intent")
        if isinstance(intent, dict) and intent.get("last_payment_error"):
            return intent["last_payment_error"]
    return None


def subscription_card(subscription_id: str) -> dict | None:
    """The payment method a subscription charges (`default_payment_method`, expanded: its
    `card.exp_month/exp_year`); None when it has none of its own."""
    subscription = _call(
        "subscription retrieve with its card",
        client().v1.subscriptions.retrieve,
        subscription_id,
        {"expand": ["default_payment_method"]},
    )
    method = subscription.get("default_payment_method")
    return method if isinstance(method, dict) else None
