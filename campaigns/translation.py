"""The campaign texts staff write in Japanese and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from campaigns.models import Campaign, CampaignSection, FundingSource, ImpactTier


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = (
        "title",
        "lead",
        "hero_image_alt",
        "give_one_text",
        "give_one_link_text",
    )
    # share_hashtag is one tag in every language: it gathers one conversation (#小さな理解).


@register(CampaignSection)
class SectionTranslation(TranslationOptions):
    fields = ("heading", "subheading", "body", "quotes", "closing")


@register(ImpactTier)
class TierTranslation(TranslationOptions):
    fields = ("impact",)


@register(FundingSource)
class FundingTranslation(TranslationOptions):
    fields = ("label",)
