"""Stripe events of another API version, held when recorded: applied by staff from their object
fetched again from Stripe, in our version (`apply_held_events`)."""

import logging

from django.db import InterfaceError, OperationalError

from donations.models import CampaignProgress, StripeEvent
from donations.stripe import gateway
from donations.stripe.applying import _apply
from donations.stripe.event_validation import MalformedEvent, validate
from donations.stripe.handlers import HANDLERS
from donations.stripe.recording import objects_named

log = logging.getLogger(__name__)


# --- events held for their API version ------------------------------------------------------


class CannotFetchAgain(Exception):
    """A held event whose object Stripe did not give back in our version: it stays held."""


# How to ask Stripe for an object afresh, by its kind (`object`); the SDK's answer is in our
# version. A Checkout session comes with its payment intent, as the thank-you page reads it.
FETCH_AGAIN = {
    "checkout.session": gateway.retrieve_checkout_session,
    "invoice": gateway.retrieve_invoice,
    "invoice_payment": gateway.retrieve_invoice_payment,
    "subscription": gateway.retrieve_subscription,
    "charge": gateway.retrieve_charge,
    "refund": gateway.retrieve_refund,
    "dispute": gateway.retrieve_dispute,
}


def apply_held_event(record: StripeEvent) -> bool:
    """Apply an event held for its API version exactly as one of ours: with its object as Stripe
    answers it now (fetched through the SDK, checked like any event of our version), by its
    handler, in one transaction that marks it applied. False when it was no longer held (applied
    by another press). Raises CannotFetchAgain when Stripe does not answer, or answers with
    something unusable: the event stays held."""
    obj = record.payload["data"]["object"]
    if record.type in HANDLERS:
        obj = _fetch_again(record)
    with CampaignProgress.deferred():
        if not record.release(obj, gateway.API_VERSION, **objects_named(record.type, obj)):
            return False
        _apply(record)
        StripeEvent.mark_applied([record])
    return True


def _fetch_again(record: StripeEvent) -> dict:
    obj = record.payload["data"]["object"]
    fetch = FETCH_AGAIN.get(obj.get("object"))
    object_id = obj.get("id")
    if fetch is None or not isinstance(object_id, str) or not object_id:
        raise CannotFetchAgain(f"no way to fetch the object of a {record.type} event again")
    try:
        current = fetch(object_id)
        ours = {"api_version": gateway.API_VERSION, "data": {"object": current}}
        validate({**record.payload, **ours})
    except (gateway.GatewayUnavailable, MalformedEvent) as error:
        raise CannotFetchAgain(str(error)) from error
    return current


def apply_held_events(records) -> tuple[list[StripeEvent], int]:
    """Apply the held events among `records`, oldest first (see `apply_held_event`): those
    applied, and how many could not be fetched again or failed to apply, and stay held."""
    applied, failed = [], 0
    for record in records.held().order_by("created", "id"):
        try:
            if apply_held_event(record):
                applied.append(record)
        except CannotFetchAgain as error:
            log.warning("Held Stripe event %s not applied: %s", record.event_id, error)
            failed += 1
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            # A bug of ours, as in apply_due_events: rolled back, logged, the event stays held.
            log.exception("Held Stripe event %s (%s) failed to apply", record.event_id, record.type)
            failed += 1
    return applied, failed
