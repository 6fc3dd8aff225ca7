"""The NPO's programmes, each with its own page."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jii_campaign.images import ResizedImageField


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Program(models.Model):
    slug = models.SlugField(_("Slug"), unique=True)
    name = models.CharField(pgettext_lazy("programme", "Name"), max_length=100)
    tagline = models.CharField(
        _("Tagline"), max_length=200, blank=True, help_text=_("e.g. Sparking conversations")
    )
    summary = models.TextField(_("Summary"), help_text=_("Shown on the campaign page."))
    body = models.TextField(
        _("Full description"), blank=True, help_text=_("Separate paragraphs with a blank line.")
    )
    image = ResizedImageField(
        _("Image"),
        upload_to="programs/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    # Stored so that rendering the page never opens the image file.
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(_("Image alt text"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("Display order"), default=0)
    is_published = models.BooleanField(_("Published"), default=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("Program")
        verbose_name_plural = _("Program")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["is_published", "order"], name="program_listing")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:detail", kwargs={"slug": self.slug})

    @property
    def headline(self):
        if not self.tagline:
            return self.name
        return _("%(tagline)s “%(name)s”") % {"tagline": self.tagline, "name": self.name}
