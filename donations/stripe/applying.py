"""Applying recorded Stripe events to the ledger (the event worker, `manage.py
apply_stripe_events`): in batches, one transaction each, the paid one-time gifts of a batch
together (`paid_sessions`), a failing event retried alone, by its handler, after a growing
pause."""

import datetime
import logging

from django.db import InterfaceError, OperationalError

from donations.models import CampaignProgress, StripeEvent
from donations.stripe.handlers import HANDLERS
from donations.stripe.paid_sessions import apply_paid_sessions
from donations.stripe.recording import record_event
from jii_campaign.retrying import doubling_pause

log = logging.getLogger(__name__)


def process_event(event: dict) -> bool:
    """Record and apply one event now, in one transaction; False when it had been applied
    before, or is held for its API version. Anything a handler raises is a bug of ours and
    propagates, rolling the event back."""
    with CampaignProgress.deferred():
        record_event(event)
        record = StripeEvent.objects.select_for_update().get(event_id=event["id"])
        if record.processed_at or record.held:
            return False
        _apply(record)
        StripeEvent.mark_applied([record])
    return True


# Large enough that a burst costs few commits and counter updates; small enough that the
# thank-you page of a gift in the batch waits for its commit a fraction of a second at most.
BATCH_SIZE = 100


def apply_due_events(batch_size=BATCH_SIZE, *, pk=None) -> tuple[int, int]:
    """Apply the oldest recorded events that are due, up to `batch_size` in one transaction (one
    commit and one counter update for them all); how many were tried and how many applied, (0, 0)
    when none is due. Several appliers may run: each skips the rows another holds.

    If one fails, the batch is rolled back and its events are applied one per transaction, each
    by its handler, so that only the failing one waits, to be tried again after a growing
    pause."""
    due = StripeEvent.objects.due()
    if pk is not None:
        due = due.filter(pk=pk)
    claimed = []
    try:
        with CampaignProgress.deferred():
            claimed = list(due.select_for_update(skip_locked=True)[:batch_size])
            # Alone, an event is applied by its handler: the reference, should the batch's
            # way of applying it be what fails.
            for record in apply_paid_sessions(claimed) if pk is None else claimed:
                _apply(record)
            StripeEvent.mark_applied(claimed)
        return len(claimed), len(claimed)
    except (OperationalError, InterfaceError):
        raise  # the database is away: nothing can be noted; the events stay queued
    except Exception as error:
        if not claimed:
            raise
        if len(claimed) == 1:
            # A bug of ours, or data we did not foresee: the traceback goes to the log (whose
            # formatter redacts personal data), the event waits, and the others go on.
            failed = claimed[0]
            log.exception("Stripe event %s (%s) failed to apply", failed.event_id, failed.type)
            failed.note_failure(error, retry_pause(failed.attempts + 1))
            return 1, 0
    applied = sum(apply_due_events(1, pk=record.pk)[1] for record in claimed)
    return len(claimed), applied


def retry_pause(attempt: int) -> datetime.timedelta:
    """After failed attempt number `attempt`: 10 s, doubling up to an hour (a fix is deployed
    within that, and the event applies on its own)."""
    return doubling_pause(attempt, datetime.timedelta(seconds=10), MAX_RETRY_PAUSE)


MAX_RETRY_PAUSE = datetime.timedelta(hours=1)


def _apply(record: StripeEvent):
    """Apply a locked, recorded event (the counters change at the end of the enclosing
    CampaignProgress.deferred transaction)."""
    if handler := HANDLERS.get(record.type):
        handler(record.payload["data"]["object"], record.created)
