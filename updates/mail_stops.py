"""The e-mail service's tracking webhook (django-anymail: its own view checks the request, by
HTTP basic auth or the service's signature) reports bounces and complaints: updates to that
address stop (`SupporterPreference.mail_stopped_at`, shown to staff with each delivery). An
unsubscribe the service handled itself withdraws consent. Receipts still go out."""

from anymail.signals import tracking
from django.dispatch import receiver
from django.utils import timezone

from donations.models import SupporterPreference
from updates import sending

STOPPING = {"bounced", "complained", "rejected"}


@receiver(tracking, dispatch_uid="updates.mail_stops")
def stop_mail_on_bounce_or_complaint(sender, event, esp_name, **kwargs):
    if not event.recipient:
        return
    if event.event_type in STOPPING:
        sending.stop_mail(event.recipient, f"{event.event_type} ({esp_name})")
    elif event.event_type == "unsubscribed":
        SupporterPreference.objects.of(event.recipient)
        SupporterPreference.objects.filter(
            email=event.recipient.strip().lower(), updates_consent=True
        ).update(updates_consent=False, updates_consent_changed_at=timezone.now())
