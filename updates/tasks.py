"""The task worker's side of sending updates (`manage.py db_worker`)."""

from django_tasks import task

from updates import emails, sending
from updates.models import Update


@task()
def send_queued(update_id: int):
    """One minute's worth of the update's deliveries, then the next batch a minute later."""
    sending.send_batch(update_id)
    due = sending.next_run(update_id)
    if due is not None:
        send_queued.using(run_after=due).enqueue(update_id)


@task()
def send_test(update_id: int, email: str, language: str):
    """The update as a supporter would receive it, to the member of staff who asked."""
    update = Update.objects.get(pk=update_id)
    emails.message(update, email, language, test=True).send()
