"""A receipt sent while the event worker applies an event about the same gift: both take the
gift's rows in one order (the donation, then its payment), so neither fails on a deadlock. Found
by bench/burst: the thank-you page recorded the payment and queued its receipt, then the webhook's
event for it reached the event worker while the receipt was being sent; PostgreSQL failed the
receipt task after the e-mail had gone, so the receipt was never marked sent."""

import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from donations import tasks
from donations.models import Payment
from tests.support import stripe_events as se
from tests.support.stripe_events import pending

pytestmark = pytest.mark.django_db(transaction=True)

sending = threading.Event()
event_waiting = threading.Event()


class MailWhileTheEventApplies(EmailBackend):
    """Sends only once the event worker's transaction waits for a row the task holds."""

    def send_messages(self, messages):
        sending.set()
        assert event_waiting.wait(30), "the event was never applied"
        return super().send_messages(messages)


def a_session_waits_for_a_row_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def in_thread(work, errors):
    def run():
        try:
            work()
        except Exception as error:  # the test reports it
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_receipt_sent_while_its_event_is_applied_again_is_marked_sent(
    client, campaign, settings, needs_postgresql
):
    donation = pending(campaign)
    completed = se.event("checkout.session.completed", se.checkout_session(donation))
    assert se.post_event(client, completed).status_code == 200
    payment = Payment.objects.get(donation=donation)
    settings.EMAIL_BACKEND = f"{__name__}.MailWhileTheEventApplies"
    sending.clear()
    event_waiting.clear()
    errors = []

    receipt = in_thread(lambda: tasks.send_receipt.call(payment.pk), errors)
    assert sending.wait(30)
    # The same gift's event applied again (a redelivery, or after the thank-you page).
    event = in_thread(
        lambda: Payment.objects.get(pk=payment.pk).succeed(amount=payment.amount), errors
    )
    for _ in range(3000):
        if a_session_waits_for_a_row_lock() or not event.is_alive():
            break
        time.sleep(0.01)
    event_waiting.set()
    receipt.join()
    event.join()

    assert errors == []
    assert len(mail.outbox) == 1
    payment.refresh_from_db()
    assert payment.receipt_sent_at is not None
