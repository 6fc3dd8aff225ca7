"""Site-wide views: the health check and the standalone pages staff write."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from jii_campaign.caching import public_page
from jii_campaign.models import InfoPage


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@public_page
def info_page(request, slug):
    page = get_object_or_404(InfoPage, slug=slug)
    return render(request, "jii_campaign/info_page.html", {"page": page})
