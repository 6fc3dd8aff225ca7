import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from donations.models import StripeEvent
from donations.personal_data import scrubbed

BATCH_SIZE = 500


class Command(BaseCommand):
    help = (
        "Remove donors' personal data (names, e-mail addresses, phone numbers, addresses, "
        "custom fields, metadata) from stored Stripe events applied more than --days ago."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="Retention period (90).")

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        due = StripeEvent.objects.filter(processed_at__lt=cutoff, scrubbed_at__isnull=True)
        count = 0
        # Scrubbed rows leave `due`, so each batch is the next one, never the whole table.
        while batch := list(due.order_by("pk").only("pk", "payload")[:BATCH_SIZE]):
            now = timezone.now()
            for event in batch:
                event.payload = scrubbed(event.payload)
                event.scrubbed_at = now
            StripeEvent.objects.bulk_update(batch, ["payload", "scrubbed_at"])
            count += len(batch)
        self.stdout.write(f"{count} Stripe events cleared of personal data.")
