from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JiiCampaignConfig(AppConfig):
    name = "jii_campaign"
    verbose_name = _("Site-wide settings")

    def ready(self):
        from jii_campaign import checks  # noqa: F401  (registers the deployment checks)
