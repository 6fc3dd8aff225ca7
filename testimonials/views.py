from django.http import Http404
from django.shortcuts import render

from jii_campaign.caching import public_page
from testimonials.models import Testimonial

KINDS = {slug: kind for kind, slug in Testimonial.LIST_SLUGS.items()}


@public_page
def testimonial_list(request, kind):
    if kind not in KINDS:
        raise Http404
    testimonials = (
        Testimonial.objects.published().filter(kind=KINDS[kind]).select_related("program")
    )
    return render(
        request,
        "testimonials/testimonial_list.html",
        {"kind": KINDS[kind], "testimonials": testimonials},
    )
