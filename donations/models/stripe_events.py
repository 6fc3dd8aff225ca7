"""`StripeEvent`: every Stripe event received, stored once by its id, queued until the
event worker applies it."""

import datetime

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jii_campaign.locking import locked_transition


class StripeEventQuerySet(models.QuerySet):
    def queued(self):
        """Recorded, not applied yet, and for the event worker to apply (not held)."""
        return self.filter(processed_at__isnull=True, held=False)

    def held(self):
        """Events of another API version, waiting for staff (`StripeEvent.held`)."""
        return self.filter(held=True)

    def due(self):
        """Queued events to apply now, oldest first; one that failed waits until its retry_at."""
        return (
            self.queued()
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now()))
            .order_by("created", "id")
        )


class StripeEvent(models.Model):
    """Every Stripe event we received, by its id: a redelivery is recognised and skipped."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    created = models.DateTimeField(_("Occurred at (Stripe)"))
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    # The Stripe objects the event is about, so that an event that arrived before its payment
    # is found again without reading payloads. Null when the event names no such object.
    payment_intent_id = models.CharField(max_length=255, null=True, db_index=True)  # noqa: DJ001
    charge_id = models.CharField(max_length=255, null=True, db_index=True)  # noqa: DJ001
    invoice_id = models.CharField(max_length=255, null=True, db_index=True)  # noqa: DJ001
    received_at = models.DateTimeField(
        pgettext_lazy("stripe event", "Received at"), auto_now_add=True
    )
    processed_at = models.DateTimeField(_("Processed at"), null=True, blank=True)
    # An event waiting to be applied (processed_at null) that failed: how often, with what, and
    # when the applier tries it again. The traceback is in the log.
    attempts = models.PositiveIntegerField(_("Failed attempts"), default=0)
    last_error = models.CharField(_("Last error"), max_length=200, blank=True)
    retry_at = models.DateTimeField(_("Next attempt"), null=True, blank=True)
    # When `manage.py scrub_stripe_events` removed the donor's personal data from the payload.
    scrubbed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The API version Stripe rendered the event in: the webhook endpoint's own, which may differ
    # from the one the site is written for (stripe_gateway.API_VERSION). Blank: none was sent.
    api_version = models.CharField(_("API version"), max_length=64, blank=True)
    # An event of another version: its object is not shaped as our handlers read it, so the
    # worker leaves it to staff, who apply it from the object fetched again from Stripe.
    held = models.BooleanField(_("Other API version: needs attention"), default=False)
    refetched_at = models.DateTimeField(
        _("Fetched again from Stripe at"), null=True, blank=True, editable=False
    )

    objects = StripeEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe event")
        ordering = ["-received_at"]
        indexes = [
            # The applier's queue: only the few events not applied yet are in it.
            models.Index(
                fields=["created", "id"],
                condition=models.Q(processed_at__isnull=True, held=False),
                name="stripeevent_queued",
            ),
            models.Index(
                fields=["created"], condition=models.Q(held=True), name="stripeevent_held"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(held=True, processed_at__isnull=False),
                name="stripeevent_held_is_not_applied",
            )
        ]

    def __str__(self):
        return f"{self.type} {self.event_id}"

    @classmethod
    def record(cls, event: dict, *, held=False, **objects_named) -> bool:
        """Store a verified event once by its id (`held` when it is of another API version);
        False when it was stored before. A delivery racing its duplicate waits for the other's
        transaction and then sees its row.

        One statement, committed on its own: what the webhook does for every delivery
        (`bulk_create` would add a transaction around it)."""
        row = cls(
            event_id=event["id"],
            type=event["type"],
            created=cls.stripe_time(event["created"]),
            livemode=bool(event.get("livemode")),
            payload=event,
            api_version=event.get("api_version") or "",
            held=held,
            **objects_named,
        )
        fields = [field for field in cls._meta.concrete_fields if not field.primary_key]
        quote = connection.ops.quote_name
        # Names from the model, quoted; the values go as parameters.
        sql = "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO NOTHING RETURNING {}".format(  # nosec B608
            quote(cls._meta.db_table),
            ", ".join(quote(field.column) for field in fields),
            ", ".join(["%s"] * len(fields)),
            quote(cls._meta.get_field("event_id").column),
            quote(cls._meta.pk.column),
        )
        values = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.fetchone() is not None

    @classmethod
    def mark_applied(cls, records):
        """Applied, in the transaction that applied them (whose row locks they hold)."""
        now = timezone.now()
        cls.objects.filter(pk__in=[record.pk for record in records]).update(
            processed_at=now, retry_at=None
        )
        for record in records:
            record.processed_at, record.retry_at = now, None

    @locked_transition
    def note_failure(self, error: Exception, pause: datetime.timedelta):
        """Applying failed (the transaction that tried was rolled back): try again after
        `pause`. Only the exception's class is kept here; its message may hold personal data."""
        if self.processed_at:
            return
        self.attempts += 1
        self.last_error = type(error).__name__[:200]
        self.retry_at = timezone.now() + pause
        self.save(update_fields=["attempts", "last_error", "retry_at"])

    @locked_transition
    def release(self, current_object: dict, api_version: str, **objects_named) -> bool:
        """A held event's object, as Stripe answers it now in our `api_version`, takes the place
        of the one it was sent with; the event is then applied like any other of our version, in
        this transaction. False when it is no longer held (another press released it)."""
        if not self.held:
            return False
        self.payload["data"]["object"] = current_object
        self.payload["api_version"] = api_version
        self.held = False
        self.refetched_at = timezone.now()
        for name, value in objects_named.items():
            setattr(self, name, value)
        self.save(update_fields=["payload", "held", "refetched_at", *objects_named])
        return True

    @staticmethod
    def stripe_time(timestamp):
        return datetime.datetime.fromtimestamp(int(timestamp), tz=datetime.UTC)
