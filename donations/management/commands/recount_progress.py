from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from donations.recount import recount


class Command(BaseCommand):
    help = "Recompute every campaign's counters from the donation ledger."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare; exit non-zero when a stored counter differs from the ledger.",
        )

    def handle(self, *args, check, **options):
        mismatches = 0
        for campaign in Campaign.objects.order_by("pk"):
            stored, ledger = recount(campaign, repair=not check)
            if stored == ledger:
                self.stdout.write(f"{campaign.slug}: agrees with the ledger {ledger}")
                continue
            mismatches += 1
            verb = "differs from" if check else "repaired from"
            self.stdout.write(f"{campaign.slug}: stored {stored} {verb} the ledger {ledger}")
        if check and mismatches:
            raise CommandError(f"{mismatches} campaign(s) disagree with the ledger")
