from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpdatesConfig(AppConfig):
    name = "updates"
    verbose_name = _("Activity reports")

    def ready(self):
        from updates import mail_stops  # noqa: F401  (connects the e-mail service's signals)
