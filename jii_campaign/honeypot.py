"""A field people never see (hidden by CSS, skipped by keyboard) that bots fill in."""

from django import forms
from django.utils.translation import gettext_lazy as _


class HoneypotForm(forms.Form):
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self):
        # Refused with a message rather than dropped: a person whose browser filled it in
        # learns what to do, and nothing is silently lost.
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""
