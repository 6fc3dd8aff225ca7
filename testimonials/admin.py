from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jii_campaign.admin import TranslatedAdmin
from testimonials.models import SupportMessage, Testimonial


@admin.register(Testimonial)
class TestimonialAdmin(TranslatedAdmin):
    list_display = ["short_quote", "kind", "speaker", "country", "program", "is_published", "order"]
    list_editable = ["is_published", "order"]
    list_filter = ["kind", "is_published", "show_on_campaign", "program"]
    list_select_related = ["program"]
    search_fields = ["quote", "speaker", "country"]

    @admin.display(description=_("Testimonial"))
    def short_quote(self, testimonial):
        return testimonial.quote[:40]


@admin.register(SupportMessage)
class SupportMessageAdmin(admin.ModelAdmin):
    list_display = [
        "name",
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

    @admin.display(description=_("Display name"), ordering="display_name")
    def name(self, message):
        return message.shown_name

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
