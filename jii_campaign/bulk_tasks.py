"""Queueing one task for many arguments in one INSERT. The database task backend
(django-tasks-db) writes a row per `enqueue`, which was most of what applying a batch of
payments cost; these rows are the ones `enqueue` writes (tests/site/test_bulk_tasks.py
compares them), written in the caller's transaction like theirs."""

from django.db.models.signals import pre_save
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


def enqueue_many(task, arguments: list[tuple]):
    """`task.enqueue(*args)` for each tuple of `arguments`; one at a time on another backend."""
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for args in arguments:
            task.enqueue(*args)
        return
    backend.validate_task(task)
    rows = [
        DBTaskResult(
            id=backend._get_id(),
            args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=backend.alias,
        )
        for args in arguments
    ]
    for row in rows:  # as `save()` would (the backend fills in `run_after` there)
        pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=None, update_fields=None)
    DBTaskResult.objects.bulk_create(rows)
