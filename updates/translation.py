"""The update texts staff write in Japanese and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from updates.models import Update


@register(Update)
class UpdateTranslation(TranslationOptions):
    fields = ("title", "body", "image_alt")
