"""What participants and volunteers say about the programmes."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


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
