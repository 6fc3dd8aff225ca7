"""The composed public pages: the featured campaign at "/" and each campaign's own page."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from campaign_pages import campaign_page
from donations.giving.forms import DonationForm
from jii_campaign.caching import whole_page


@whole_page
def home(request):
    campaign = campaign_page.campaign_queryset().featured()
    if campaign is None:
        raise Http404("No published campaign")
    return _render_campaign(request, campaign)


@whole_page
def campaign_detail(request, slug):
    campaign = get_object_or_404(campaign_page.campaign_queryset().published(), slug=slug)
    return _render_campaign(request, campaign)


def _render_campaign(request, campaign):
    page = campaign_page.build(campaign)
    context = {
        "page": page,
        "form": DonationForm(campaign=campaign, tiers=page.tiers),
        # "/" shows the featured campaign, whose lasting address is its own page.
        "canonical_path": campaign.get_absolute_url(),
    }
    return render(request, "campaign_pages/campaign.html", context)
