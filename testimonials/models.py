"""What participants and volunteers say about the programmes."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TestimonialQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Testimonial(models.Model):
    class Kind(models.TextChoices):
        PARTICIPANT = "participant", _("参加者")
        VOLUNTEER = "volunteer", _("ボランティア")

    # Each kind's list page: /testimonials/participants/, /testimonials/volunteers/.
    LIST_SLUGS = {Kind.PARTICIPANT: "participants", Kind.VOLUNTEER: "volunteers"}

    kind = models.CharField(
        _("種類"), max_length=20, choices=Kind.choices, default=Kind.PARTICIPANT
    )
    quote = models.TextField(_("体験談"))
    speaker = models.CharField(_("話し手"), max_length=100, help_text=_("例：40代男性、30代夫婦"))
    country = models.CharField(_("国"), max_length=100, blank=True)
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="testimonials",
        verbose_name=_("プログラム"),
    )
    show_on_campaign = models.BooleanField(_("キャンペーンページに表示"), default=True)
    is_published = models.BooleanField(_("公開する"), default=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = TestimonialQuerySet.as_manager()

    class Meta:
        verbose_name = _("体験談")
        verbose_name_plural = _("体験談")
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
        who = "・".join(filter(None, [self.speaker, self.country]))
        return f"{who}/{self.program.name}" if self.program_id else who
