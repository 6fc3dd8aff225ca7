"""WSGI entry point for gunicorn."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jii_campaign.settings")

application = get_wsgi_application()

# gunicorn runs no system checks: a web process that could take payments but never record them
# (jii.E001) must not start at all.
from jii_campaign.checks import check_webhook_secret  # noqa: E402

if errors := check_webhook_secret(None):
    raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
