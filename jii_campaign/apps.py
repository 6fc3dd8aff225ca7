from django.apps import AppConfig


class JiiCampaignConfig(AppConfig):
    name = "jii_campaign"
    verbose_name = "JII Campaign"

    def ready(self):
        from jii_campaign import checks  # noqa: F401  (registers the deployment checks)
