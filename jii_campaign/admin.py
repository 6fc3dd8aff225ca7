"""The admin for site-wide content: the organisation, standalone pages, the bank account; and
`TranslatedAdmin`, which every admin of staff-written text uses to edit its English beside the
Japanese and to show what still lacks English."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.translator import translator

from jii_campaign.models import BankAccount, InfoPage, Organisation
from jii_campaign.translated import missing_english

# Staff paste addresses without a scheme ("giveone.net/..."): complete them as https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def translated_fields(model):
    return list(translator.get_options_for_model(model).fields)


class MissingEnglishFilter(admin.SimpleListFilter):
    """Which rows still have Japanese text without its English version."""

    title = _("English translation")
    parameter_name = "english"

    def lookups(self, request, model_admin):
        return [("missing", _("Missing")), ("complete", _("Complete"))]

    def queryset(self, request, queryset):
        missing = Q()
        for name in translated_fields(queryset.model):
            japanese = ~Q(**{f"{name}_ja": ""}) & Q(**{f"{name}_ja__isnull": False})
            english = Q(**{f"{name}_en": ""}) | Q(**{f"{name}_en__isnull": True})
            missing |= japanese & english
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "complete":
            return queryset.exclude(missing)
        return queryset


class TranslatedAdmin(TranslationAdmin):
    """Japanese and English side by side; the list marks and filters what lacks English."""

    def get_list_display(self, request):
        return [*super().get_list_display(request), "english_status"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingEnglishFilter]

    @admin.display(description=_("English translation"))
    def english_status(self, obj):
        labels = self.missing_english_labels(obj)
        return _("Missing: %(fields)s") % {"fields": ", ".join(labels)} if labels else "✓"

    def missing_english_labels(self, obj):
        """What to name in the list column; an admin with inlines adds its rows' gaps."""
        missing = missing_english(obj, translated_fields(type(obj)))
        return [str(obj._meta.get_field(name).verbose_name) for name in missing]


@admin.register(Organisation)
class OrganisationAdmin(TranslatedAdmin):
    list_display = ["name", "short_name", "email"]
    formfield_overrides = HTTPS_URLS

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Organisation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InfoPage)
class InfoPageAdmin(TranslatedAdmin):
    list_display = ["title", "slug", "show_in_footer", "order", "updated_at"]
    list_editable = ["order"]
    search_fields = ["title", "body"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj and obj.slug in InfoPage.REQUIRED_SLUGS else []

    def has_delete_permission(self, request, obj=None):
        # Only staff allowed to delete pages, and never a page the site requires.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.slug not in InfoPage.REQUIRED_SLUGS)


@admin.register(BankAccount)
class BankAccountAdmin(TranslatedAdmin):
    list_display = ["bank_name", "branch_name", "account_type", "account_number", "is_active"]


@admin.register(LogEntry)
class StaffLogAdmin(admin.ModelAdmin):
    """Who did what in the admin, and who opened donors' personal data
    (donations/staff/access_records.py): read only, for those granted it (管理者)."""

    list_display = ["action_time", "user", "content_type", "object_repr", "message"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["user__username", "object_repr", "change_message"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"

    @admin.display(description=_("Change message"))
    def message(self, entry):
        return entry.get_change_message()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
