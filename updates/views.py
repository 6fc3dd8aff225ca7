"""The public archive of published updates, and the one-click unsubscribe (RFC 8058)."""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from donations.models import SupporterPreference
from jii_campaign.caching import whole_page
from jii_campaign.ratelimits import TOO_MANY_REQUESTS, over_limit
from updates.models import Update
from updates.unsubscribe_links import email_from


@whole_page
def archive(request):
    updates = Update.objects.published().select_related("campaign")
    return render(request, "updates/archive.html", {"updates": updates})


@whole_page
def detail(request, slug):
    update = get_object_or_404(Update.objects.published(), slug=slug)
    context = {
        "update": update,
        "update_image": update.image.url if update.image else "",
        "share": {"url": settings.SITE_URL + update.get_absolute_url(), "text": update.title},
    }
    return render(request, "updates/detail.html", context)


# A mail client's one-click POST carries no cookie and no CSRF token (RFC 8058 §3.2); the
# signed address in the path is the only credential, and all it can do is stop updates.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    email = email_from(token)
    if email is None:
        return render(request, "updates/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "GET":
        return render(request, "updates/unsubscribe.html", {"email": email})
    if over_limit(request, "unsubscribe"):
        return HttpResponse(status=TOO_MANY_REQUESTS)
    with transaction.atomic():
        preference = SupporterPreference.objects.of(email)
        if preference.updates_consent:
            preference.updates_consent = False
            preference.updates_consent_changed_at = timezone.now()
            preference.save(
                update_fields=["updates_consent", "updates_consent_changed_at", "updated_at"]
            )
    return render(request, "updates/unsubscribe.html", {"email": email, "done": True})
