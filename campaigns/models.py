"""What staff edit about a campaign: its texts, goals, dates, sections, tiers and funding mix."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.payment_methods import default_one_time_methods
from jii_campaign.images import ResizedImageField
from jii_campaign.money import format_yen

# The order in which the featured campaign is chosen: the newest first.
NEWEST_FIRST = ("-starts_on", "-id")


class CampaignQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def featured(self):
        """The campaign shown at "/": the newest published one that has started."""
        today = timezone.localdate()
        return self.published().filter(starts_on__lte=today).order_by(*NEWEST_FIRST).first()


class Campaign(models.Model):
    class MessageModeration(models.TextChoices):
        HELD = "held", _("Held until staff approve them")
        PUBLISHED = "published", _("Published at once (staff can remove them)")

    slug = models.SlugField(_("Slug"), unique=True)
    title = models.CharField(_("Title"), max_length=200)
    lead = models.TextField(_("Lead paragraph"), blank=True)
    hero_image = ResizedImageField(
        _("Main image"),
        upload_to="campaigns/",
        blank=True,
        width_field="hero_image_width",
        height_field="hero_image_height",
        renditions_field="hero_renditions",
    )
    # Stored so that rendering the page never opens the image file.
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # WebP and JPEG copies for srcset, made once on upload (jii_campaign.images.make_renditions).
    hero_renditions = models.JSONField(default=list, blank=True, editable=False)
    hero_image_alt = models.CharField(_("Main image alt text"), max_length=200, blank=True)
    monthly_goal_supporters = models.PositiveIntegerField(_("Target number of Monthly Supporters"))
    onetime_goal_amount = models.PositiveBigIntegerField(_("One-time donation target (¥)"))
    starts_on = models.DateField(_("Start date"))
    ends_on = models.DateField(_("End date"))
    is_published = models.BooleanField(_("Published"), default=False)
    # Stripe takes ¥50 at the least and 8 digits at the most.
    min_amount = models.PositiveIntegerField(
        _("Minimum donation (¥)"), default=500, validators=[MinValueValidator(50)]
    )
    max_amount = models.PositiveIntegerField(
        _("Maximum donation (¥)"), default=1_000_000, validators=[MaxValueValidator(99_999_999)]
    )
    # Which ways to pay a one-time gift the form offers (campaigns.payment_methods.PaymentMethod).
    one_time_methods = models.JSONField(
        _("Ways to pay a one-time gift"),
        default=default_one_time_methods,
        help_text=_(
            "Each method must be enabled in Stripe first. Monthly gifts are always by card "
            "(or a bank transfer pledge)."
        ),
    )
    tier_group_from = models.PositiveIntegerField(
        _("Group amounts from (¥)"),
        null=True,
        blank=True,
        help_text=_(
            "Impact examples at or above this amount are shown together in a single "
            "“With ¥… or more” box."
        ),
    )
    give_one_text = models.CharField(_("Give One introduction text"), max_length=200, blank=True)
    give_one_link_text = models.CharField(_("Give One link text"), max_length=100, blank=True)
    give_one_url = models.URLField(_("Give One URL"), blank=True)
    share_hashtag = models.CharField(_("Hashtags for sharing"), max_length=50, blank=True)
    message_moderation = models.CharField(
        _("New cheering messages"),
        max_length=10,
        choices=MessageModeration.choices,
        default=MessageModeration.HELD,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("Campaign")
        verbose_name_plural = _("Campaign")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["is_published", "-starts_on"], name="campaign_featured")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("The end date must be after the start date."),
            ),
            models.CheckConstraint(
                condition=Q(min_amount__gt=0),
                name="campaign_min_amount_positive",
                violation_error_message=_("The minimum amount must be at least ¥1."),
            ),
            models.CheckConstraint(
                condition=Q(max_amount__gte=F("min_amount")),
                name="campaign_max_not_below_min",
                violation_error_message=_(
                    "The maximum amount must not be below the minimum amount."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaign_pages:campaign", kwargs={"slug": self.slug})

    @property
    def publishes_messages_at_once(self):
        return self.message_moderation == self.MessageModeration.PUBLISHED

    @property
    def share(self):
        """What the share buttons post: the campaign's public address, hashtag and title."""
        url = settings.SITE_URL + self.get_absolute_url()
        hashtag = f"#{self.share_hashtag}" if self.share_hashtag else ""
        return {"url": url, "text": f"{hashtag} {self.title}".strip(), "hashtag": hashtag}

    def days_left(self, today: datetime.date | None = None) -> int:
        """Days still open, counting today; 0 once the campaign has ended."""
        today = today or timezone.localdate()
        return max(0, (self.ends_on - today).days + 1)


class CampaignSection(models.Model):
    """One section of the campaign page, in the order staff give; some kinds add a component."""

    class Kind(models.TextChoices):
        STORY = "story", pgettext_lazy("section kind", "Text")
        PROGRAMS = "programs", _("Program overview")
        TESTIMONIALS = "testimonials", _("What participants say")
        MESSAGES = "messages", _("Cheering message")
        IMPACT = "impact", _("Impact and funding")
        BANK = "bank", _("Bank transfer account")
        SHARE = "share", _("Share on social media")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="sections", verbose_name=_("Campaign")
    )
    order = models.PositiveSmallIntegerField(_("Display order"), default=0)
    kind = models.CharField(_("Type"), max_length=20, choices=Kind.choices, default=Kind.STORY)
    heading = models.CharField(_("Heading"), max_length=200)
    subheading = models.CharField(_("Subheading"), max_length=200, blank=True)
    body = models.TextField(
        _("Body text"), blank=True, help_text=_("Separate paragraphs with a blank line.")
    )
    quotes = models.TextField(_("Quotes"), blank=True, help_text=_("Write one quote per line."))
    closing = models.TextField(_("Closing text"), blank=True)
    show_give_one = models.BooleanField(
        _("Show Give One information after this section"), default=False
    )

    class Meta:
        verbose_name = _("Section")
        verbose_name_plural = _("Section")
        ordering = ["order", "id"]

    def __str__(self):
        return self.heading


class ImpactTier(models.Model):
    """A suggested amount with what it makes possible; also the choices of the donation form."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("Campaign")
    )
    amount = models.PositiveIntegerField(_("Amount (¥)"))
    impact = models.CharField(_("What it makes possible"), max_length=300)
    order = models.PositiveSmallIntegerField(_("Display order"), default=0)

    class Meta:
        verbose_name = _("Impact example")
        verbose_name_plural = _("Impact example")
        ordering = ["order", "amount"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="tier_amount_positive",
                violation_error_message=_("The amount must be at least ¥1."),
            ),
            models.UniqueConstraint(fields=["campaign", "amount"], name="tier_amount_unique"),
        ]

    def __str__(self):
        return format_yen(self.amount)


class FundingSource(models.Model):
    """One slice of where the NPO's money comes from, drawn as a chart on the campaign page."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="funding_sources",
        verbose_name=_("Campaign"),
    )
    label = models.CharField(_("Funding source"), max_length=100)
    percent = models.PositiveSmallIntegerField(_("Percentage (%)"))
    order = models.PositiveSmallIntegerField(_("Display order"), default=0)

    class Meta:
        verbose_name = _("Funding breakdown")
        verbose_name_plural = _("Funding breakdown")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="funding_percent_at_most_100",
                violation_error_message=_("A share must be 100%% or less."),
            )
        ]

    def __str__(self):
        return f"{self.label} {self.percent}%"
