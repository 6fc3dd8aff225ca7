"""The admin for site-wide content: the organisation, standalone pages, the bank account."""

from django.contrib import admin
from django.db import models

from jii_campaign.models import BankAccount, InfoPage, Organisation

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


@admin.register(InfoPage)
class InfoPageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "show_in_footer", "order", "updated_at"]
    list_editable = ["order"]
    search_fields = ["title", "body"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj and obj.slug in InfoPage.REQUIRED_SLUGS else []

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.slug not in InfoPage.REQUIRED_SLUGS


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ["bank_name", "branch_name", "account_type", "account_number", "is_active"]
