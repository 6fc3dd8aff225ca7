import datetime

from django.core.management.base import BaseCommand, CommandError

from donations.stripe import gateway
from donations.stripe.reconcile import reconcile


class Command(BaseCommand):
    help = (
        "List Checkout sessions, invoices and subscriptions created in Stripe since a date and "
        "apply them to the ledger, repairing what missed webhooks left behind."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD"
        )

    def handle(self, *args, since, **options):
        if not gateway.is_configured():
            raise CommandError("STRIPE_SECRET_KEY is not set: there is no Stripe to reconcile.")
        seen = repaired = 0
        try:
            for stripe_id, donation_id, before, after in reconcile(since):
                seen += 1
                if before != after:
                    repaired += 1
                    self.stdout.write(f"{stripe_id}: donation #{donation_id} {before} → {after}")
        except gateway.GatewayUnavailable as exc:
            raise CommandError(
                f"Stripe is unreachable ({exc}); nothing after this was read."
            ) from exc
        self.stdout.write(f"{seen} Stripe objects read, {repaired} donations changed.")
