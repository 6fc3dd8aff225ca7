from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JiiCampaignConfig(AppConfig):
    name = "jii_campaign"
    verbose_name = _("Site-wide settings")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_migrate, post_save

        from jii_campaign import (
            checks,  # noqa: F401  (registers the deployment checks)
            page_cache,
        )

        # Only the models public pages show: a receiver on every model would cost other deletes
        # their fast path.
        for model in filter(page_cache.is_public_content, apps.get_models()):
            post_save.connect(page_cache.on_content_saved, sender=model)
            post_delete.connect(page_cache.on_content_saved, sender=model)
        # A release runs `migrate`: pages rendered by the previous code go stale.
        post_migrate.connect(
            lambda **kwargs: page_cache.bump(), weak=False, dispatch_uid="page_cache_release"
        )
