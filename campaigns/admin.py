from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from campaigns.models import (
    Campaign,
    CampaignSection,
    FundingSource,
    ImpactTier,
)
from campaigns.payment_methods import PaymentMethod
from jii_campaign.admin import HTTPS_URLS, OneLanguageMixin, TranslatedAdmin
from jii_campaign.money import format_yen


class SectionInline(OneLanguageMixin, TranslationStackedInline):
    model = CampaignSection
    extra = 0
    fields = [
        "order",
        "kind",
        "heading",
        "subheading",
        "body",
        "quotes",
        "closing",
        "show_give_one",
    ]


class TierInline(OneLanguageMixin, TranslationTabularInline):
    model = ImpactTier
    extra = 0


class FundingFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return  # each row's own error says what is wrong; a total would only confuse
        percents = [
            form.cleaned_data["percent"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if percents and sum(percents) != 100:
            raise forms.ValidationError(
                _("The funding source percentages must add up to 100%% (currently %(total)d%%)."),
                params={"total": sum(percents)},
            )


class FundingInline(OneLanguageMixin, TranslationTabularInline):
    model = FundingSource
    formset = FundingFormSet
    extra = 0


class CampaignForm(forms.ModelForm):
    one_time_methods = forms.MultipleChoiceField(
        label=_("Ways to pay a one-time gift"),
        choices=PaymentMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=Campaign._meta.get_field("one_time_methods").help_text,
    )

    class Meta:
        model = Campaign
        fields = ["one_time_methods"]


@admin.register(Campaign)
class CampaignAdmin(TranslatedAdmin):
    form = CampaignForm
    list_display = [
        "title",
        "is_published",
        "starts_on",
        "ends_on",
        "supporters",
        "raised",
    ]
    list_filter = ["is_published"]
    search_fields = ["title", "slug", "lead"]
    list_select_related = ["progress"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline, TierInline, FundingInline]
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "is_published"]}),
        (_("Image"), {"fields": ["hero_image", "hero_image_alt"]}),
        (
            _("Goals and dates"),
            {"fields": ["monthly_goal_supporters", "onetime_goal_amount", "starts_on", "ends_on"]},
        ),
        (
            _("Donation form"),
            {"fields": ["min_amount", "max_amount", "tier_group_from", "one_time_methods"]},
        ),
        (_("Cheering messages"), {"fields": ["message_moderation"]}),
        (
            _("Give One and sharing"),
            {"fields": ["give_one_text", "give_one_link_text", "give_one_url", "share_hashtag"]},
        ),
    ]

    def get_queryset(self, request):
        # The list's translation column reads every campaign's rows.
        return (
            super().get_queryset(request).prefetch_related("sections", "tiers", "funding_sources")
        )

    @admin.display(description=_("Monthly Supporters"))
    def supporters(self, campaign):
        progress = getattr(campaign, "progress", None)
        return progress.monthly_supporters if progress else 0

    @admin.display(description=_("One-time donations"))
    def raised(self, campaign):
        progress = getattr(campaign, "progress", None)
        return format_yen(progress.onetime_raised if progress else 0)
