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
        "relation",
        "from_donor",
        "status",
        "donation_status",
        "created_at",
    ]
    list_filter = ["status", "campaign", "relation", "from_donor"]
    search_fields = ["display_name", "body"]
    list_select_related = ["campaign", "donation"]
    # Status changes go through the actions, which lock the row and record when and who.
    readonly_fields = ["status", "from_donor", "created_at", "reviewed_at"]
    actions = ["approve", "reject"]

    def has_delete_permission(self, request, obj=None):
        # Rejected messages stay (hidden), so that nothing a supporter wrote silently vanishes.
        return False

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

    def has_moderate_permission(self, request):
        return request.user.has_perm("testimonials.moderate_supportmessage")

    @admin.action(description=_("Publish selected messages"), permissions=["moderate"])
    def approve(self, request, queryset):
        changed = self._review(request, queryset, SupportMessage.Status.APPROVED)
        self.message_user(request, _("%(count)d message(s) published.") % {"count": changed})

    @admin.action(description=_("Unpublish selected messages"), permissions=["moderate"])
    def reject(self, request, queryset):
        changed = self._review(request, queryset, SupportMessage.Status.REJECTED)
        self.message_user(request, _("%(count)d message(s) unpublished.") % {"count": changed})

    def _review(self, request, queryset, status):
        """Review each message, and record who changed which in the admin's history."""
        changed = 0
        for message in queryset:
            if message.review(status):
                changed += 1
                self.log_change(request, message, str(message.get_status_display()))
        return changed
