"""The donation form: what the donor chose, validated on the server whatever the browser sent."""

from django import forms
from django.utils.translation import gettext_lazy as _

from donations.amounts import parse_yen
from donations.models import Donation

OTHER = "other"


class DonationForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("ご寄付の方法"),
        choices=[
            (Donation.Frequency.MONTHLY, _("マンスリー（毎月）")),
            (Donation.Frequency.ONCE, _("今回だけ")),
        ],
        widget=forms.RadioSelect,
        initial=Donation.Frequency.MONTHLY,
    )
    tier = forms.ChoiceField(label=_("金額"), widget=forms.RadioSelect, required=False)
    other_amount = forms.CharField(
        label=_("その他の金額（円）"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    donor_name = forms.CharField(
        label=_("お名前"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    donor_email = forms.EmailField(
        label=_("メールアドレス"),
        help_text=_("お礼と領収のメールをお送りします。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    public_name = forms.ChoiceField(
        label=_("ご支援者としての表示"),
        choices=Donation.PublicName.choices,
        widget=forms.RadioSelect,
        initial=Donation.PublicName.ANONYMOUS,
    )
    nickname = forms.CharField(label=_("ニックネーム"), max_length=100, required=False)
    message = forms.CharField(
        label=_("応援メッセージ（任意）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    message_consent = forms.BooleanField(
        label=_(
            "応援メッセージをサイトに掲載することに同意します（事務局が確認してから掲載します）"
        ),
        required=False,
    )
    agree_terms = forms.BooleanField(label=_("寄付規約に同意します"))

    def __init__(self, *args, campaign, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.tiers = list(campaign.tiers.all())
        self.fields["tier"].choices = [
            *((str(tier.amount), f"¥{tier.amount:,} — {tier.impact}") for tier in self.tiers),
            (OTHER, _("その他の金額")),
        ]
        if self.tiers and "tier" not in self.initial:
            self.initial["tier"] = str(self.tiers[0].amount)
        self.fields["agree_terms"].error_messages["required"] = _(
            "ご寄付には寄付規約への同意が必要です。"
        )

    def clean(self):
        cleaned = super().clean()
        amount = self._amount(cleaned)
        if amount is not None:
            low, high = self.campaign.min_amount, self.campaign.max_amount
            if not low <= amount <= high:
                self.add_error(
                    "other_amount" if cleaned.get("other_amount") else "tier",
                    _("金額は %(low)s 円から %(high)s 円の間で入力してください。")
                    % {"low": f"{low:,}", "high": f"{high:,}"},
                )
            else:
                cleaned["amount"] = amount
        nickname_chosen = cleaned.get("public_name") == Donation.PublicName.NICKNAME
        if nickname_chosen and not cleaned.get("nickname", "").strip():
            self.add_error("nickname", _("表示するニックネームを入力してください。"))
        if cleaned.get("message", "").strip() and not cleaned.get("message_consent"):
            self.add_error(
                "message_consent",
                _(
                    "メッセージを掲載するには同意が必要です。"
                    "掲載を望まない場合はメッセージ欄を空にしてください。"
                ),
            )
        return cleaned

    def _amount(self, cleaned):
        typed = (cleaned.get("other_amount") or "").strip()
        if typed:
            try:
                return parse_yen(typed)
            except ValueError:
                self.add_error("other_amount", _("金額は数字で入力してください（例：3000）。"))
                return None
        tier = cleaned.get("tier")
        if tier == OTHER:
            self.add_error("other_amount", _("金額を入力してください。"))
        elif tier and tier.isdigit():
            return int(tier)
        elif "tier" not in self.errors:
            self.add_error("tier", _("金額を選ぶか、入力してください。"))
        return None

    def chosen_tier(self):
        amount = self.cleaned_data.get("amount")
        return next((tier for tier in self.tiers if tier.amount == amount), None)


class ManageForm(forms.Form):
    email = forms.EmailField(
        label=_("ご寄付のときのメールアドレス"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
