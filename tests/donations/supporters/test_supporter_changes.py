"""A supporter pauses, resumes and ends a monthly gift on their page: each change goes to Stripe
(the validating fake, exact request asserted), then shows on the page and is e-mailed; the
webhooks that follow agree with the page. Locally (no Stripe key) the same changes work."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone

from donations.models import CancelReason, Donation, SupporterPreference
from donations.supporters.changes import resume_date
from jii_campaign.months import add_months
from tests.support import stripe_events as se
from tests.support.fake_stripe import (
    form_fields,
    run_task_worker,
    subscription_items,
)
from tests.support.pdf_text import pdf_text, squeezed
from tests.support.supporter_gifts import (
    EMAIL,
    card_monthly,
    signed_in,
    stripe_holds_subscription,
    transfer_monthly,
)
from tests.support.webhook_checks import counters, deliver

pytestmark = pytest.mark.django_db(transaction=True)


def confirm(client, donation, action, **fields):
    path = f"/supporter/gifts/{donation.pk}/{action}/"
    page = client.get(path)
    assert page.status_code == 200
    data = {**form_fields(page, path), **fields}
    return client.post(path, data)


def second_after_charges(donation, months):
    """A pause of `months` months begun just after a charge lasts a day past the `months`-th
    charge to come (a month apart each, at the time of the latest)."""
    paid_at = donation.payments.get().paid_at
    return int((add_months(paid_at, months) + datetime.timedelta(days=1)).timestamp())


def charged_again_on(donation, months):
    return timezone.localdate(add_months(donation.payments.get().paid_at, months + 1))


def test_pausing_asks_stripe_then_shows_and_mails_it(client, campaign, fake_stripe):
    donation = card_monthly(campaign)
    stripe_holds_subscription(fake_stripe, donation)
    signed_in(client)
    response = confirm(client, donation, "pause", months="2")
    assert response.status_code == 302
    resumes = second_after_charges(donation, 2)
    [call] = fake_stripe.requests_to("POST", f"/v1/subscriptions/{donation.stripe_subscription_id}")
    assert call.params == {
        "pause_collection[behavior]": "void",
        "pause_collection[resumes_at]": str(resumes),
    }
    donation.refresh_from_db()
    assert donation.paused_until == datetime.datetime.fromtimestamp(resumes, tz=datetime.UTC)
    page = client.get("/en/supporter/").content.decode()
    assert f"Paused until {charged_again_on(donation, 2).isoformat()}" in page
    run_task_worker()
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert charged_again_on(donation, 2).isoformat() in message.body
    print(message.subject, message.body, sep="\n")
    # Still counted as a monthly supporter while paused.
    assert counters(campaign)["monthly_supporters"] == 1


def test_resuming_clears_the_pause_in_stripe(client, campaign, fake_stripe):
    donation = card_monthly(campaign)
    subscription = stripe_holds_subscription(fake_stripe, donation)
    subscription["pause_collection"] = {"behavior": "void", "resumes_at": int(time.time()) + 9999}
    donation.set_pause(timezone.now() + datetime.timedelta(days=20))
    signed_in(client)
    assert confirm(client, donation, "resume").status_code == 302
    [call] = fake_stripe.requests_to("POST", f"/v1/subscriptions/{donation.stripe_subscription_id}")
    assert call.params == {"pause_collection": ""}
    donation.refresh_from_db()
    assert donation.paused_until is None
    run_task_worker()
    assert len(mail.outbox) == 1


def test_changing_the_amount_replaces_the_price_from_the_next_charge(client, campaign, fake_stripe):
    donation = card_monthly(campaign, amount=3000)
    stripe_holds_subscription(fake_stripe, donation)
    signed_in(client)
    response = confirm(client, donation, "amount", amount="５，０００円")
    assert response.status_code == 302
    [call] = fake_stripe.requests_to("POST", f"/v1/subscriptions/{donation.stripe_subscription_id}")
    item = f"si_{donation.stripe_subscription_id}"
    assert call.params == {
        "items[0][id]": item,
        "items[0][price_data][currency]": "jpy",
        "items[0][price_data][product]": "prod_fake_monthly",
        "items[0][price_data][unit_amount]": "5000",
        "items[0][price_data][recurring][interval]": "month",
        "proration_behavior": "none",
    }
    donation.refresh_from_db()
    assert donation.amount == 5000
    assert counters(campaign)["monthly_amount"] == 5000
    assert donation.payments.get().amount == 3000  # the past month keeps its amount
    run_task_worker()
    [message] = mail.outbox
    assert "¥5,000" in message.body


def test_an_amount_outside_the_campaigns_range_is_refused(client, campaign, fake_stripe):
    donation = card_monthly(campaign, amount=3000)
    signed_in(client)
    response = confirm(client, donation, "amount", amount="0.5")
    assert response.status_code == 200  # the form again, with the error
    assert (
        fake_stripe.requests_to("POST", f"/v1/subscriptions/{donation.stripe_subscription_id}")
        == []
    )
    donation.refresh_from_db()
    assert donation.amount == 3000


def test_ending_cancels_in_stripe_and_keeps_the_reason(client, campaign, fake_stripe):
    donation = card_monthly(campaign)
    stripe_holds_subscription(fake_stripe, donation)
    signed_in(client)
    response = confirm(
        client, donation, "cancel", reason=CancelReason.MONEY, detail="  少し休みます  "
    )
    assert response.status_code == 302
    assert (
        len(
            fake_stripe.requests_to(
                "DELETE", f"/v1/subscriptions/{donation.stripe_subscription_id}"
            )
        )
        == 1
    )
    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELED
    assert (donation.cancel_reason, donation.cancel_reason_detail) == ("money", "少し休みます")
    assert counters(campaign)["monthly_supporters"] == 0
    run_task_worker()
    assert len(mail.outbox) == 1


def test_a_stripe_outage_changes_nothing(client, campaign, fake_stripe):
    donation = card_monthly(campaign)
    stripe_holds_subscription(fake_stripe, donation)
    signed_in(client)
    fake_stripe.fail_next(500, times=3)
    assert confirm(client, donation, "pause", months="1").status_code == 503
    donation.refresh_from_db()
    assert donation.paused_until is None
    run_task_worker()
    assert mail.outbox == []


def test_the_card_update_opens_the_portals_payment_method_flow(client, campaign, fake_stripe):
    donation = card_monthly(campaign)
    signed_in(client)
    response = confirm(client, donation, "card")
    assert response.status_code == 302
    [call] = fake_stripe.portal_creates
    assert call.params["customer"] == donation.stripe_customer_id
    assert call.params["flow_data[type]"] == "payment_method_update"
    assert call.params["return_url"].endswith("/supporter/")


def test_pause_and_resume_webhooks_agree_with_the_page(client, campaign):
    donation = card_monthly(campaign)
    resumes = int(time.time()) + 30 * 24 * 3600
    subscription = se.subscription(
        donation,
        subscription_id=donation.stripe_subscription_id,
        customer_id=donation.stripe_customer_id,
    )
    paused = {**subscription, "pause_collection": {"behavior": "void", "resumes_at": resumes}}
    deliver(client, "customer.subscription.updated", paused, created=int(time.time()) - 10)
    donation.refresh_from_db()
    assert donation.paused_until == datetime.datetime.fromtimestamp(resumes, tz=datetime.UTC)
    # An older event, delivered late, does not undo it.
    deliver(client, "customer.subscription.updated", subscription, created=int(time.time()) - 100)
    donation.refresh_from_db()
    assert donation.paused_until is not None
    deliver(client, "customer.subscription.updated", subscription, created=int(time.time()))
    donation.refresh_from_db()
    assert donation.paused_until is None


def test_an_amount_changed_in_stripe_reaches_the_ledger_and_the_counters(client, campaign):
    donation = card_monthly(campaign, amount=3000)
    subscription = se.subscription(
        donation,
        subscription_id=donation.stripe_subscription_id,
        customer_id=donation.stripe_customer_id,
    )
    items = subscription_items(donation.stripe_subscription_id, amount=4000)
    deliver(client, "customer.subscription.updated", {**subscription, "items": items})
    donation.refresh_from_db()
    assert donation.amount == 4000
    assert counters(campaign)["monthly_amount"] == 4000


def test_locally_a_supporter_pauses_and_resumes_without_stripe(client, campaign):
    donation = card_monthly(campaign)
    signed_in(client)
    assert confirm(client, donation, "pause", months="1").status_code == 302
    donation.refresh_from_db()
    resumes = second_after_charges(donation, 1)
    assert donation.paused_until == datetime.datetime.fromtimestamp(resumes, tz=datetime.UTC)
    assert resume_date(donation, 1) == charged_again_on(donation, 1)
    assert confirm(client, donation, "resume").status_code == 302
    donation.refresh_from_db()
    assert donation.paused_until is None
    assert confirm(client, donation, "amount", amount="4000").status_code == 302
    donation.refresh_from_db()
    assert donation.amount == 4000


def test_a_monthly_transfer_shows_its_code_and_transfers_and_can_end(client, campaign):
    donation = transfer_monthly(campaign, amount=2000)
    signed_in(client)
    page = client.get("/supporter/").content.decode()
    assert donation.reference in page and "¥2,000" in page
    assert confirm(client, donation, "cancel").status_code == 302
    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELED


def test_preferences_are_saved_with_the_consent_time(client, campaign):
    card_monthly(campaign)
    signed_in(client)
    page = client.get("/supporter/")
    fields = form_fields(page, "/supporter/preferences/")
    assert "updates_consent" not in fields  # unticked by default
    response = client.post(
        "/supporter/preferences/",
        {**fields, "updates_consent": "on", "language": "en", "receipt_name": "山田花子様"},
    )
    assert response.status_code == 302
    preference = SupporterPreference.objects.get(email=EMAIL)
    assert preference.updates_consent and preference.updates_consent_changed_at
    assert (preference.language, preference.receipt_name) == ("en", "山田花子様")


def test_the_name_on_receipts_is_the_one_the_supporter_chose(client, campaign):
    payment = card_monthly(campaign).payments.get()
    signed_in(client)
    before = squeezed(pdf_text(client.get(f"/supporter/receipts/{payment.pk}/").content))
    assert "山田花子" in before
    fields = form_fields(client.get("/supporter/"), "/supporter/preferences/")
    saved = client.post(
        "/supporter/preferences/",
        {**fields, "language": "ja", "receipt_name": "株式会社サンプル 御中"},
    )
    assert saved.status_code == 302
    after = squeezed(pdf_text(client.get(f"/supporter/receipts/{payment.pk}/").content))
    assert "株式会社サンプル" in after and "山田花子" not in after
    year = timezone.localdate(payment.paid_at).year
    annual = squeezed(pdf_text(client.get(f"/supporter/receipts/year/{year}/").content))
    assert "株式会社サンプル" in annual
