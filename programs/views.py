from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from campaigns.models import Campaign
from jii_campaign.caching import public_page
from jii_campaign.translation_reviews import shows_unchecked_translation
from programs.models import Program
from testimonials.models import Testimonial


@public_page
def program_detail(request, slug):
    program = get_object_or_404(Program.objects.published(), slug=slug)
    testimonials = Testimonial.objects.published().filter(program=program).select_related("program")
    context = {
        "program": program,
        "testimonials": testimonials,
        "programs": Program.objects.published(),
        "program_image": program.image.url if program.image else "",
        "share": share_for(program),
        "unchecked_translation": shows_unchecked_translation([program], get_language()),
    }
    return render(request, "programs/program_detail.html", context)


def share_for(program):
    """The programme's share links carry the featured campaign's hashtag (#小さな理解)."""
    campaign = Campaign.objects.featured()
    hashtag = f"#{campaign.share_hashtag}" if campaign and campaign.share_hashtag else ""
    url = settings.SITE_URL + program.get_absolute_url()
    return {"url": url, "text": f"{hashtag} {program.name}".strip()}
