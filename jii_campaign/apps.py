from django.apps import AppConfig


class JiiCampaignConfig(AppConfig):
    name = "jii_campaign"
    verbose_name = "JII Campaign"
