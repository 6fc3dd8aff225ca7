from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from campaigns import page
from campaigns.models import Page
from donations.forms import DonationForm

# Shared caches (a CDN) may keep public pages for a minute: they carry no cookie and nothing per
# visitor. Browsers revalidate, so a donor coming back from Checkout sees the counters move.
public_page = cache_control(public=True, max_age=0, s_maxage=60)


@public_page
def home(request):
    campaign = page.campaign_queryset().featured()
    if campaign is None:
        raise Http404("No published campaign")
    return _campaign_page(request, campaign)


@public_page
def campaign_detail(request, slug):
    campaign = get_object_or_404(page.campaign_queryset().published(), slug=slug)
    return _campaign_page(request, campaign)


@public_page
def page_detail(request, slug):
    return render(
        request, "campaigns/page_detail.html", {"page": get_object_or_404(Page, slug=slug)}
    )


def _campaign_page(request, campaign):
    context = {"page": page.build(campaign), "form": DonationForm(campaign=campaign)}
    return render(request, "campaigns/campaign_detail.html", context)
