from django.contrib import admin

from programs.models import Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_published", "order"]
    list_editable = ["is_published", "order"]
    list_filter = ["is_published"]
    search_fields = ["name", "tagline", "summary", "body"]
    prepopulated_fields = {"slug": ["name"]}
