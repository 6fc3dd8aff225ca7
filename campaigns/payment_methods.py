"""The ways a campaign lets donors pay a one-time gift, the amounts each one takes and what the
donor is told about its timing. Staff choose the methods per campaign (`Campaign.one_time_methods`);
a monthly gift is always by card (or a manual bank pledge)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card, Apple Pay or Google Pay")
    PAYPAY = "paypay", _("PayPay")
    KONBINI = "konbini", _("Convenience store (konbini)")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer to an account Stripe gives you")
    BANK_PLEDGE = "bank_pledge", _("Bank transfer to our account (with a reference code)")


# Amounts each method takes, in yen, besides the campaign's own range, as Stripe documents them:
# konbini ¥120–¥300,000; PayPay ¥50–¥1,000,000; cards and the bank transfer Stripe's JPY limits
# (at least ¥50, at most eight digits).
AMOUNT_RANGES = {
    PaymentMethod.CARD: range(50, 100_000_000),
    PaymentMethod.PAYPAY: range(50, 1_000_000 + 1),
    PaymentMethod.KONBINI: range(120, 300_000 + 1),
    PaymentMethod.BANK_TRANSFER: range(50, 100_000_000),
    PaymentMethod.BANK_PLEDGE: range(1, 100_000_000),
}

# What Checkout is asked for (`allowed_payment_method_types`); the manual pledge never goes there.
CHECKOUT_TYPES = {
    PaymentMethod.CARD: "card",
    PaymentMethod.PAYPAY: "paypay",
    PaymentMethod.KONBINI: "konbini",
    PaymentMethod.BANK_TRANSFER: "customer_balance",
}

# What Stripe calls the method a donor used (a payment method's `type`) in our terms. Apple Pay
# and Google Pay are cards.
FROM_STRIPE_TYPE = {stripe_type: method for method, stripe_type in CHECKOUT_TYPES.items()}

# The methods whose money arrives after Checkout ends: the gift counts on the async event.
DELAYED = {PaymentMethod.KONBINI, PaymentMethod.BANK_TRANSFER}

MONTHLY_METHODS = [PaymentMethod.CARD, PaymentMethod.BANK_PLEDGE]

KONBINI_EXPIRES_AFTER_DAYS = 3

TIMING = {
    PaymentMethod.CARD: _("Paid at once on Stripe’s page (card, Apple Pay or Google Pay)."),
    PaymentMethod.PAYPAY: _("You approve the payment in the PayPay app; it is paid at once."),
    PaymentMethod.KONBINI: _(
        "Stripe gives you a payment slip: pay at the store within %(days)d days."
    ),
    PaymentMethod.BANK_TRANSFER: _(
        "Transfer to the account shown by Stripe; your gift counts when the whole amount arrives."
    ),
    PaymentMethod.BANK_PLEDGE: _(
        "You get our account and a reference code; your gift counts when we see the transfer."
    ),
}
EXPIRES_AFTER_DAYS = {
    PaymentMethod.KONBINI: KONBINI_EXPIRES_AFTER_DAYS,
}


def timing(method: str) -> str:
    """What the donor is told, in the active language, about when and how the money moves."""
    method = PaymentMethod(method)
    text = str(TIMING[method])
    if method in EXPIRES_AFTER_DAYS:
        text = text % {"days": EXPIRES_AFTER_DAYS[method]}
    return text


def default_one_time_methods() -> list[str]:
    """A new campaign's methods: card and the manual pledge, konbini where the environment
    enables it (as before campaigns chose their own)."""
    methods = [PaymentMethod.CARD.value]
    if settings.STRIPE_KONBINI_ENABLED:
        methods.append(PaymentMethod.KONBINI.value)
    methods.append(PaymentMethod.BANK_PLEDGE.value)
    return methods


def takes(method: str, amount: int) -> bool:
    return amount in AMOUNT_RANGES[PaymentMethod(method)]


def checkout_methods(offered, amount: int) -> list[PaymentMethod]:
    """The campaign's methods a Checkout session offers for this amount, in the campaign's
    order: those Stripe takes (never the manual pledge) whose range holds the amount; card
    when none does, as a monthly gift is."""
    methods = [
        PaymentMethod(method)
        for method in offered
        if method in CHECKOUT_TYPES and takes(method, amount)
    ]
    return methods or [PaymentMethod.CARD]


def used_in_stripe(stripe_type) -> PaymentMethod | None:
    """Our method for a Stripe payment method type; None for a type we never ask for."""
    return FROM_STRIPE_TYPE.get(stripe_type)
