import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from donations.models import StripeEvent

# Where Stripe objects carry a person's details; whatever holds them is replaced with null.
PERSONAL_FIELDS = frozenset(
    {
        "address",
        "billing_details",
        "collected_information",
        "custom_fields",
        "customer_address",
        "customer_details",
        "customer_email",
        "customer_name",
        "customer_phone",
        "customer_shipping",
        "customer_tax_ids",
        "email",
        "name",
        "phone",
        "receipt_email",
        "shipping",
        "shipping_details",
    }
)
# Metadata the site itself writes; any other metadata value may be a donor's.
OUR_METADATA = frozenset({"donation_id", "campaign", "frequency"})
BATCH_SIZE = 500


def scrubbed(value):
    """The payload without personal data; ids, amounts, types and times stay as they were."""
    if isinstance(value, list):
        return [scrubbed(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in PERSONAL_FIELDS:
            result[key] = None
        elif key == "metadata" and isinstance(item, dict):
            result[key] = {name: v if name in OUR_METADATA else None for name, v in item.items()}
        else:
            result[key] = scrubbed(item)
    return result


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
