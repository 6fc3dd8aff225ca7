from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models import (
    Campaign,
    CampaignSection,
    FundingSource,
    ImpactTier,
    Organisation,
    Page,
    SupportMessage,
)

# Staff paste addresses without a scheme ("giveone.net/..."): complete them as https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "email"]
    formfield_overrides = HTTPS_URLS

    def has_add_permission(self, request):
        return not Organisation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class SectionInline(admin.StackedInline):
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


class TierInline(admin.TabularInline):
    model = ImpactTier
    extra = 0


class FundingFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
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


class FundingInline(admin.TabularInline):
    model = FundingSource
    formset = FundingFormSet
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
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
        (_("Donation form"), {"fields": ["min_amount", "max_amount", "tier_group_from"]}),
        (
            _("Give One and sharing"),
            {"fields": ["give_one_text", "give_one_link_text", "give_one_url", "share_hashtag"]},
        ),
    ]

    @admin.display(description=_("Monthly Supporters"))
    def supporters(self, campaign):
        progress = getattr(campaign, "progress", None)
        return progress.monthly_supporters if progress else 0

    @admin.display(description=_("One-time donations (¥)"))
    def raised(self, campaign):
        progress = getattr(campaign, "progress", None)
        return f"{progress.onetime_raised if progress else 0:,}"


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "show_in_footer", "order", "updated_at"]
    list_editable = ["order"]
    search_fields = ["title", "body"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj and obj.slug in Page.REQUIRED_SLUGS else []

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.slug not in Page.REQUIRED_SLUGS


@admin.register(SupportMessage)
class SupportMessageAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "short_body",
        "campaign",
        "status",
        "donation_status",
        "created_at",
    ]
    list_filter = ["status", "campaign"]
    search_fields = ["display_name", "body"]
    list_select_related = ["campaign", "donation"]
    # Status changes go through the actions, which lock the row and record when.
    readonly_fields = ["status", "created_at", "reviewed_at"]
    actions = ["approve", "reject"]

    @admin.display(description=_("Donation status"))
    def donation_status(self, message):
        donation = getattr(message, "donation", None)
        return donation.get_status_display() if donation else "—"

    @admin.display(description=_("Message"))
    def short_body(self, message):
        return message.body[:60]

    @admin.action(description=_("Publish selected messages"))
    def approve(self, request, queryset):
        changed = sum(message.review(SupportMessage.Status.APPROVED) for message in queryset)
        self.message_user(request, _("%(count)d message(s) published.") % {"count": changed})

    @admin.action(description=_("Unpublish selected messages"))
    def reject(self, request, queryset):
        changed = sum(message.review(SupportMessage.Status.REJECTED) for message in queryset)
        self.message_user(request, _("%(count)d message(s) unpublished.") % {"count": changed})
