"""Deployment checks (`manage.py check --deploy`) for what Django's own checks cannot know."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def check_webhook_secret(app_configs, **kwargs):
    """Without its signing secret the webhook refuses every event: payments would be taken and
    never recorded. Every command checks it but `stripe_setup`, which creates that secret."""
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        return [
            Error(
                "STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set.",
                hint="Run `manage.py stripe_setup --apply`: it creates the webhook endpoint and "
                "prints its signing secret once; put it in STRIPE_WEBHOOK_SECRET.",
                id="jii.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_payment_settings(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    problems = []
    if not settings.STRIPE_SECRET_KEY:
        problems.append(
            Warning(
                "STRIPE_SECRET_KEY is not set: donors cannot pay.",
                hint="Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.",
                id="jii.W001",
            )
        )
    if settings.LOCAL_TEST_CHECKOUT:
        problems.append(
            Warning(
                "LOCAL_TEST_CHECKOUT is on: anyone could record fake payments.",
                hint="Unset LOCAL_TEST_CHECKOUT in production.",
                id="jii.W002",
            )
        )
    site = urlsplit(settings.SITE_URL)
    if site.scheme != "https" or site.hostname in ("127.0.0.1", "localhost"):
        problems.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: Stripe and e-mails would send donors there.",
                hint="Set SITE_URL to the public https:// address.",
                id="jii.W003",
            )
        )
    return problems


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    if settings.DEBUG or settings.REDIS_URL:
        return []
    return [
        Warning(
            "REDIS_URL is not set: fit for one machine only. Cached pages stay right (every "
            "process reads their version from the database and shows a change within half a "
            "second), but each process counts rate limits in its own memory, so WEB_CONCURRENCY "
            "workers let through that many times the limits, and more machines multiply them "
            "again.",
            hint="Set REDIS_URL to a Redis server every process reaches; required with more "
            "than one machine.",
            id="jii.W004",
        )
    ]
