"""WSGI entry point for gunicorn: cached pages from memory first (page_cache_wsgi.py), then
Django."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jii_campaign.settings")

django_application = get_wsgi_application()

# Imported once Django is set up: the page cache reads its models.
from jii_campaign.page_cache_wsgi import CachedPagesFirst  # noqa: E402

application = CachedPagesFirst(django_application)

# gunicorn runs no system checks: a web process that could take payments but never record them
# (jii.E001) must not start at all.
from jii_campaign.checks import check_webhook_secret  # noqa: E402

if errors := check_webhook_secret(None):
    raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
