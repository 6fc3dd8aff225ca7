"""Small factories for activity reports: supporters (a preference and the gifts behind it) and
an update, made for one test alone."""

import itertools
import uuid

from django.utils import timezone

from donations.models import Donation, SupporterPreference
from jii_campaign.models import Organisation
from updates.models import Update

_numbers = itertools.count(1)


def organisation() -> Organisation:
    return Organisation.objects.create(
        name="特定非営利活動法人テスト協会",
        short_name="テスト協会",
        email="info@example.org",
        address="東京都新宿区西新宿1-2-3",
        contact_url="https://example.org/contact/",
    )


def supporter(
    email,
    campaign,
    *,
    consent=True,
    monthly=False,
    status=None,
    locale="ja",
    language="",
    stopped=False,
):
    """A gift by `email` to `campaign` (a running monthly gift or a received one-time gift) and
    the address's preference."""
    Donation.objects.create(
        campaign=campaign,
        frequency=Donation.Frequency.MONTHLY if monthly else Donation.Frequency.ONCE,
        status=status or (Donation.Status.ACTIVE if monthly else Donation.Status.SUCCEEDED),
        amount=3000,
        donor_name="支援 者",
        donor_email=email,
        locale=locale,
        checkout_token=uuid.uuid4(),
    )
    preference = SupporterPreference.objects.of(email)
    preference.updates_consent = consent
    preference.language = language
    if stopped:
        preference.mail_stopped_at = timezone.now()
        preference.mail_stopped_reason = "bounced"
    preference.save()
    return preference


def update(campaign=None, *, published=True, **fields) -> Update:
    number = next(_numbers)
    values = {
        "slug": f"report-{number}",
        "title_ja": f"活動報告 その{number}",
        "title_en": f"Activity report {number}",
        "body_ja": "日本語教室を開きました。\n\n二十人が参加しました。",
        "body_en": "We opened a Japanese class.\n\nTwenty people came.",
        "campaign": campaign,
        "published_at": timezone.now() if published else None,
        **fields,
    }
    return Update.objects.create(**values)
