"""Cheering messages on their own pages, so that the campaign page stays cookie-free: the list
(cacheable, paginated without JavaScript) and the CSRF-protected form."""

from django.apps import apps
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jii_campaign import ratelimits
from jii_campaign.caching import csrf_token_context, public_page, whole_page
from testimonials.forms import SupportMessageForm
from testimonials.models import SupportMessage

PER_PAGE = 20
# Per client address: enough for a family sharing one connection, too few for a flood.


def _campaign(slug):
    campaigns = apps.get_model("campaigns", "Campaign").objects.published()
    return get_object_or_404(campaigns, slug=slug)


@public_page
@require_GET
def message_list(request, slug):
    campaign = _campaign(slug)
    messages = SupportMessage.objects.approved().filter(campaign=campaign)
    page = Paginator(messages, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "testimonials/message_list.html", {"campaign": campaign, "page_obj": page}
    )


# Cached whole with each visitor's CSRF token written in (jii_campaign/page_tokens.py); a form
# re-rendered with what the visitor typed is personal.
@require_http_methods(["GET", "POST"])
@whole_page(csrf_token=True, figures=False)
def message_new(request, slug):
    campaign = _campaign(slug)
    form = SupportMessageForm(request.POST or None, campaign=campaign)
    status = 200
    if request.method == "POST":
        if ratelimits.refused(
            request,
            form,
            "support_message",
            _(
                "We have received several messages from your connection just now. "
                "Please wait a few minutes and send it again."
            ),
        ):
            status = 429
        elif form.is_valid():
            form.save()
            return redirect("support_messages:sent", slug=campaign.slug)
        else:
            status = 400
    context = {"campaign": campaign, "form": form, **csrf_token_context(request)}
    return render(request, "testimonials/message_form.html", context, status=status)


@require_GET
def message_sent(request, slug):
    return render(request, "testimonials/message_sent.html", {"campaign": _campaign(slug)})
