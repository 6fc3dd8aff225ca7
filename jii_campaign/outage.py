"""A database outage answers a calm 503 page, not a 500: the page is rendered without the
database (no context processors), says to try again shortly, and carries Retry-After. The
connection pool gives up after DATABASE_POOL_TIMEOUT, so the page comes within a second or two;
when the database returns, the pool reconnects and pages answer again without a restart."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

log = logging.getLogger(__name__)

try:
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover - psycopg is always installed; SQLite runs need no pool
    PoolTimeout = OperationalError

# What "the database cannot be reached" looks like from a view (PoolTimeout normally arrives
# wrapped as Django's OperationalError; caught raw too in case a layer lets it through).
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 30


def unavailable_page(request) -> HttpResponse:
    html = render_to_string("jii_campaign/unavailable.html")  # no request: no database
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """A view that hits an unreachable database answers the calm 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            log.error("Database unavailable: %s", exception.__class__.__name__)
            return unavailable_page(request)
        return None


def server_error(request):
    """handler500: a database error raised outside any view (a middleware saving the session)
    is still an outage, not a bug."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return unavailable_page(request)
    return defaults.server_error(request)
