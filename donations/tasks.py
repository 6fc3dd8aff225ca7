"""E-mails to donors, sent by the task worker (`manage.py db_worker`) once the ledger change that
asked for them has committed; a failed send is retried with growing pauses (2 minutes doubling to
6 hours) for at least RETRY_FOR, so a mail outage of a long weekend loses no receipt."""

import datetime
import logging
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from campaigns.payment_methods import KONBINI_EXPIRES_AFTER_DAYS
from donations import manage_links, monthly_charges, receipts, thanks_links
from donations.models import Donation, Payment
from jii_campaign import kept_content
from jii_campaign.models import BankAccount
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
    organisation = kept_content.organisation()
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
    # EMAIL_TIMEOUT bounds how long the lock is held. The donation is locked first, in the order
    # of the ledger's transitions (locked_after), or this and the event worker deadlock.
    with transaction.atomic():
        Donation.objects.select_for_update(of=("self",)).filter(payments=payment_id).first()
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("donation__campaign")
            .get(pk=payment_id)
        )
        donation = payment.donation
        if payment.receipt_sent_at or not donation.donor_email:
            return
        donation.locale = donation.mail_choices().language  # sent whatever else was chosen
        context = {
            "payment": payment,
            "receipt_url": receipt_url(payment),
            "supporter_page_url": supporter_page_url(donation.locale),
        }
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
    if not _for_mail(donation):  # supporters who stay: a stopped address gets nothing
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


# --- the supporter page (donations/supporters/) ---------------------------------------------


@task()
def send_sign_in_link(email: str, url: str, locale: str, attempt: int = 1):
    """The sign-in link, to an address that gave at least once (nothing to other addresses: the
    page said the same either way)."""
    donation = Donation.objects.filter(donor_email__iexact=email.strip()).first()
    if donation is None:
        return
    donation.locale = locale
    try:
        _send("sign_in_link", donation, {"url": url, "email": email})
    except Exception:
        log.exception("Sign-in link not sent")
        _retry_later(send_sign_in_link, email, url, locale, attempt=attempt)


def supporter_page_url(locale: str) -> str:
    with translation.override(locale):
        return settings.SITE_URL + reverse("supporters:sign_in")


@task()
def send_gift_change_notice(donation_id: int, change: str, attempt: int = 1):
    """What the supporter just changed on their page ("paused", "resumed", "cancelled")."""
    donation = Donation.objects.select_related("campaign").get(pk=donation_id)
    if not donation.donor_email:
        return
    donation.locale = donation.mail_choices().language
    context = {
        "change": change,
        "page_url": supporter_page_url(donation.locale),
        "pause_ends_on": monthly_charges.pause_ends_on(donation),
    }
    try:
        _send("gift_changed", donation, context)
    except Exception:
        log.exception("Change notice for donation %s not sent", donation_id)
        _retry_later(send_gift_change_notice, donation_id, change, attempt=attempt)


# --- reminders of delayed payments (konbini, Stripe bank transfer) ---------------------------


@task()
def send_payment_reminder(donation_id: int, attempt: int = 1):
    """A konbini slip about to expire, or a transfer not yet made: where the instructions are.
    Nothing once the money has come (or the slip expired) since the reminder was claimed."""
    donation = Donation.objects.select_related("campaign").get(pk=donation_id)
    if donation.status != Donation.Status.AWAITING_PAYMENT or not donation.donor_email:
        return
    context = {
        "instructions_url": thanks_links.thanks_url(donation),
        "expires_on": timezone.localtime(donation.created_at).date()
        + datetime.timedelta(days=KONBINI_EXPIRES_AFTER_DAYS),
    }
    try:
        _send("payment_reminder", donation, context)
    except Exception:
        log.exception("Payment reminder for donation %s not sent", donation_id)
        _retry_later(send_payment_reminder, donation_id, attempt=attempt)


# --- supporters who stay: the welcome, the reminders, the goodbye -----------------------------
# Each is about the supporter's own gift (transactional: no consent needed), in the language
# they chose for e-mails, never to an address whose mail was stopped, and sent once: the mark
# is set under the row lock before the task returns, and a duplicated task finds it set.


def schedule_welcome(donation: Donation):
    if not donation.welcome_sent_at:
        send_welcome.enqueue(donation.pk)


def schedule_retry_reminder(payment: Payment, *, before: datetime.datetime):
    """The second reminder, due a day before Stripe's retry (`next_payment_attempt`)."""
    if payment.reminder_sent_at:
        return
    due = payment.next_payment_attempt.isoformat()
    send_retry_reminder.using(run_after=max(before, timezone.now())).enqueue(payment.pk, due)


def schedule_goodbye(donation: Donation):
    if not donation.goodbye_sent_at:
        send_goodbye.enqueue(donation.pk)


def schedule_card_expiry_reminder(donation: Donation, card_key: str):
    if donation.card_expiry_reminded_for != card_key:
        send_card_expiry_reminder.enqueue(donation.pk, card_key)


def _for_mail(donation: Donation) -> bool:
    """Whether to write to the gift's supporter at all; if so, the donation (in memory: the
    row keeps the language they gave in) now speaks their language of e-mails. One read of
    their preferences per mail."""
    choices = donation.mail_choices()
    donation.locale = choices.language
    return choices.allowed


def give_again_url(donation: Donation) -> str:
    with translation.override(donation.locale):
        path = reverse("donations:start")
    query = urlencode({"campaign": donation.campaign.slug, "frequency": "monthly"})
    return f"{settings.SITE_URL}{path}?{query}"


def impact_of(donation: Donation):
    """The campaign's impact tier this monthly amount reaches: the largest tier not above it."""
    return donation.campaign.tiers.filter(amount__lte=donation.amount).order_by("-amount").first()


def _mail_once(task_function, donation_id, *args, attempt, template, due, context, mark):
    """A once-only mail about a monthly gift. The donation's row stays locked from the check to
    the mark, so a duplicated task waits, then finds it sent; `due(donation)` says whether it is
    still wanted, `context(donation)` what the template needs, `mark(donation)` records it."""
    with transaction.atomic():
        donation = (
            Donation.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .get(pk=donation_id)
        )
        if not due(donation) or not _for_mail(donation):
            return
        try:
            _send(template, donation, context(donation))
        except Exception:
            log.exception("The %s mail of donation %s not sent", template, donation_id)
            _retry_later(task_function, donation_id, *args, attempt=attempt)
            return
        mark(donation)


def _welcome_context(donation):
    tier = impact_of(donation)
    with translation.override(donation.locale):
        impact = tier.impact if tier else ""  # a translated field, in the mail's language
    return {"impact": impact, "manage_url": manage_links.manage_url(donation)}


@task()
def send_welcome(donation_id: int, attempt: int = 1):
    _mail_once(
        send_welcome,
        donation_id,
        attempt=attempt,
        template="welcome",
        due=lambda donation: not donation.welcome_sent_at,
        context=_welcome_context,
        mark=Donation.mark_welcome_sent,
    )


@task()
def send_retry_reminder(payment_id: int, due: str, attempt: int = 1):
    """Sent only while the payment is still missing and Stripe's next retry is still the one it
    was timed for (a newer failure reschedules it), and only once."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("donation__campaign")
            .get(pk=payment_id)
        )
        donation = payment.donation
        planned = payment.next_payment_attempt and payment.next_payment_attempt.isoformat()
        if payment.reminder_sent_at or planned != due or not payment.still_failing():
            return
        if not _for_mail(donation):
            return
        context = {
            "payment": payment,
            "next_attempt": timezone.localdate(payment.next_payment_attempt),
            "card_update_url": manage_links.card_update_url(donation),
            "manage_url": manage_links.manage_url(donation),
        }
        try:
            _send("retry_reminder", donation, context)
        except Exception:
            log.exception("Retry reminder for payment %s not sent", payment_id)
            _retry_later(send_retry_reminder, payment_id, due, attempt=attempt)
            return
        payment.mark_reminder_sent()


@task()
def send_goodbye(donation_id: int, attempt: int = 1):
    _mail_once(
        send_goodbye,
        donation_id,
        attempt=attempt,
        template="goodbye",
        # Not if it was paid after all (an unpaid subscription's invoice can still be paid).
        due=lambda donation: (
            not donation.goodbye_sent_at
            and donation.status in (Donation.Status.PAST_DUE, Donation.Status.CANCELED)
        ),
        context=lambda donation: {"give_again_url": give_again_url(donation)},
        mark=Donation.mark_goodbye_sent,
    )


@task()
def send_card_expiry_reminder(donation_id: int, card_key: str, attempt: int = 1):
    _mail_once(
        send_card_expiry_reminder,
        donation_id,
        card_key,
        attempt=attempt,
        template="card_expiring",
        # Not once reminded, nor when a new card came in since, nor for a gift that ended.
        due=lambda donation: (
            donation.card_expiry_reminded_for != card_key
            and donation.card_key() == card_key
            and donation.status == Donation.Status.ACTIVE
        ),
        context=lambda donation: {"card_update_url": manage_links.card_update_url(donation)},
        mark=lambda donation: donation.mark_card_expiry_reminded(card_key),
    )
