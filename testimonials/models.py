"""The site's voices: what participants and volunteers say about the programmes, and the
cheering messages (応援メッセージ) supporters leave for a campaign."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from jii_campaign.locking import locked_transition


class TestimonialQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Testimonial(models.Model):
    class Kind(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        VOLUNTEER = "volunteer", _("Volunteer")

    # Each kind's list page: /testimonials/participants/, /testimonials/volunteers/.
    LIST_SLUGS = {Kind.PARTICIPANT: "participants", Kind.VOLUNTEER: "volunteers"}

    kind = models.CharField(
        _("Type"), max_length=20, choices=Kind.choices, default=Kind.PARTICIPANT
    )
    quote = models.TextField(_("Testimonial"))
    speaker = models.CharField(
        _("Speaker"), max_length=100, help_text=_("e.g. Man in his 40s, couple in their 30s")
    )
    country = models.CharField(_("Country"), max_length=100, blank=True)
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="testimonials",
        verbose_name=_("Program"),
    )
    show_on_campaign = models.BooleanField(_("Show on campaign page"), default=True)
    is_published = models.BooleanField(_("Published"), default=True)
    order = models.PositiveSmallIntegerField(_("Display order"), default=0)

    objects = TestimonialQuerySet.as_manager()

    class Meta:
        verbose_name = _("Testimonial")
        verbose_name_plural = _("Testimonial")
        ordering = ["order", "id"]
        indexes = [
            models.Index(fields=["kind", "is_published", "order"], name="testimonial_listing")
        ]

    def __str__(self):
        return f"{self.attribution}: {self.quote[:30]}"

    def get_absolute_url(self):
        return reverse("testimonials:list", kwargs={"kind": self.LIST_SLUGS[self.kind]})

    @property
    def attribution(self):
        """40代男性・アメリカ/おとなりさん・ファミリーフレンド・プログラム"""
        who = pgettext("between a speaker and their country", ", ").join(
            filter(None, [self.speaker, self.country])
        )
        if not self.program_id:
            return who
        return _("%(who)s / %(programme)s") % {"who": who, "programme": self.program.name}


class SupportMessageQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=SupportMessage.Status.APPROVED)

    def waiting(self):
        return self.filter(status=SupportMessage.Status.PENDING)


class SupportMessage(models.Model):
    """A cheering message (応援メッセージ) from anyone. Depending on the campaign's setting it
    waits for staff approval or is published at once; a message left with a gift waits for the
    gift to be paid first. Held and hidden messages stay, so nothing is silently dropped."""

    class Status(models.TextChoices):
        AWAITING_GIFT = "awaiting_gift", _("Waiting for the gift to be paid")
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", pgettext_lazy("message status", "Published")
        REJECTED = "rejected", _("Hidden")

    class Relation(models.TextChoices):
        DONOR = "donor", pgettext_lazy("relation to JII", "Donor")
        VOLUNTEER = "volunteer", _("Volunteer")
        PARTICIPANT = "participant", _("Participant")
        OTHER = "other", pgettext_lazy("relation to JII", "Other")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("Campaign"),
    )
    display_name = models.CharField(
        _("Display name"),
        max_length=100,
        blank=True,
        help_text=_("Leave empty to show “Anonymous” in the reader’s language."),
    )
    body = models.TextField(_("Message"), max_length=2000)
    relation = models.CharField(
        _("Relation to JII Partners"), max_length=20, choices=Relation.choices, blank=True
    )
    # Left with a gift: shown with a donor mark once published.
    from_donor = models.BooleanField(_("Left with a donation"), default=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("Submitted at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("Reviewed at"), null=True, blank=True)

    objects = SupportMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("Cheering message")
        verbose_name_plural = _("Cheering message")
        ordering = ["-created_at"]
        permissions = [("moderate_supportmessage", "Can publish and unpublish cheering messages")]
        indexes = [
            models.Index(fields=["campaign", "status", "-created_at"], name="message_listing"),
        ]

    def __str__(self):
        return f"{self.shown_name}: {self.body[:30]}"

    @property
    def shown_name(self):
        return self.display_name or gettext("Anonymous")

    @property
    def on_public_pages(self):
        """Shown on the campaign pages. Saving a message that neither is nor was shown leaves the
        cached pages in place (jii_campaign/page_cache.py): in a burst of gifts one donor in
        five leaves a message, which waits for its gift and then for staff."""
        return self.status == self.Status.APPROVED

    @classmethod
    def initial_status(cls, campaign):
        if campaign.publishes_messages_at_once:
            return cls.Status.APPROVED
        return cls.Status.PENDING

    @locked_transition
    def release_after_gift(self):
        """The gift this message came with is paid: it joins the queue (or is published)."""
        if self.status != self.Status.AWAITING_GIFT:
            return False
        self.was_on_public_pages = False
        self.status = self.initial_status(self.campaign)
        self.save(update_fields=["status"])
        return True

    @locked_transition
    def review(self, status):
        """Approve or reject; returns False when the message already had that status, or when
        it still waits for its gift to be paid."""
        if self.status in (status, self.Status.AWAITING_GIFT):
            return False
        self.was_on_public_pages = self.on_public_pages
        self.status = status
        self.reviewed_at = timezone.now()
        self.save(update_fields=["status", "reviewed_at"])
        return True
