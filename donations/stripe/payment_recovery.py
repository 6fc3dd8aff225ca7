"""Failed monthly payments recovered: each failed try Stripe reports (`invoice.payment_failed`)
is noted with its attempt number and Stripe's next retry; why the card was declined is asked of
Stripe afterwards, in a task (never inside the event worker's transaction); the second reminder
is timed so that it goes before Stripe's last retry; after the last failure, the goodbye.

The second reminder's rule (docs/stripe.md, "Failed payments recovered"). Stripe's retry policy
is set in its Dashboard: at most RETRY_ATTEMPTS tries in all (Smart Retries' recommended 8 within
2 weeks; whether Stripe counts the first charge among them or not, the try numbered
RETRY_ATTEMPTS comes no later than the last). Each failed try's invoice carries `attempt_count`
and `next_payment_attempt` (null after the last try). The reminder is queued for a day before
the first next retry that

- may be the last one by its number (`attempt_count + 1 >= RETRY_ATTEMPTS`), or
- falls in the later part of the window (at least REMINDER_NOT_BEFORE after the invoice began),

or at once when that is less than a day away. It goes once (`Payment.reminder_sent_at`), and
only while that retry is still the next one: the retry it was timed for has not happened when it
goes, so it is before the last. When Stripe stops early (a hard decline, or Smart Retries giving
up before the last number), no retry is left to remind of: the goodbye says how to come back."""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from donations import tasks
from donations.models import Payment, StripeEvent
from donations.stripe import gateway, lookup
from jii_campaign.retrying import doubling_pause

log = logging.getLogger(__name__)

RETRY_ATTEMPTS = 8  # the Dashboard's retry policy (Billing → Revenue recovery → Retries)
REMINDER_NOT_BEFORE = datetime.timedelta(days=5)
REMINDER_AHEAD = datetime.timedelta(days=1)
# Asking Stripe why, when it does not answer: then staff read "no reason given".
DECLINE_TRIES = 5
DECLINE_FIRST_PAUSE = datetime.timedelta(minutes=1)
DECLINE_LONGEST_PAUSE = datetime.timedelta(hours=1)


def second_reminder_time(*, began, attempt_count, next_attempt) -> datetime.datetime | None:
    """When the second reminder goes for a failed try with this next retry; None when it waits
    for a later try (or there is no retry left)."""
    if next_attempt is None:
        return None
    may_be_last = attempt_count + 1 >= RETRY_ATTEMPTS
    late_in_window = next_attempt - began >= REMINDER_NOT_BEFORE
    if not (may_be_last or late_in_window):
        return None
    return next_attempt - REMINDER_AHEAD


def follow_failed_attempt(payment, invoice):
    """Each failed try: its number and Stripe's next retry, the decline reason (asked in a
    task), and the second reminder timed from that retry."""
    next_attempt = invoice.get("next_payment_attempt")
    next_at = StripeEvent.stripe_time(next_attempt) if next_attempt else None
    attempt_count = invoice.get("attempt_count") or 1
    if not payment.note_attempt(attempt_count=attempt_count, next_payment_attempt=next_at):
        return
    # The database task backend writes this row in the event's transaction: the worker sees
    # it once the failure is committed, and Stripe is asked outside that transaction.
    learn_decline.enqueue(payment.pk, invoice["id"])
    began = StripeEvent.stripe_time(invoice["created"]) if invoice.get("created") else None
    reminder_at = second_reminder_time(
        began=began or payment.created_at, attempt_count=attempt_count, next_attempt=next_at
    )
    if reminder_at is not None:
        tasks.schedule_retry_reminder(payment, before=reminder_at)


@task()
def learn_decline(payment_id: int, invoice_id: str, attempt: int = 1):
    """The decline code and the card, which the invoice's event does not carry. Best effort:
    without them the notice still goes and staff read "no reason given"."""
    if not gateway.is_configured():
        return
    try:
        error = gateway.invoice_payment_error(invoice_id)
    except gateway.GatewayUnavailable:
        if attempt < DECLINE_TRIES:
            pause = doubling_pause(attempt, DECLINE_FIRST_PAUSE, DECLINE_LONGEST_PAUSE)
            learn_decline.using(run_after=timezone.now() + pause).enqueue(
                payment_id, invoice_id, attempt=attempt + 1
            )
        else:
            log.warning("The decline of payment %s stays unknown", payment_id)
        return
    if not error:
        return
    payment = Payment.objects.select_related("donation").get(pk=payment_id)
    payment.note_failure_code(error.get("decline_code") or error.get("code") or "")
    lookup.note_card(payment.donation, error.get("payment_method"))


def say_goodbye_if_unpaid(donation, subscription):
    """After the last failed retry the subscription ends unpaid, or is cancelled for non-payment
    (Stripe's setting for what follows the retries): a calm goodbye with a way back."""
    reason = (subscription.get("cancellation_details") or {}).get("reason")
    status = subscription.get("status")
    if status == "unpaid" or (status == "canceled" and reason == "payment_failed"):
        tasks.schedule_goodbye(donation)
