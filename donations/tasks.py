"""E-mails to donors, sent by the task worker (`manage.py db_worker`) once the ledger change that
asked for them has committed; a failed send is retried with growing pauses (2 minutes doubling to
6 hours) for at least RETRY_FOR, so a mail outage of a long weekend loses no receipt."""

import datetime
import logging
from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from donations import manage_links, receipts
from donations.models import Donation, Payment
from jii_campaign.models import BankAccount, Organisation
from jii_campaign.retrying import doubling_pause

log = logging.getLogger(__name__)

RETRY_FOR = datetime.timedelta(days=3)
LONGEST_PAUSE = datetime.timedelta(hours=6)


def retry_pause(attempt: int) -> datetime.timedelta:
    """How long to wait after failed attempt number `attempt` (1, 2, ...)."""
    return doubling_pause(attempt, datetime.timedelta(minutes=2), LONGEST_PAUSE)


def schedule_receipt(payment: Payment):
    # The database task backend writes the task row in the current transaction: the worker
    # sees it only once the payment is committed, and never if it rolls back.
    send_receipt.enqueue(payment.pk)


def receipt_url(payment: Payment) -> str:
    """The signed address of the payment's PDF receipt, in the donor's language."""
    with translation.override(payment.donation.locale):
        path = reverse("donations:receipt", args=[receipts.payment_link_token(payment)])
    return settings.SITE_URL + path


def schedule_failure_notice(payment: Payment):
    send_failure_notice.enqueue(payment.pk)


def _retry_later(task_function, *args, attempt):
    waited = sum((retry_pause(n) for n in range(1, attempt)), datetime.timedelta())
    if waited >= RETRY_FOR:
        # The arguments may hold an e-mail address: the task's name and attempts say enough.
        log.error("Giving up %s after %d attempts over %s", task_function.name, attempt, waited)
        return
    pause = retry_pause(attempt)
    task_function.using(run_after=timezone.now() + pause).enqueue(*args, attempt=attempt + 1)


def _send(template, donation: Donation, context: dict):
    organisation = Organisation.current()
    context = {"donation": donation, "organisation": organisation, **context}
    with translation.override(donation.locale):
        subject = render_to_string(f"donations/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"donations/email/{template}.txt", context)
        sender = _sender(organisation.short_name)
    send_mail(subject, body, sender, [donation.donor_email])


def _sender(name):
    """DEFAULT_FROM_EMAIL's address under the organisation's name in the donor's language."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if not (name and address):
        return settings.DEFAULT_FROM_EMAIL
    return str(Address(display_name=name, addr_spec=address))


@task()
def send_receipt(payment_id: int, attempt: int = 1):
    # The payment's row stays locked from the check to the mark: a second worker running the same
    # (duplicated or retried) task waits, then sees the receipt sent and sends nothing.
    # EMAIL_TIMEOUT bounds how long the lock is held.
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("donation__campaign")
            .get(pk=payment_id)
        )
        donation = payment.donation
        if payment.receipt_sent_at or not donation.donor_email:
            return
        context = {"payment": payment, "receipt_url": receipt_url(payment)}
        if donation.is_monthly:
            context["manage_url"] = manage_links.manage_url(donation)
        try:
            _send("receipt", donation, context)
        except Exception:
            log.exception("Receipt for payment %s not sent", payment_id)
            _retry_later(send_receipt, payment_id, attempt=attempt)
            return
        payment.mark_receipt_sent()


@task()
def send_failure_notice(payment_id: int, attempt: int = 1):
    payment = Payment.objects.select_related("donation__campaign").get(pk=payment_id)
    donation = payment.donation
    if payment.failure_notice_sent_at or not donation.donor_email:
        return
    try:
        _send(
            "payment_failed",
            donation,
            {
                "payment": payment,
                "manage_url": manage_links.manage_url(donation),
                "card_update_url": manage_links.card_update_url(donation),
            },
        )
    except Exception:
        log.exception("Failure notice for payment %s not sent", payment_id)
        _retry_later(send_failure_notice, payment_id, attempt=attempt)
        return
    payment.mark_failure_notice_sent()


@task()
def send_manage_links(email: str, locale: str, attempt: int = 1):
    """Links to manage each monthly donation made with this address (nothing when none)."""
    donations = list(Donation.objects.manageable_by(email))
    if not donations:
        return
    context = {"links": [(d, manage_links.manage_url(d)) for d in donations]}
    donation = donations[0]
    donation.locale = locale
    try:
        _send("manage_links", donation, context)
    except Exception:
        log.exception("Manage links not sent")
        _retry_later(send_manage_links, email, locale, attempt=attempt)


@task()
def send_transfer_instructions(donation_id: int, attempt: int = 1):
    """The pledge's reference code and the account to transfer to."""
    donation = Donation.objects.select_related("campaign").get(pk=donation_id)
    if not donation.donor_email:
        return
    accounts = list(BankAccount.objects.filter(is_active=True))
    try:
        _send("transfer_pledge", donation, {"accounts": accounts})
    except Exception:
        log.exception("Transfer instructions for donation %s not sent", donation_id)
        _retry_later(send_transfer_instructions, donation_id, attempt=attempt)
