from django.contrib import admin

from jii_campaign.admin import TranslatedAdmin
from programs.models import Program


@admin.register(Program)
class ProgramAdmin(TranslatedAdmin):
    list_display = ["name", "slug", "is_published", "order"]
    list_editable = ["is_published", "order"]
    list_filter = ["is_published"]
    search_fields = ["name", "tagline", "summary", "body"]
    prepopulated_fields = {"slug": ["name"]}
