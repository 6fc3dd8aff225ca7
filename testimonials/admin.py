from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from testimonials.models import Testimonial


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    list_display = ["short_quote", "kind", "speaker", "country", "program", "is_published", "order"]
    list_editable = ["is_published", "order"]
    list_filter = ["kind", "is_published", "show_on_campaign", "program"]
    list_select_related = ["program"]
    search_fields = ["quote", "speaker", "country"]

    @admin.display(description=_("Testimonial"))
    def short_quote(self, testimonial):
        return testimonial.quote[:40]
