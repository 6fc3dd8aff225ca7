"""Site-wide texts staff write in Japanese and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from jii_campaign.models import BankAccount, InfoPage, Organisation


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "short_name", "representative", "address")


@register(InfoPage)
class InfoPageTranslation(TranslationOptions):
    fields = ("title", "body")


@register(BankAccount)
class BankAccountTranslation(TranslationOptions):
    # The holder's names stay as the bank knows them.
    fields = ("bank_name", "branch_name")
