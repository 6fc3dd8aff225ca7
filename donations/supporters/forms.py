"""The supporter page's forms, each validated on the server."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from donations.amounts import parse_yen
from donations.models import CancelReason
from donations.models.supporter_preferences import mail_language_choices
from donations.supporters.changes import PAUSE_MONTHS
from jii_campaign.money import format_yen

EMAIL_MAX_LENGTH = 254


def _months(n: int) -> str:
    return gettext("%(n)d month(s)") % {"n": n}


months_label = lazy(_months, str)  # in the reader's language, not the one at import


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address you donated with"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PauseForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Pause for"),
        coerce=int,
        choices=[(n, months_label(n)) for n in PAUSE_MONTHS],
        widget=forms.RadioSelect,
        initial=1,
    )

    def __init__(self, *args, resume_dates=None, amount=None, **kwargs):
        """`resume_dates`: for each length, the day charges begin again, said on its label as
        the next charge (the words the supporter page uses for it)."""
        super().__init__(*args, **kwargs)
        if resume_dates:
            self.fields["months"].choices = [
                (n, f"{months_label(n)} — {_next_charge(resume_dates[n], amount)}")
                for n in PAUSE_MONTHS
            ]


def _next_charge(date, amount) -> str:
    around = gettext("around %(date)s, %(amount)s") % {
        "date": date.isoformat(),
        "amount": format_yen(amount),
    }
    return f"{gettext('Next charge')}: {around}"


class AmountForm(forms.Form):
    amount = forms.CharField(
        label=_("New monthly amount (¥)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_amount(self):
        low, high = self.campaign.min_amount, self.campaign.max_amount
        try:
            amount = parse_yen(self.cleaned_data["amount"])
        except ValueError:
            amount = None
        if amount is None or not low <= amount <= high:
            raise forms.ValidationError(
                _("Please enter an amount from %(low)s to %(high)s.")
                % {"low": format_yen(low), "high": format_yen(high)}
            )
        return amount


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you ending it? (optional)"),
        choices=[("", _("I’d rather not say")), *CancelReason.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label=_("Anything you’d like to tell us (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PreferencesForm(forms.Form):
    updates_consent = forms.BooleanField(
        label=_("Send me activity reports by email"), required=False
    )
    language = forms.ChoiceField(
        label=_("Language of our emails"),
        choices=mail_language_choices,
    )
    receipt_name = forms.CharField(
        label=_("Name on receipts"),
        required=False,
        max_length=100,
        help_text=_("Empty: the name you gave with each donation."),
    )
