"""The e-mail service's tracking webhook (django-anymail: signature or basic auth checked by
anymail's own view) reports bounces and complaints: updates to that address stop
(`SupporterPreference.mail_stopped_at`, shown to staff). Receipts still go out."""

from anymail.signals import tracking
from django.dispatch import receiver

from updates import sending

STOPPING = {"bounced": "bounced", "complained": "complained", "rejected": "rejected"}


@receiver(tracking)
def stop_mail_on_bounce_or_complaint(sender, event, esp_name, **kwargs):
    reason = STOPPING.get(event.event_type)
    if reason and event.recipient:
        sending.stop_mail(event.recipient, f"{reason} ({esp_name})")
