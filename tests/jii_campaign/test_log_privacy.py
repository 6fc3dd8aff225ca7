"""Nothing personal or secret reaches the logs: during a donation, a Stripe failure, a manage
request, a manage link, a refused webhook and a failed receipt, the site's log output carries no
e-mail address, name, manage-link token, Stripe secret or card number."""

import io
import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from donations import manage_links
from jii_campaign.log_redaction import RedactingFilter, redact
from tests.support import stripe_events as se
from tests.support.fake_stripe import (
    confirm_and_pay,
    donation_form,
    run_task_worker,
)
from tests.support.gifts import giving_campaign
from tests.support.monthly_donors import links_in, monthly

pytestmark = pytest.mark.django_db(transaction=True)
EMAIL = "hanako.yamada@example.jp"
NAME = "山田 花子"


class RecipientRefused(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"mailbox unavailable")})


@pytest.fixture
def campaign(db):
    """A small published campaign whose form offers 3,000 and 10,000 yen."""
    return giving_campaign()


@pytest.fixture
def site_log():
    """What the site's configured log handler (settings.LOGGING) writes."""
    [handler] = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactingFilter) for f in h.filters)
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_day_of_donations_leaves_nothing_personal_in_the_log(
    client, campaign, fake_stripe, settings, site_log
):
    gift = donation_form(campaign, donor_email=EMAIL, donor_name=NAME, frequency="monthly")
    fake_stripe.fail_next(500, times=3)
    confirm_and_pay(client, gift)  # Stripe failing: logged
    response, _ = confirm_and_pay(client, gift)
    assert response.status_code == 303

    donation = monthly(campaign, email=EMAIL, donor_name=NAME)
    client.post("/donate/manage/", {"email": EMAIL})
    run_task_worker()
    [link] = links_in(mail.outbox[-1])
    token = manage_links.manage_url(donation).split("token=")[1]
    client.get(link)
    client.get(f"/donate/manage/{token}/")  # an old-style link, retired: a 410 is logged
    client.post(se.WEBHOOK_PATH, b"{}", content_type="application/json")  # refused: logged

    settings.EMAIL_BACKEND = f"{__name__}.RecipientRefused"
    once = se.pending(campaign)
    once.donor_email, once.donor_name = EMAIL, NAME
    once.save()
    se.post_event(client, se.event("checkout.session.completed", se.checkout_session(once)))
    logging.getLogger("donations").warning("keys %s %s", settings.STRIPE_SECRET_KEY, "whsec_abc")
    logging.getLogger("donations").warning("card 4242 4242 4242 4242")
    run_task_worker()

    log = site_log.getvalue()
    assert "Bad Request" in log and "not sent" in log  # the log does say what happened
    assert "SMTPRecipientsRefused" in log and "***@example.jp" in log
    for secret in [EMAIL, NAME, "hanako.yamada", token, "sk_test_x", "whsec_abc", "4242 4242"]:
        assert secret not in log


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("to hanako@example.jp failed", "to ***@example.jp failed"),
        ("GET /en/donate/manage/17:1vXs:abc/ 400", "GET /en/donate/manage/[token]/ 400"),
        (
            "GET /donate/manage/open/?token=17:1v:abc&x=1",
            "GET /donate/manage/open/?token=[token]&x=1",
        ),
        ("GET /donate/manage/ 200", "GET /donate/manage/ 200"),
        ("card 4242-4242-4242-4242 ok", "card [number] ok"),
        ("payment 12345 of ¥3000 at 1795696068", "payment 12345 of ¥3000 at 1795696068"),
    ],
)
def test_what_is_redacted_and_what_is_kept(text, expected):
    assert redact(text) == expected
