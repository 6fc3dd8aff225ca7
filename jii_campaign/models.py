"""Site-wide content every layer may show: the organisation, its standalone pages and the bank
account for transfers."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """The NPO itself: one row, shown in the footer, the legal pages and receipts."""

    SINGLETON_ID = 1

    name = models.CharField(_("Legal name"), max_length=200)
    short_name = models.CharField(_("Short name"), max_length=100)
    email = models.EmailField(_("Email address"))
    contact_url = models.URLField(_("Contact form URL"), blank=True)
    website_url = models.URLField(_("Website"), blank=True)
    representative = models.CharField(_("Representative"), max_length=100, blank=True)
    address = models.CharField(_("Address"), max_length=300, blank=True)
    phone = models.CharField(_("Phone number"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("NPO details")
        verbose_name_plural = _("NPO details")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="organisation_singleton")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=cls.SINGLETON_ID).first() or cls(
            name="特定非営利活動法人アジア人文文化交流促進協会",
            short_name="JIIパートナーズ",
            email="info@j-ii.org",
        )


class InfoPage(models.Model):
    """A standalone page staff write: legal notices, privacy policy, donation terms, other ways."""

    # Linked from the donation form, the campaign page and the footer by these slugs.
    REQUIRED_SLUGS = ("tokushoho", "privacy", "terms", "other-ways")

    slug = models.SlugField(_("Slug"), unique=True)
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(
        _("Body text"),
        help_text=_(
            "Separate paragraphs with a blank line. Lines starting with “## ” "
            "become headings, and lines starting with “- ” become bullet points."
        ),
    )
    show_in_footer = models.BooleanField(_("Show link in footer"), default=True)
    order = models.PositiveSmallIntegerField(_("Display order"), default=0)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Page")
        verbose_name_plural = _("Page")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("info_page", kwargs={"slug": self.slug})


class BankAccount(models.Model):
    """The account shown for bank-transfer donations."""

    bank_name = models.CharField(_("Bank"), max_length=100)
    bank_code = models.CharField(_("Bank code"), max_length=4)
    branch_name = models.CharField(_("Branch"), max_length=100)
    branch_code = models.CharField(_("Branch code"), max_length=3)

    class AccountType(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        CHECKING = "checking", _("Checking")

    account_type = models.CharField(
        _("Account type"), max_length=20, choices=AccountType.choices, default=AccountType.ORDINARY
    )
    account_number = models.CharField(_("Account number"), max_length=8)
    holder_name = models.CharField(_("Account holder (kanji)"), max_length=200)
    holder_kana = models.CharField(_("Account holder (kana)"), max_length=200)
    is_active = models.BooleanField(_("Show"), default=True)
    order = models.PositiveSmallIntegerField(_("Display order"), default=0)

    class Meta:
        verbose_name = _("Bank transfer account")
        verbose_name_plural = _("Bank transfer account")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.bank_name} {self.branch_name} {self.account_number}"


class PageVersion(models.Model):
    """One row: the numbers every process of the site reads (at most every
    PAGE_CACHE_VERSION_POLL_SECONDS) to know whether its cached pages are still current: of any
    change, and of the content's (the pages without figures). Raised after each commit that
    changes a public page when there is no Redis to share the version through, and when Redis
    refused such a raise (jii_campaign/page_cache.py)."""

    SINGLETON_ID = 1

    number = models.BigIntegerField(default=0)
    content_number = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="page_version_singleton")]

    def __str__(self):
        return str(self.number)


# Defined in a module of its own; imported here so that Django finds the model.
from jii_campaign.translation_reviews import TranslationReview  # noqa: E402, F401
