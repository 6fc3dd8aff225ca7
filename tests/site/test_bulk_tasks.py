"""Tasks queued in bulk are the rows django-tasks-db's own `enqueue` writes: the task worker
runs them alike (a dependency upgrade that changes its rows fails here)."""

import pytest
from django.forms.models import model_to_dict
from django_tasks_db.models import DBTaskResult

from donations.tasks import send_receipt
from jii_campaign.bulk_tasks import enqueue_many

pytestmark = pytest.mark.django_db


def test_tasks_queued_in_bulk_are_the_rows_enqueue_writes():
    send_receipt.enqueue(41)
    enqueue_many(send_receipt, [(41,), (42,)])

    rows = [
        model_to_dict(row, exclude=["id", "enqueued_at"])
        for row in DBTaskResult.objects.order_by("enqueued_at")
    ]
    assert rows[0] == rows[1]
    assert [row.task_result.args for row in DBTaskResult.objects.all()] == [[41], [41], [42]]
    assert all(row.task_result.task.func is send_receipt.func for row in DBTaskResult.objects.all())
