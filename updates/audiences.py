"""Who receives an update: only addresses that agreed (特定電子メール法) and whose mail was not
stopped (a bounce or a complaint), narrowed to monthly supporters or one campaign's donors."""

from django.db.models.functions import Lower

from donations.models import Donation, SupporterPreference

# A monthly supporter is one whose monthly gift is still running.
MONTHLY_RUNNING = [Donation.Status.ACTIVE, Donation.Status.PAST_DUE]
# A donor of a campaign is one whose money arrived (and was not given back).
GAVE = [Donation.Status.SUCCEEDED, Donation.Status.ACTIVE, Donation.Status.PAST_DUE]


def reachable():
    """Addresses that agreed to updates and still receive mail (lower-cased)."""
    return SupporterPreference.objects.filter(updates_consent=True, mail_stopped_at__isnull=True)


def recipients(audience: str, campaign=None) -> list[str]:
    """The lower-cased addresses of an audience (`Update.Audience`), sorted."""
    from updates.models import Update

    emails = reachable().values_list("email", flat=True)
    if audience == Update.Audience.MONTHLY:
        emails = emails.filter(
            email__in=_donor_emails(
                frequency=Donation.Frequency.MONTHLY, status__in=MONTHLY_RUNNING
            )
        )
    elif audience == Update.Audience.CAMPAIGN:
        if campaign is None:
            return []
        emails = emails.filter(email__in=_donor_emails(campaign=campaign, status__in=GAVE))
    elif audience != Update.Audience.CONSENTING:
        raise ValueError(f"Unknown audience {audience!r}")
    return sorted(emails)


def _donor_emails(**conditions):
    return (
        Donation.objects.filter(**conditions)
        .exclude(donor_email="")
        .annotate(address=Lower("donor_email"))
        .values("address")
    )


def languages_of(emails) -> dict[str, str]:
    """Each lower-cased address's language of e-mails: the one chosen, else that of the last
    gift, else Japanese. Two queries, whatever the number of addresses."""
    chosen = dict(
        SupporterPreference.objects.filter(email__in=emails)
        .exclude(language="")
        .values_list("email", "language")
    )
    last_gift = {}
    for email, locale in (
        Donation.objects.annotate(address=Lower("donor_email"))
        .filter(address__in=[email for email in emails if email not in chosen])
        .order_by("address", "-created_at", "-id")
        .values_list("address", "locale")
    ):
        last_gift.setdefault(email, locale)
    return {email: chosen.get(email) or last_gift.get(email) or "ja" for email in emails}
