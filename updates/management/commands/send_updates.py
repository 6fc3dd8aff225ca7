"""`manage.py send_updates`: queue the sending again for every update with deliveries still
waiting: after a worker died mid-send (its task stays "running"), the rows it had not marked
sent are sent, and no one twice. Safe to run any time (e.g. from cron every hour)."""

from django.core.management.base import BaseCommand

from updates.models import Delivery
from updates.tasks import send_queued


class Command(BaseCommand):
    help = "Resume sending activity reports whose deliveries are still queued."

    def handle(self, *args, **options):
        waiting = (
            Delivery.objects.filter(status=Delivery.Status.QUEUED)
            .values_list("update_id", flat=True)
            .distinct()
        )
        for update_id in waiting:
            send_queued.enqueue(update_id)
        self.stdout.write(f"{len(waiting)} update(s) resumed")
