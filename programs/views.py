from django.shortcuts import get_object_or_404, render

from jii_campaign.caching import public_page
from programs.models import Program
from testimonials.models import Testimonial


@public_page
def program_detail(request, slug):
    program = get_object_or_404(Program.objects.published(), slug=slug)
    testimonials = Testimonial.objects.published().filter(program=program).select_related("program")
    return render(
        request,
        "programs/program_detail.html",
        {"program": program, "testimonials": testimonials, "programs": Program.objects.published()},
    )
