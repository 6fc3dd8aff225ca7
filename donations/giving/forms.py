"""The donation form: what the donor chose, validated on the server whatever the browser sent."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from campaigns import payment_methods
from campaigns.payment_methods import PaymentMethod
from donations.amounts import parse_yen
from donations.models import Donation
from jii_campaign.honeypot import HoneypotForm
from jii_campaign.money import format_yen
from jii_campaign.translated import marked

OTHER = "other"
# The ledger's column (RFC 5321's longest deliverable address); the form's own validator allows 320.
EMAIL_MAX_LENGTH = 254


def email_field(label, **kwargs):
    return forms.EmailField(
        label=label,
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "max_length": _("Please enter an email address of at most %(limit_value)d characters.")
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        **kwargs,
    )


def out_of_range(campaign, amount):
    """The refusal of an amount outside the campaign's range, or None."""
    low, high = campaign.min_amount, campaign.max_amount
    if low <= amount <= high:
        return None
    return _("Please enter an amount from %(low)s to %(high)s.") % {
        "low": format_yen(low),
        "high": format_yen(high),
    }


def offered_methods(campaign, frequency) -> list[str]:
    """The ways to pay the campaign offers for this kind of gift, in the order staff see them."""
    if frequency == Donation.Frequency.MONTHLY:
        return [m.value for m in payment_methods.MONTHLY_METHODS]
    chosen = set(campaign.one_time_methods or [PaymentMethod.CARD])
    return [m.value for m in PaymentMethod if m.value in chosen]


def method_limits_text(campaign, offered) -> str:
    """Before the donor chooses: monthly gifts' methods, and each method whose amounts are
    narrower than the campaign's."""
    parts = [str(_("Monthly donations: card or bank transfer to our account."))]
    for method in PaymentMethod:
        amounts = payment_methods.AMOUNT_RANGES[method]
        if method.value in offered and (
            amounts[0] > campaign.min_amount or amounts[-1] < campaign.max_amount
        ):
            parts.append(
                _("%(method)s: %(low)s to %(high)s.")
                % {
                    "method": method.label,
                    "low": format_yen(max(amounts[0], campaign.min_amount)),
                    "high": format_yen(min(amounts[-1], campaign.max_amount)),
                }
            )
    return " ".join(parts)


def check_payment_method(form, cleaned, amount):
    """The method must be one the campaign offers for this kind of gift and must take the
    amount; otherwise the donor is told which offered methods can."""
    method = cleaned.get("payment_method") or PaymentMethod.CARD
    offered = offered_methods(form.campaign, cleaned.get("frequency"))
    if method not in offered:
        if cleaned.get("frequency") == Donation.Frequency.MONTHLY:
            message = _("Monthly donations are paid by card (or by bank transfer to our account).")
        else:
            message = _("Please choose one of the ways to pay shown.")
        form.add_error("payment_method", message)
        return
    cleaned["payment_method"] = method
    if payment_methods.takes(method, amount):
        return
    amounts = payment_methods.AMOUNT_RANGES[PaymentMethod(method)]
    low, high = amounts[0], amounts[-1]
    others = [str(PaymentMethod(m).label) for m in offered if payment_methods.takes(m, amount)]
    message = _("%(method)s takes amounts from %(low)s to %(high)s.") % {
        "method": PaymentMethod(method).label,
        "low": format_yen(low),
        "high": format_yen(high),
    }
    if others:
        message += " " + _("For %(amount)s you can use: %(methods)s.") % {
            "amount": format_yen(amount),
            "methods": pgettext("between payment methods", ", ").join(others),
        }
    form.add_error("payment_method", message)


def check_nickname_and_consent(form, cleaned):
    """A chosen nickname must be given; a message needs consent to be shown."""
    nickname_chosen = cleaned.get("public_name") == Donation.PublicName.NICKNAME
    if nickname_chosen and not cleaned.get("nickname", "").strip():
        form.add_error("nickname", _("Please enter the nickname you’d like us to show."))
    if cleaned.get("message", "").strip() and not cleaned.get("message_consent"):
        form.add_error(
            "message_consent",
            _(
                "We need your consent to show your message. If you’d rather it wasn’t "
                "shown, please leave the message box empty."
            ),
        )


class DonationForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Donation type"),
        choices=[
            (Donation.Frequency.MONTHLY, _("Monthly")),
            (Donation.Frequency.ONCE, _("One-time")),
        ],
        widget=forms.RadioSelect,
        initial=Donation.Frequency.MONTHLY,
    )
    tier = forms.ChoiceField(label=_("Amount"), widget=forms.RadioSelect, required=False)
    other_amount = forms.CharField(
        label=_("Other amount (¥)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    donor_name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    donor_email = email_field(
        _("Email address"), help_text=_("We’ll send you a thank-you email with your receipt.")
    )
    public_name = forms.ChoiceField(
        label=_("How you appear as a supporter"),
        choices=Donation.PublicName.choices,
        widget=forms.RadioSelect,
        initial=Donation.PublicName.ANONYMOUS,
    )
    nickname = forms.CharField(label=_("Nickname"), max_length=100, required=False)
    message = forms.CharField(
        label=_("Cheering message (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    message_consent = forms.BooleanField(
        label=_(
            "I agree to my cheering message being shown on this site (our team will "
            "review it first)"
        ),
        required=False,
    )
    # 特定電子メール法: asked here, unticked by default; stored once the gift is paid.
    updates_consent = forms.BooleanField(
        label=_("Send me activity reports by e-mail (about once a month; stop them any time)"),
        required=False,
    )
    agree_terms = forms.BooleanField(label=_("I agree to the Donation Terms"))
    # Offered per campaign (Campaign.one_time_methods); an empty choice is a card.
    payment_method = forms.ChoiceField(
        label=_("How you’d like to pay"),
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=PaymentMethod.CARD,
    )

    def __init__(self, *args, campaign, tiers=None, **kwargs):
        """`tiers`: the campaign's tiers when the caller has read them already."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.tiers = list(campaign.tiers.all()) if tiers is None else list(tiers)
        self.fields["tier"].choices = [
            *(
                (
                    str(tier.amount),
                    format_html(
                        "{} — {}", format_yen(tier.amount), marked(tier, "impact", tier.impact)
                    ),
                )
                for tier in self.tiers
            ),
            (OTHER, _("Other amount")),
        ]
        if self.tiers and "tier" not in self.initial:
            self.initial["tier"] = str(self.tiers[0].amount)
        self.fields["agree_terms"].error_messages["required"] = _(
            "Please agree to the Donation Terms to make a donation."
        )
        offered = {
            *offered_methods(campaign, Donation.Frequency.ONCE),
            *offered_methods(campaign, Donation.Frequency.MONTHLY),
        }
        self.fields["payment_method"].choices = [
            (method.value, method.label) for method in PaymentMethod if method.value in offered
        ]
        self.fields["payment_method"].help_text = method_limits_text(campaign, offered)

    def method_label(self):
        return PaymentMethod(self.cleaned_data.get("payment_method") or "card").label

    def method_timing(self):
        """What the confirmation page says about when the money moves."""
        return payment_methods.timing(self.cleaned_data.get("payment_method") or "card")

    def clean(self):
        cleaned = super().clean()
        amount = self._amount(cleaned)
        if amount is not None:
            if error := out_of_range(self.campaign, amount):
                self.add_error("other_amount" if cleaned.get("other_amount") else "tier", error)
            else:
                cleaned["amount"] = amount
                check_payment_method(self, cleaned, amount)
        check_nickname_and_consent(self, cleaned)
        return cleaned

    def _amount(self, cleaned):
        typed = (cleaned.get("other_amount") or "").strip()
        if typed:
            try:
                return parse_yen(typed)
            except ValueError:
                self.add_error("other_amount", _("Please enter the amount in numbers (e.g. 3000)."))
                return None
        tier = cleaned.get("tier")
        if tier == OTHER:
            self.add_error("other_amount", _("Please enter an amount."))
        elif tier and tier.isdigit():
            return int(tier)
        elif "tier" not in self.errors:
            self.add_error("tier", _("Please choose or enter an amount."))
        return None


class ManageForm(forms.Form):
    email = email_field(_("Email address you donated with"))


class BankPledgeForm(HoneypotForm):
    """A pledge to give by bank transfer: it gets a reference code and counts once paid."""

    frequency = DonationForm.base_fields["frequency"]
    amount = forms.CharField(
        label=_("Amount (¥)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    donor_name = DonationForm.base_fields["donor_name"]
    donor_email = email_field(
        _("Email address"),
        help_text=_("We’ll email you the reference code and our account details."),
    )
    payer_kana = forms.CharField(
        label=_("Payer name on the transfer, in kana (optional)"),
        max_length=100,
        required=False,
    )
    public_name = DonationForm.base_fields["public_name"]
    nickname = DonationForm.base_fields["nickname"]
    message = DonationForm.base_fields["message"]
    message_consent = DonationForm.base_fields["message_consent"]
    updates_consent = DonationForm.base_fields["updates_consent"]
    agree_terms = DonationForm.base_fields["agree_terms"]

    def __init__(self, *args, campaign, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["agree_terms"].error_messages["required"] = _(
            "Please agree to the Donation Terms to make a donation."
        )

    def clean_amount(self):
        try:
            amount = parse_yen(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(
                _("Please enter the amount in numbers (e.g. 3000).")
            ) from None
        if error := out_of_range(self.campaign, amount):
            raise forms.ValidationError(error)
        return amount

    def clean(self):
        cleaned = super().clean()
        check_nickname_and_consent(self, cleaned)
        return cleaned
