"""`SupporterPreference`: what one supporter (one e-mail address) chose about the mail we send:
活動報告 (updates) or not, and since when; the language of e-mails; the name on receipts; and
whether mail to the address was stopped (a bounce or a complaint). Receipts and payment notices
are transactional and go out whatever the consent; updates need it (特定電子メール法)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jii_campaign.languages import offered


def mail_language_choices():
    """Every language the site offers (settings.LANGUAGES), each named in its own script."""
    return [(language["code"], language["name"]) for language in offered()]


def normalized_email(email: str | None) -> str:
    """The one form an address is stored and looked up in: stripped, lower-cased."""
    return (email or "").strip().lower()


class SupporterPreferenceQuerySet(models.QuerySet):
    def of(self, email: str):
        """The preference row of an address (case-insensitive), made on first use."""
        preference, _created = self.get_or_create(email=normalized_email(email))
        return preference

    def read(self, email: str | None):
        """The address's preferences, read only: an unsaved row of the defaults when it has
        none (one query; nothing is written)."""
        email = normalized_email(email)
        return (email and self.filter(email=email).first()) or self.model(email=email)


class SupporterPreference(models.Model):
    email = models.EmailField(_("E-mail"), unique=True)  # stored lower-cased
    updates_consent = models.BooleanField(_("Receives activity reports"), default=False)
    updates_consent_changed_at = models.DateTimeField(
        _("Consent to updates last changed"), null=True, blank=True
    )
    language = models.CharField(
        _("Language of e-mails"),
        max_length=10,
        blank=True,
        help_text=_("Empty: the language the supporter gave in."),
    )
    receipt_name = models.CharField(
        _("Name on receipts"),
        max_length=100,
        blank=True,
        help_text=_("Empty: the name given with the gift."),
    )
    # The last time a sign-in link opened the supporter's page: a link made before it no longer
    # opens anything, which makes each link single-use (donations/supporters/sign_in.py).
    signed_in_at = models.DateTimeField(_("Last signed in"), null=True, blank=True)
    mail_stopped_at = models.DateTimeField(_("Mail stopped"), null=True, blank=True)
    mail_stopped_reason = models.CharField(_("Why mail stopped"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = SupporterPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("Supporter's preferences")
        verbose_name_plural = _("Supporters' preferences")

    def __str__(self):
        return self.email

    @property
    def mail_stopped(self) -> bool:
        return self.mail_stopped_at is not None
