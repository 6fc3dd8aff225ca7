"""活動報告 (activity reports): what staff write to supporters, and one delivery row per recipient.

An update is a page of the public archive once published, and an e-mail to the supporters who
agreed to receive it. Each recipient of a send has one `Delivery` (unique per update and
address): the task worker sends it at most once, and staff see its status."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jii_campaign.images import ResizedImageField


class UpdateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False).order_by("-published_at", "-id")


class Update(models.Model):
    class Audience(models.TextChoices):
        CONSENTING = "consenting", _("Every supporter who agreed")
        MONTHLY = "monthly", _("Monthly supporters only")
        CAMPAIGN = "campaign", _("Donors of the campaign")

    slug = models.SlugField(_("Slug"), unique=True)
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(_("Body"), help_text=_("Separate paragraphs with a blank line."))
    image = ResizedImageField(
        _("Image"),
        upload_to="updates/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(_("Image alt text"), max_length=200, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="updates",
        verbose_name=_("Campaign"),
    )
    published_at = models.DateTimeField(
        _("Published"),
        null=True,
        blank=True,
        help_text=_("Empty: a draft, not in the public archive."),
    )
    audience = models.CharField(
        _("Sent to"), max_length=20, choices=Audience.choices, blank=True, editable=False
    )
    sent_at = models.DateTimeField(_("Sending started"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    objects = UpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("Activity report")
        verbose_name_plural = _("Activity reports")
        ordering = ["-created_at"]
        permissions = [
            ("preview_update", _("Can preview an activity report")),
            ("send_test_update", _("Can send a test of an activity report to oneself")),
            ("send_update", _("Can send an activity report to supporters")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("updates:detail", kwargs={"slug": self.slug})

    @property
    def excerpt(self):
        """The first paragraph of the body (in the reader's language), for the archive."""
        paragraphs = (p.strip() for p in (self.body or "").replace("\r\n", "\n").split("\n\n"))
        return next((p for p in paragraphs if p and not p.startswith(("## ", "- "))), "")


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("Update")
    )
    email = models.EmailField(_("E-mail"))
    language = models.CharField(_("Language"), max_length=10)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("Attempts"), default=0)
    detail = models.CharField(_("Detail"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("Sent at"), null=True, blank=True)
    # A failed attempt waits until then (jii_campaign/retrying.py) before the next.
    next_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Delivery")
        verbose_name_plural = _("Deliveries")
        constraints = [
            models.UniqueConstraint(fields=["update", "email"], name="one_delivery_per_recipient")
        ]
        indexes = [models.Index(fields=["update", "status"], name="delivery_status")]

    def __str__(self):
        return self.email
