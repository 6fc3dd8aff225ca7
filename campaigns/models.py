"""What staff edit about a campaign: its texts, goals, dates, sections, tiers and funding mix,
plus the organisation's details, the site's standalone pages and cheering messages."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jii_campaign.images import ResizedImageField
from jii_campaign.locking import locked_transition


class Organisation(models.Model):
    """The NPO itself: one row, shown in the footer, the legal pages and receipts."""

    SINGLETON_ID = 1

    name = models.CharField(_("法人名"), max_length=200)
    short_name = models.CharField(_("略称"), max_length=100)
    email = models.EmailField(_("メールアドレス"))
    contact_url = models.URLField(_("お問い合わせフォームのURL"), blank=True)
    website_url = models.URLField(_("ウェブサイト"), blank=True)
    representative = models.CharField(_("代表者"), max_length=100, blank=True)
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    phone = models.CharField(_("電話番号"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("団体情報")
        verbose_name_plural = _("団体情報")
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


class CampaignQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def featured(self):
        """The campaign shown at "/": the newest published one that has started."""
        today = timezone.localdate()
        return self.published().filter(starts_on__lte=today).order_by("-starts_on", "-id").first()


class Campaign(models.Model):
    slug = models.SlugField(_("スラッグ"), unique=True)
    title = models.CharField(_("タイトル"), max_length=200)
    lead = models.TextField(_("リード文"), blank=True)
    hero_image = ResizedImageField(
        _("メイン画像"),
        upload_to="campaigns/",
        blank=True,
        width_field="hero_image_width",
        height_field="hero_image_height",
    )
    # Stored so that rendering the page never opens the image file.
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_alt = models.CharField(_("メイン画像の代替テキスト"), max_length=200, blank=True)
    monthly_goal_supporters = models.PositiveIntegerField(_("マンスリーサポーターの目標人数"))
    onetime_goal_amount = models.PositiveBigIntegerField(_("今回だけのご寄付の目標金額（円）"))
    starts_on = models.DateField(_("開始日"))
    ends_on = models.DateField(_("終了日"))
    is_published = models.BooleanField(_("公開する"), default=False)
    # Stripe takes ¥50 at the least and 8 digits at the most.
    min_amount = models.PositiveIntegerField(
        _("最低寄付額（円）"), default=500, validators=[MinValueValidator(50)]
    )
    max_amount = models.PositiveIntegerField(
        _("最高寄付額（円）"), default=1_000_000, validators=[MaxValueValidator(99_999_999)]
    )
    tier_group_from = models.PositiveIntegerField(
        _("まとめて表示する金額（円）"),
        null=True,
        blank=True,
        help_text=_("この金額以上の支援の目安を「○円以上で」の一つの枠にまとめて表示します。"),
    )
    give_one_text = models.CharField(_("Give One への案内文"), max_length=200, blank=True)
    give_one_link_text = models.CharField(_("Give One リンクの文言"), max_length=100, blank=True)
    give_one_url = models.URLField(_("Give One のURL"), blank=True)
    share_hashtag = models.CharField(_("シェア用ハッシュタグ"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("キャンペーン")
        verbose_name_plural = _("キャンペーン")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["is_published", "-starts_on"], name="campaign_featured")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("終了日は開始日より後の日付にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(min_amount__gt=0),
                name="campaign_min_amount_positive",
                violation_error_message=_("最低寄付額は1円以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(max_amount__gte=F("min_amount")),
                name="campaign_max_not_below_min",
                violation_error_message=_("最高寄付額は最低寄付額以上にしてください。"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    def days_left(self, today: datetime.date | None = None) -> int:
        """Days still open, counting today; 0 once the campaign has ended."""
        today = today or timezone.localdate()
        return max(0, (self.ends_on - today).days + 1)


class CampaignSection(models.Model):
    """One section of the campaign page, in the order staff give; some kinds add a component."""

    class Kind(models.TextChoices):
        STORY = "story", _("文章")
        PROGRAMS = "programs", _("プログラム紹介")
        TESTIMONIALS = "testimonials", _("参加者の声")
        MESSAGES = "messages", _("応援メッセージ")
        IMPACT = "impact", _("支援の目安と財源")
        BANK = "bank", _("銀行振込口座")
        SHARE = "share", _("SNSでシェア")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="sections", verbose_name=_("キャンペーン")
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices, default=Kind.STORY)
    heading = models.CharField(_("見出し"), max_length=200)
    subheading = models.CharField(_("小見出し"), max_length=200, blank=True)
    body = models.TextField(_("本文"), blank=True, help_text=_("空行で段落を分けます。"))
    quotes = models.TextField(_("引用"), blank=True, help_text=_("1行に1つの引用を書きます。"))
    closing = models.TextField(_("結びの文"), blank=True)
    show_give_one = models.BooleanField(_("後に Give One の案内を表示"), default=False)

    class Meta:
        verbose_name = _("セクション")
        verbose_name_plural = _("セクション")
        ordering = ["order", "id"]

    def __str__(self):
        return self.heading


class ImpactTier(models.Model):
    """A suggested amount with what it makes possible; also the choices of the donation form."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("キャンペーン")
    )
    amount = models.PositiveIntegerField(_("金額（円）"))
    impact = models.CharField(_("できること"), max_length=300)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("支援の目安")
        verbose_name_plural = _("支援の目安")
        ordering = ["order", "amount"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="tier_amount_positive",
                violation_error_message=_("金額は1円以上にしてください。"),
            ),
            models.UniqueConstraint(fields=["campaign", "amount"], name="tier_amount_unique"),
        ]

    def __str__(self):
        return f"¥{self.amount:,}"


class FundingSource(models.Model):
    """One slice of where the NPO's money comes from, drawn as a chart on the campaign page."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="funding_sources",
        verbose_name=_("キャンペーン"),
    )
    label = models.CharField(_("財源"), max_length=100)
    percent = models.PositiveSmallIntegerField(_("割合（%）"))
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("財源の内訳")
        verbose_name_plural = _("財源の内訳")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="funding_percent_at_most_100",
                violation_error_message=_("割合は100%%以下にしてください。"),
            )
        ]

    def __str__(self):
        return f"{self.label} {self.percent}%"


class Page(models.Model):
    """A standalone page staff write: legal notices, privacy policy, donation terms, other ways."""

    # Linked from the donation form, the campaign page and the footer by these slugs.
    REQUIRED_SLUGS = ("tokushoho", "privacy", "terms", "other-ways")

    slug = models.SlugField(_("スラッグ"), unique=True)
    title = models.CharField(_("タイトル"), max_length=200)
    body = models.TextField(
        _("本文"),
        help_text=_(
            "空行で段落を分けます。「## 」で始まる行は見出し、「- 」で始まる行は箇条書きです。"
        ),
    )
    show_in_footer = models.BooleanField(_("フッターにリンクを表示"), default=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("ページ")
        verbose_name_plural = _("ページ")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:page", kwargs={"slug": self.slug})


class SupportMessageQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=SupportMessage.Status.APPROVED)


class SupportMessage(models.Model):
    """A cheering message (応援メッセージ); shown only once staff approve it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("確認待ち")
        APPROVED = "approved", _("公開")
        REJECTED = "rejected", _("非公開")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="messages", verbose_name=_("キャンペーン")
    )
    display_name = models.CharField(_("表示名"), max_length=100)
    body = models.TextField(_("メッセージ"), max_length=2000)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("投稿日時"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)

    objects = SupportMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("応援メッセージ")
        verbose_name_plural = _("応援メッセージ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["campaign", "status", "-created_at"], name="message_listing"),
        ]

    def __str__(self):
        return f"{self.display_name}: {self.body[:30]}"

    @locked_transition
    def review(self, status):
        """Approve or reject; returns False when the message already had that status."""
        if self.status == status:
            return False
        self.status = status
        self.reviewed_at = timezone.now()
        self.save(update_fields=["status", "reviewed_at"])
        return True
