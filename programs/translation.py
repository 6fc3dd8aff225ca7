"""The programme texts staff write in Japanese and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from programs.models import Program


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("name", "tagline", "summary", "body", "image_alt")
