"""Events of another Stripe API version: recorded and held for staff, never applied as if they were
shaped like ours; applied from the object fetched again from Stripe in our version."""

import io
import logging
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from donations.models import CampaignProgress, Donation, Payment, StripeEvent
from tests.support import stripe_events as se
from tests.support.gifts import campaign_with_earlier_gifts
from tests.support.stripe_events import pending
from tests.support.webhook_checks import NOTHING, deliver, monthly, moved, receipts_queued


@pytest.fixture
def campaign(db):
    """A small campaign of the test's own whose counters already moved (tests/support/gifts.py)."""
    return campaign_with_earlier_gifts()


pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:donations_stripeevent_changelist")
ACTION = "apply_held_events"


@pytest.fixture
def baseline(campaign):
    return CampaignProgress.objects.get(pk=campaign.pk).as_dict()


def old_invoice_paid(client, donation, *, invoice_id=None, api_version=se.OLD_API_VERSION):
    """The first invoice of a monthly gift paid, delivered by an endpoint on an old version."""
    invoice = se.invoice_2024_06_20(
        donation,
        subscription_id="sub_test_old",
        invoice_id=invoice_id or se.new_id("in"),
    )
    invoice["billing_reason"] = "subscription_create"
    evt = se.event("invoice.paid", invoice, api_version=api_version)
    response = se.post_event(client, evt)
    assert response.status_code == 200, response.content
    return evt


def current_invoice(donation, evt):
    """The same invoice as Stripe answers it now, in our version."""
    old = evt["data"]["object"]
    return se.invoice(
        donation,
        invoice_id=old["id"],
        subscription_id=old["subscription"],
        customer_id=old["customer"],
        billing_reason="subscription_create",
    )


def press_apply(staff_client, *events):
    return staff_client.post(
        CHANGELIST,
        {
            "action": ACTION,
            "_selected_action": [
                str(StripeEvent.objects.get(event_id=evt["id"]).pk) for evt in events
            ],
        },
        follow=True,
    )


def test_an_invoice_paid_of_another_version_is_recorded_and_held_not_applied(
    client, campaign, baseline, caplog
):
    donation = pending(campaign, frequency="monthly")

    with caplog.at_level(logging.ERROR, logger="donations.stripe.recording"):
        evt = old_invoice_paid(client, donation)

    record = StripeEvent.objects.get(event_id=evt["id"])
    assert record.api_version == se.OLD_API_VERSION
    assert record.held
    assert record.processed_at is None
    assert not Payment.objects.filter(donation=donation).exists()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    assert moved(campaign, baseline) == NOTHING
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert evt["id"] in errors[0]
    assert "invoice.paid" in errors[0]
    assert se.OLD_API_VERSION in errors[0]
    assert donation.donor_email not in errors[0]


@pytest.mark.parametrize("version", ["2099-01-01.zeta", "not a version", None])
def test_an_unknown_or_missing_version_is_acknowledged_and_held(
    client, campaign, baseline, version
):
    donation = pending(campaign, frequency="monthly")

    evt = old_invoice_paid(client, donation, api_version=version)

    record = StripeEvent.objects.get(event_id=evt["id"])
    assert record.held
    assert record.api_version == (version or "")
    assert moved(campaign, baseline) == NOTHING


def test_the_event_worker_leaves_held_events_alone(client, campaign):
    donation = pending(campaign, frequency="monthly")
    evt = old_invoice_paid(client, donation)

    out = io.StringIO()
    call_command("apply_stripe_events", until_idle=True, stdout=out)

    assert "0 Stripe events applied" in out.getvalue()
    record = StripeEvent.objects.get(event_id=evt["id"])
    assert record.held and record.processed_at is None
    assert not StripeEvent.objects.queued().exists()


def test_a_current_version_event_is_not_held(client, campaign, baseline):
    donation = pending(campaign, frequency="monthly")
    session = se.checkout_session(donation)

    evt = deliver(client, "checkout.session.completed", session)

    record = StripeEvent.objects.get(event_id=evt["id"])
    assert record.api_version == se.API_VERSION
    assert not record.held
    assert record.processed_at is not None
    assert moved(campaign, baseline) == monthly(1, 3000)


def test_a_refund_of_another_version_waits_for_staff_even_once_its_payment_comes(
    client, campaign, baseline, staff_client, fake_stripe
):
    donation = pending(campaign)
    session = se.checkout_session(donation)
    refund = se.charge(payment_intent=session["payment_intent"], amount=3000, amount_refunded=3000)
    evt = se.event("charge.refunded", refund, api_version=se.OLD_API_VERSION)
    se.post_event(client, evt)

    deliver(client, "checkout.session.completed", session)

    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED
    assert moved(campaign, baseline) == {**NOTHING, "onetime_raised": 3000}

    fake_stripe.serve(refund)
    press_apply(staff_client, evt)

    donation.refresh_from_db()
    assert donation.status == Donation.Status.REFUNDED
    assert moved(campaign, baseline) == NOTHING


# --- what staff see ------------------------------------------------------------------------


def test_staff_find_held_events_under_their_own_filter_with_what_to_do(
    client, campaign, staff_client
):
    donation = pending(campaign, frequency="monthly")
    held = old_invoice_paid(client, donation)
    current = deliver(client, "checkout.session.completed", se.checkout_session(donation))

    page = staff_client.get(CHANGELIST, {"version": "held"}).content.decode()

    assert held["id"] in page
    assert current["id"] not in page
    assert "stripe_setup --apply" in page
    everything = staff_client.get(CHANGELIST).content.decode()
    assert "?version=held" in everything  # the filter, on every page of the list


def test_the_dashboard_counts_held_events(client, campaign, staff_client):
    dashboard = reverse("admin:donations_dashboard", args=[campaign.pk])
    assert 'held-events-count">0<' in staff_client.get(dashboard).content.decode()

    old_invoice_paid(client, pending(campaign, frequency="monthly"))

    page = staff_client.get(dashboard).content.decode()
    assert 'held-events-count">1<' in page
    assert f"{CHANGELIST}?version=held" in page


# --- applying them -------------------------------------------------------------------------


def test_staff_apply_a_held_invoice_from_stripe_once(
    client, campaign, baseline, staff_client, fake_stripe
):
    donation = pending(campaign, frequency="monthly")
    evt = old_invoice_paid(client, donation)
    invoice_id = evt["data"]["object"]["id"]
    fake_stripe.serve(current_invoice(donation, evt))

    press_apply(staff_client, evt)
    press_apply(staff_client, evt)

    assert len(fake_stripe.requests_to("GET", f"/v1/invoices/{invoice_id}")) == 1
    payment = Payment.objects.get(donation=donation)
    assert payment.stripe_invoice_id == invoice_id
    assert payment.amount == 3000
    assert receipts_queued() == 1
    donation.refresh_from_db()
    assert donation.status == Donation.Status.ACTIVE
    assert moved(campaign, baseline) == monthly(1, 3000)
    record = StripeEvent.objects.get(event_id=evt["id"])
    assert not record.held
    assert record.processed_at is not None
    assert record.refetched_at is not None
    assert record.api_version == se.OLD_API_VERSION


def test_a_held_payment_already_recorded_another_way_is_not_counted_twice(
    client, campaign, baseline, staff_client, fake_stripe
):
    donation = pending(campaign, frequency="monthly")
    evt = old_invoice_paid(client, donation)
    current = fake_stripe.serve(current_invoice(donation, evt))
    deliver(client, "invoice.paid", current)  # the endpoint was fixed; Stripe sent it again

    press_apply(staff_client, evt)

    assert Payment.objects.filter(donation=donation).count() == 1
    assert moved(campaign, baseline) == monthly(1, 3000)
    assert not StripeEvent.objects.held().exists()


def test_when_stripe_cannot_be_reached_the_event_stays_held(
    client, campaign, baseline, staff_client, fake_stripe
):
    donation = pending(campaign, frequency="monthly")
    evt = old_invoice_paid(client, donation)
    fake_stripe.stop()

    page = press_apply(staff_client, evt).content.decode()

    assert '<li class="warning">' in page  # could not be fetched: try again later
    assert StripeEvent.objects.get(event_id=evt["id"]).held
    assert moved(campaign, baseline) == NOTHING


def test_staff_who_may_only_look_cannot_apply(client, campaign, django_user_model, fake_stripe):
    from django.contrib.auth.models import Permission

    from tests.support.html_checks import https_client

    viewer = django_user_model.objects.create_user("viewer", "v@example.org", None, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_stripeevent"))
    viewer_client = https_client()
    viewer_client.force_login(viewer)
    donation = pending(campaign, frequency="monthly")
    evt = old_invoice_paid(client, donation)
    fake_stripe.serve(current_invoice(donation, evt))

    assert ACTION not in viewer_client.get(CHANGELIST).content.decode()
    press_apply(viewer_client, evt)

    assert StripeEvent.objects.get(event_id=evt["id"]).held
    assert not fake_stripe.requests_to("GET", f"/v1/invoices/{evt['data']['object']['id']}")


def test_the_command_applies_held_events(client, campaign, baseline, fake_stripe):
    donation = pending(campaign, frequency="monthly")
    evt = old_invoice_paid(client, donation)
    fake_stripe.serve(current_invoice(donation, evt))

    out = io.StringIO()
    call_command("apply_stripe_events", held=True, stdout=out)
    call_command("apply_stripe_events", held=True, stdout=out)

    assert Payment.objects.filter(donation=donation).count() == 1
    assert moved(campaign, baseline) == monthly(1, 3000)
    assert "1 held Stripe event(s) fetched again from Stripe and applied" in out.getvalue()


def test_a_held_subscription_change_is_applied_as_stripe_has_it_now(
    client, campaign, staff_client, fake_stripe
):
    donation = pending(campaign, frequency="monthly")
    session = se.checkout_session(donation)
    deliver(client, "checkout.session.completed", session, created=int(time.time()) - 60)
    old = se.subscription(
        donation, subscription_id=session["subscription"], customer_id=session["customer"]
    )
    evt = se.event("customer.subscription.updated", old, api_version=se.OLD_API_VERSION)
    se.post_event(client, evt)
    fake_stripe.serve({**old, "status": "past_due"})  # the renewal failed since

    press_apply(staff_client, evt)

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAST_DUE


def test_an_object_stripe_answers_unusably_is_not_applied(
    client, campaign, baseline, staff_client, fake_stripe
):
    donation = pending(campaign, frequency="monthly")
    evt = old_invoice_paid(client, donation)
    fake_stripe.serve({**current_invoice(donation, evt), "amount_paid": 10**9})  # nine digits

    page = press_apply(staff_client, evt).content.decode()

    assert '<li class="warning">' in page
    assert StripeEvent.objects.get(event_id=evt["id"]).held
    assert not Payment.objects.filter(donation=donation).exists()
    assert moved(campaign, baseline) == NOTHING
