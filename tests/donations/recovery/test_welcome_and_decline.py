"""A new monthly supporter is welcomed once, with what their amount does (the campaign's impact
tier), in their language; a failed payment's decline reason and card come from Stripe's
invoice payments, for staff and for the card-expiry reminder."""

import pytest
from django.core import mail
from django.utils import translation

from campaigns.models import ImpactTier
from donations.models import Donation, Payment
from tests.support import stripe_events as se
from tests.support.failed_payments import failed_invoice, monthly_supporter, paid_invoice
from tests.support.fake_stripe import payment_error, run_task_worker
from tests.support.gifts import deliver, small_campaign

pytestmark = pytest.mark.django_db(transaction=True)


def tiers(campaign):
    ImpactTier.objects.create(
        campaign=campaign, amount=1000, impact_ja="教材1冊分", impact_en="One textbook"
    )
    ImpactTier.objects.create(
        campaign=campaign,
        amount=3000,
        impact_ja="日本語教室1回分の運営費",
        impact_en="One Japanese class for a month",
    )
    ImpactTier.objects.create(
        campaign=campaign, amount=10000, impact_ja="相談会1回分", impact_en="One advice day"
    )
    return campaign


def welcomes(words):
    found = [m for m in mail.outbox if words in m.subject]
    for message in found:
        print(f"\n--- to {message.to}: {message.subject}\n{message.body}")
    return found


def test_a_new_monthly_supporter_is_welcomed_once_with_what_their_amount_does(client):
    campaign = tiers(small_campaign())
    donation, session = monthly_supporter(client, campaign, amount=5000)
    again = se.event(
        "invoice.paid",
        paid_invoice(
            donation, session, invoice_id="in_first", billing_reason="subscription_create"
        ),
    )
    se.post_event(client, again)
    se.post_event(client, again)
    deliver(client, "invoice.paid", paid_invoice(donation, session, invoice_id="in_second"))

    run_task_worker()

    [welcome] = welcomes("マンスリーサポーターになっていただき")
    assert "¥5,000" in welcome.body
    assert "日本語教室1回分の運営費" in welcome.body  # the ¥3,000 tier: the largest within ¥5,000
    assert "相談会" not in welcome.body
    assert "/donate/manage/open/?token=" in welcome.body
    assert Donation.objects.get(pk=donation.pk).welcome_sent_at is not None


def test_the_welcome_in_english_for_an_english_supporter(client):
    campaign = tiers(small_campaign())
    monthly_supporter(client, campaign, amount=1000, locale="en")

    run_task_worker()

    [welcome] = welcomes("Welcome")
    assert "One textbook" in welcome.body
    assert "Thank you for becoming a monthly supporter." in welcome.body


def test_a_renewal_is_no_welcome(client):
    campaign = tiers(small_campaign())
    donation, session = monthly_supporter(client, campaign)
    run_task_worker()
    mail.outbox.clear()
    Donation.objects.filter(pk=donation.pk).update(welcome_sent_at=None)

    deliver(client, "invoice.paid", paid_invoice(donation, session, invoice_id="in_renewal"))
    run_task_worker()

    assert welcomes("マンスリーサポーターになっていただき") == []


def test_the_decline_reason_and_the_card_come_from_the_invoice_payments(client, fake_stripe):
    donation, session = monthly_supporter(client, small_campaign())
    fake_stripe.serve_failed_attempt(
        invoice_id="in_declined",
        amount=3000,
        error=payment_error(
            "card_declined", decline_code="insufficient_funds", exp_month=1, exp_year=2027
        ),
    )

    deliver(
        client,
        "invoice.payment_failed",
        failed_invoice(
            donation, session, invoice_id="in_declined", attempt=1, next_attempt_in_days=3
        ),
    )

    # Applied without waiting on Stripe: asked afterwards, by the task worker.
    assert fake_stripe.requests_to("GET", "/v1/invoice_payments") == []
    assert Payment.objects.get(stripe_invoice_id="in_declined").status == Payment.Status.FAILED
    run_task_worker()

    [listing] = fake_stripe.requests_to("GET", "/v1/invoice_payments")
    assert listing.refusal is None
    payment = Payment.objects.get(stripe_invoice_id="in_declined")
    assert payment.failure_code == "insufficient_funds"
    with translation.override("ja"):
        assert payment.failure_reason() == "残高・利用可能枠の不足"
    with translation.override("en"):
        assert payment.failure_reason() == "Not enough funds or credit left on the card"
    donation.refresh_from_db()
    assert (donation.card_exp_month, donation.card_exp_year) == (1, 2027)


def test_stripe_unreachable_still_records_the_failure(client, fake_stripe):
    donation, session = monthly_supporter(client, small_campaign())
    fake_stripe.fail_next(500, times=3)

    deliver(
        client,
        "invoice.payment_failed",
        failed_invoice(
            donation, session, invoice_id="in_unknown", attempt=1, next_attempt_in_days=3
        ),
    )

    run_task_worker()

    payment = Payment.objects.get(stripe_invoice_id="in_unknown")
    assert payment.status == Payment.Status.FAILED
    assert [m.subject for m in mail.outbox if "決済ができませんでした" in m.subject]
    with translation.override("ja"):
        assert payment.failure_reason() == "理由の通知なし"
