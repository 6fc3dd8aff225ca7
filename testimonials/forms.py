"""The cheering-message form: anyone may write, no gift needed. Every refusal is a message that
keeps what the writer typed."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from jii_campaign.honeypot import HoneypotForm
from testimonials.models import SupportMessage

MAX_LENGTH = 1000
MAX_LINKS = 1
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


class SupportMessageForm(HoneypotForm):
    field_order = ["display_name", "body", "relation", "consent"]  # the honeypot last
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=50,
        required=False,
        help_text=_("Leave empty to appear as “Anonymous”."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_LENGTH}),
    )
    relation = forms.ChoiceField(
        label=_("Your relation to JII Partners (optional)"),
        choices=[("", _("Prefer not to say")), *SupportMessage.Relation.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_("I agree to my message and display name being shown on this site")
    )

    def __init__(self, *args, campaign, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["consent"].error_messages["required"] = _(
            "Please agree to your message being shown, or it cannot be published."
        )
        self.fields["body"].error_messages["max_length"] = _(
            "Please keep your message to %(limit_value)d characters (it has %(show_value)d)."
        )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(LINK.findall(body)) > MAX_LINKS:
            raise forms.ValidationError(
                _("Please include at most %(count)d link.") % {"count": MAX_LINKS}
            )
        if SupportMessage.objects.filter(campaign=self.campaign, body=body).exists():
            raise forms.ValidationError(
                _("This message has already been received. Thank you!"), code="duplicate"
            )
        return body

    def save(self) -> SupportMessage:
        data = self.cleaned_data
        return SupportMessage.objects.create(
            campaign=self.campaign,
            display_name=data["display_name"].strip(),
            body=data["body"],
            relation=data["relation"],
            status=SupportMessage.initial_status(self.campaign),
        )
