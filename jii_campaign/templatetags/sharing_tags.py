"""Absolute addresses for what leaves the site: canonical links and Open Graph metadata."""

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def absolute_url(path):
    """The public address of a path on this site (SITE_URL, never the request's Host)."""
    path = str(path or "")
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path
