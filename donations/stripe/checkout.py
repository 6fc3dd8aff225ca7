"""Turning a confirmed donation form into a Checkout session (Stripe's or the local test one),
and reading back what is true when the donor returns."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from campaigns import payment_methods
from campaigns.payment_methods import PaymentMethod
from donations.gift_messages import attach_support_message
from donations.models import CampaignProgress, Donation
from donations.stripe import gateway
from donations.stripe.handlers import apply_checkout_session
from jii_campaign import kept_content

# The page language (Django's code) → Stripe Checkout's `locale` (the SDK's
# SessionCreateParams.locale lists what Stripe has). Checkout has no やさしい日本語 (Japanese is
# nearest) and no Nepali: Hindi, in the same Devanagari script and widely read by Nepali speakers,
# is nearest (docs/stripe.md).
CHECKOUT_LOCALES = {
    "ja": "ja",
    "ja-x-easy": "ja",
    "en": "en",
    "zh-hans": "zh",
    "zh-hant": "zh-TW",
    "vi": "vi",
    "ko": "ko",
    "pt": "pt",
    "pt-br": "pt-BR",
    "tl": "fil",
    "ne": "hi-IN",
    "id": "id",
}


def checkout_locale(language_code: str) -> str:
    """Stripe's name for the donor's language; Stripe picks from the browser for any other."""
    return CHECKOUT_LOCALES.get((language_code or "").lower(), "auto")


def local_mode() -> bool:
    """No Stripe key on a development machine: the site offers its own labelled test checkout.
    Without a key in production, checkout is simply unavailable (and `check --deploy` says so)."""
    return not gateway.is_configured() and settings.LOCAL_TEST_CHECKOUT


def pending_donation(form, token, locale: str) -> Donation:
    """The donation a confirmed form stands for: one per token (a double click finds the first)."""
    data = form.cleaned_data
    with transaction.atomic():
        donation, created = Donation.objects.get_or_create(
            checkout_token=token,
            defaults={
                "campaign": form.campaign,
                "frequency": data["frequency"],
                "amount": data["amount"],
                "donor_name": data["donor_name"],
                "donor_email": data["donor_email"],
                "public_name": data["public_name"],
                "nickname": data["nickname"],
                "locale": locale,
                "updates_consent": data.get("updates_consent", False),
                "payment_method": data.get("payment_method") or "card",
            },
        )
        if created and data["message"].strip():
            attach_support_message(donation, data["message"])
    return donation


def start(donation: Donation) -> str:
    """The address to send the donor to; raises GatewayUnavailable when Stripe fails."""
    if local_mode():
        return reverse("donations:test_checkout", kwargs={"token": donation.checkout_token})
    key = f"checkout-{donation.checkout_token}-{donation.checkout_attempt}"
    try:
        if needs_customer_first(donation):
            create_customer(donation, key)
        session = gateway.create_checkout_session(session_params(donation), key)
    except gateway.GatewayUnavailable:
        donation.note_failed_checkout()
        raise
    donation.link_stripe(stripe_checkout_session_id=session["id"])
    return session["url"]


def needs_customer_first(donation: Donation) -> bool:
    """A session that offers Stripe's bank transfer gets its Customer before it exists: money
    reaches that Customer's cash balance (`customer_cash_balance_transaction.created`) even
    before Checkout reports the session, and the gift it belongs to is then always known."""
    return not donation.is_monthly and PaymentMethod.BANK_TRANSFER in offered_methods(donation)


def create_customer(donation: Donation, key: str):
    if donation.stripe_customer_id:
        return
    params = {
        "email": donation.donor_email,
        "metadata": {"donation_id": str(donation.pk), "campaign": donation.campaign.slug},
    }
    if donation.donor_name:
        params["name"] = donation.donor_name
    customer = gateway.create_customer(params, f"customer-{key}")
    donation.link_stripe(stripe_customer_id=customer["id"])


def session_params(donation: Donation) -> dict:
    metadata = {
        "donation_id": str(donation.pk),
        "campaign": donation.campaign.slug,
        "frequency": donation.frequency,
    }
    price_data = {
        "currency": "jpy",
        "unit_amount": donation.amount,  # JPY is zero-decimal: 3000 means ¥3,000
        "product_data": {"name": product_name(donation)},
    }
    thanks = settings.SITE_URL + reverse("donations:thanks")
    params = {
        "line_items": [{"quantity": 1, "price_data": price_data}],
        "success_url": thanks + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": settings.SITE_URL + reverse("donations:start") + "?canceled=1",
        "locale": checkout_locale(donation.locale),
        "client_reference_id": str(donation.pk),
        "submit_type": "donate",
        "metadata": metadata,
    }
    if donation.stripe_customer_id:
        params["customer"] = donation.stripe_customer_id
    else:
        params["customer_email"] = donation.donor_email
    if donation.is_monthly:
        price_data["recurring"] = {"interval": "month"}
        params["mode"] = "subscription"
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["mode"] = "payment"
        params["payment_intent_data"] = {"metadata": metadata}
        params.update(one_time_method_params(donation))
    return params


def offered_methods(donation: Donation) -> list[PaymentMethod]:
    return payment_methods.checkout_methods(donation.campaign.one_time_methods, donation.amount)


def one_time_method_params(donation: Donation) -> dict:
    """Exactly the campaign's Stripe methods that take the amount, each with its options: the
    donor chose one in our form (for its amount range and its timing on the confirmation page)
    but may pay on Stripe's page with any of them, and what follows goes by what Stripe says
    happened. This API version has no `payment_method_types`: `allowed_payment_method_types`
    narrows what the Dashboard enables. Apple Pay and Google Pay come with `card`."""
    methods = offered_methods(donation)
    params = {"allowed_payment_method_types": [payment_methods.CHECKOUT_TYPES[m] for m in methods]}
    options = {}
    if PaymentMethod.KONBINI in methods:
        options["konbini"] = {"expires_after_days": payment_methods.KONBINI_EXPIRES_AFTER_DAYS}
    if PaymentMethod.BANK_TRANSFER in methods:
        # Stripe gives each Customer its own virtual account and matches transfers itself; the
        # Customer is created before the session (`needs_customer_first`).
        options["customer_balance"] = {
            "funding_type": "bank_transfer",
            "bank_transfer": {"type": "jp_bank_transfer"},
        }
    if options:
        params["payment_method_options"] = options
    return params


def product_name(donation: Donation) -> str:
    org = kept_content.organisation().short_name
    with translation.override(donation.locale):
        if donation.is_monthly:
            return _("Monthly donation to %(org)s") % {"org": org}
        return _("Donation to %(org)s") % {"org": org}


def outcome_from_stripe(session_id: str):
    """Ask Stripe (never the query string) how the session ended and apply it to the ledger.
    Returns (donation or None, the URL of the konbini voucher or the transfer instructions
    or "", the virtual account to transfer to or None)."""
    session = gateway.retrieve_checkout_session(session_id)
    # Counters last, as the event worker does: in a giving burst every thank-you page updates the
    # campaign's one counter row, and held for the whole transaction it queued them all.
    with CampaignProgress.deferred():
        donation = apply_checkout_session(session)
    intent = session.get("payment_intent")
    next_step, account = "", None
    if isinstance(intent, dict):
        action = intent.get("next_action") or {}
        konbini = action.get("konbini_display_details") or {}
        transfer = action.get("display_bank_transfer_instructions") or {}
        next_step = konbini.get("hosted_voucher_url") or transfer.get("hosted_instructions_url")
        account = transfer_account(transfer)
    return donation, next_step or "", account


def transfer_account(instructions: dict) -> dict | None:
    """The Japanese (zengin) account Stripe gave the donor, and what is still to transfer."""
    for address in instructions.get("financial_addresses") or []:
        if address.get("type") == "zengin" and address.get("zengin"):
            return {**address["zengin"], "amount_remaining": instructions.get("amount_remaining")}
    return None
