"""Sending an update: one `Delivery` row per recipient, made once (unique per update and
address), then sent by the task worker at a steady pace, each row locked while it is sent and
marked in the same transaction. A second worker skips the locked rows; a worker that dies leaves
the unsent rows queued, and the next run (`manage.py send_updates`, or the admin's send button
again) sends only those."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from donations.models import SupporterPreference
from jii_campaign.retrying import doubling_pause
from updates import audiences, emails
from updates.models import Delivery, Update

log = logging.getLogger(__name__)

RETRY_FOR = datetime.timedelta(days=2)
FIRST_PAUSE = datetime.timedelta(minutes=5)
LONGEST_PAUSE = datetime.timedelta(hours=6)
BATCH_INTERVAL = datetime.timedelta(minutes=1)


class AlreadySent(Exception):
    pass


def per_batch() -> int:
    """Messages per minute: a pace the mail service accepts without throttling."""
    return settings.UPDATES_SEND_PER_MINUTE


def queue(update: Update, audience: str) -> int:
    """Make the delivery rows of `audience` and start sending; returns how many were queued.
    An update is sent once: a second call raises AlreadySent."""
    from updates.tasks import send_queued

    with transaction.atomic():
        update = Update.objects.select_for_update().get(pk=update.pk)
        if update.sent_at:
            raise AlreadySent
        recipients = audiences.recipients(audience, update.campaign)
        languages = audiences.languages_of(recipients)
        Delivery.objects.bulk_create(
            [
                Delivery(update=update, email=email, language=languages[email])
                for email in recipients
            ],
            ignore_conflicts=True,
        )
        update.audience = audience
        update.sent_at = timezone.now()
        update.save(update_fields=["audience", "sent_at"])
        send_queued.enqueue(update.pk)
    return len(recipients)


def send_next(update_id: int) -> Delivery | None:
    """Send one due, queued delivery of the update; None when there is none to take."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("update__campaign")
            .filter(update_id=update_id, status=Delivery.Status.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("id")
            .first()
        )
        if delivery is None:
            return None
        if not _still_reachable(delivery.email):
            delivery.status = Delivery.Status.SKIPPED
            delivery.detail = "no consent or mail stopped"
        else:
            _attempt(delivery, now)
        delivery.save()
    return delivery


def _still_reachable(email: str) -> bool:
    """Consent and mail are checked again at sending time: an address that unsubscribed or
    bounced after the update was queued is skipped."""
    return audiences.reachable().filter(email=email).exists()


def _attempt(delivery: Delivery, now):
    delivery.attempts += 1
    try:
        emails.message(delivery.update, delivery.email, delivery.language).send()
    except Exception as error:
        log.warning("Update %s to delivery %s not sent", delivery.update_id, delivery.pk)
        delivery.detail = type(error).__name__[:200]
        waited = sum(
            (doubling_pause(n, FIRST_PAUSE, LONGEST_PAUSE) for n in range(1, delivery.attempts)),
            datetime.timedelta(),
        )
        if waited >= RETRY_FOR:
            delivery.status = Delivery.Status.FAILED
        else:
            pause = doubling_pause(delivery.attempts, FIRST_PAUSE, LONGEST_PAUSE)
            delivery.next_attempt_at = now + pause
        return
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = now
    delivery.detail = ""


def send_batch(update_id: int) -> int:
    """Send up to one minute's worth; returns how many rows were taken."""
    taken = 0
    while taken < per_batch() and send_next(update_id) is not None:
        taken += 1
    return taken


def next_run(update_id: int):
    """When the next batch is due, or None when nothing is left queued."""
    waiting = Delivery.objects.filter(update_id=update_id, status=Delivery.Status.QUEUED)
    # A row with no next attempt is due now: it comes first (PostgreSQL sorts NULLs last).
    earliest = waiting.order_by(F("next_attempt_at").asc(nulls_first=True))
    first = list(earliest.values_list("next_attempt_at", flat=True)[:1])
    if not first:
        return None
    return max(first[0] or timezone.now(), timezone.now() + BATCH_INTERVAL)


def stop_mail(email: str, reason: str):
    """An address the mail service reported as bouncing or complaining: no more updates."""
    with transaction.atomic():
        preference = SupporterPreference.objects.of(email)
        if preference.mail_stopped_at:
            return
        preference.mail_stopped_at = timezone.now()
        preference.mail_stopped_reason = reason[:40]
        preference.save(update_fields=["mail_stopped_at", "mail_stopped_reason", "updated_at"])
