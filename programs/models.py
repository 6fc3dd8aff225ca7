"""The NPO's programmes, each with its own page."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jii_campaign.images import ResizedImageField


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Program(models.Model):
    slug = models.SlugField(_("スラッグ"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    tagline = models.CharField(
        _("キャッチフレーズ"), max_length=200, blank=True, help_text=_("例：対話を生む")
    )
    summary = models.TextField(_("概要"), help_text=_("キャンペーンページに表示します。"))
    body = models.TextField(_("詳しい説明"), blank=True, help_text=_("空行で段落を分けます。"))
    image = ResizedImageField(
        _("画像"),
        upload_to="programs/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    # Stored so that rendering the page never opens the image file.
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(_("画像の代替テキスト"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_published = models.BooleanField(_("公開する"), default=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("プログラム")
        verbose_name_plural = _("プログラム")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["is_published", "order"], name="program_listing")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:detail", kwargs={"slug": self.slug})

    @property
    def headline(self):
        return f"{self.tagline}「{self.name}」" if self.tagline else self.name
