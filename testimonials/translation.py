"""Testimonials in Japanese and English (django-modeltranslation). Cheering messages are the
supporters' own words and stay as written."""

from modeltranslation.translator import TranslationOptions, register

from testimonials.models import Testimonial


@register(Testimonial)
class TestimonialTranslation(TranslationOptions):
    fields = ("quote", "speaker", "country")
