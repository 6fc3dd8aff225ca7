"""Each mail about a gift reads the supporter's choices (may we write, in which language, under
which name) once, in one normalised form of the address: an address written with capitals or
spaces is the same supporter, with the same choices."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.models import SupporterPreference
from tests.support.failed_payments import failed_invoice, monthly_supporter
from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import deliver, small_campaign

pytestmark = pytest.mark.django_db(transaction=True)


def preference_reads(queries):
    return [q for q in queries if 'from "donations_supporterpreference"' in q["sql"].lower()]


def test_the_failure_notice_reads_the_supporters_choices_once(client):
    donation, session = monthly_supporter(client, small_campaign())
    run_task_worker()
    SupporterPreference.objects.create(email="hanako@example.jp", language="en")
    invoice = failed_invoice(donation, session, invoice_id="in_once", attempt=1)

    deliver(client, "invoice.payment_failed", invoice)
    with CaptureQueriesContext(connection) as captured:
        run_task_worker()

    [notice] = [m for m in mail.outbox if "couldn’t process" in m.subject]
    assert notice.to == ["hanako@example.jp"]
    assert len(preference_reads(captured.captured_queries)) == 1


def test_an_address_written_with_capitals_and_spaces_gets_the_language_its_supporter_chose(
    client,
):
    donation, session = monthly_supporter(client, small_campaign())
    run_task_worker()
    donation.donor_email = " Hanako@Example.JP "  # as a gift recorded by staff may hold it
    donation.save(update_fields=["donor_email"])
    SupporterPreference.objects.create(email="hanako@example.jp", language="en")
    mail.outbox.clear()

    invoice = failed_invoice(donation, session, invoice_id="in_capitals", attempt=1)
    deliver(client, "invoice.payment_failed", invoice)
    run_task_worker()

    [notice] = mail.outbox
    assert "couldn’t process" in notice.subject
