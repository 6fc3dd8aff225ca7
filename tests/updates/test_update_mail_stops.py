"""The e-mail service reports a bounce or a complaint through its tracking webhook (anymail's own
view, authenticated as the service does): no update goes to that address again, and staff see
why. A request without the credentials changes nothing."""

import base64
import json

import pytest
from django.core import mail

from donations.models import SupporterPreference
from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import small_campaign
from tests.support.html_checks import https_client
from tests.support.update_factories import organisation, supporter, update
from updates import sending
from updates.models import Update

pytestmark = pytest.mark.django_db(transaction=True)

WEBHOOK = "/anymail/postmark/tracking/"
CREDENTIALS = "postmark-hook:s3cret-for-tests"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": CREDENTIALS}


def postmark(record, credentials=CREDENTIALS):
    """A Postmark webhook POST (https://postmarkapp.com/developer/webhooks), with the basic auth
    credentials set in Postmark's webhook URL."""
    auth = base64.b64encode(credentials.encode()).decode()
    return https_client().post(
        WEBHOOK,
        data=json.dumps(record),
        content_type="application/json",
        headers={"Authorization": f"Basic {auth}"},
    )


def hard_bounce(email):
    return {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "MessageStream": "outbound",
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "info@example.org",
        "BouncedAt": "2026-12-07T05:00:00Z",
        "Inactive": True,
        "CanActivate": True,
        "Subject": "活動報告",
        "Metadata": {},
    }


def spam_complaint(email):
    return {
        **hard_bounce(email),
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
    }


@pytest.fixture
def two_supporters():
    organisation()
    campaign = small_campaign()
    supporter("bounces@example.jp", campaign)
    supporter("fine@example.jp", campaign)
    return campaign


@pytest.mark.parametrize(
    ("record", "stopped_as"), [(hard_bounce, "bounced"), (spam_complaint, "complained")]
)
def test_a_bounce_or_complaint_stops_updates_to_that_address(two_supporters, record, stopped_as):
    assert postmark(record("Bounces@Example.jp")).status_code == 200

    stopped = SupporterPreference.objects.get(email="bounces@example.jp")
    assert stopped.mail_stopped_at is not None
    assert stopped.mail_stopped_reason == f"{stopped_as} (Postmark)"
    sending.queue(update(two_supporters), Update.Audience.CONSENTING)
    run_task_worker()
    assert [message.to for message in mail.outbox] == [["fine@example.jp"]]


def test_a_webhook_without_the_credentials_changes_nothing(two_supporters):
    response = postmark(hard_bounce("bounces@example.jp"), credentials="someone:guessing")
    assert response.status_code in (400, 401, 403)
    assert SupporterPreference.objects.get(email="bounces@example.jp").mail_stopped_at is None


def test_without_a_secret_the_webhook_answers_nobody(two_supporters, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": None}
    assert postmark(hard_bounce("bounces@example.jp")).status_code == 404
    assert SupporterPreference.objects.get(email="bounces@example.jp").mail_stopped_at is None
