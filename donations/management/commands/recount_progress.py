from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from donations.recount import recount, refund_mismatches


class Command(BaseCommand):
    help = "Recompute every campaign's counters from the donation ledger."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare; exit non-zero when a stored counter differs from the ledger.",
        )

    def handle(self, *args, check, **options):
        mismatches = refunds_off = 0
        for campaign in Campaign.objects.order_by("pk"):
            # First the refunded amounts the counters add up, from each payment's refunds.
            for payment_id, stored, derived in refund_mismatches(campaign, repair=not check):
                refunds_off += 1
                verb = "differs from" if check else "repaired from"
                self.stdout.write(
                    f"payment {payment_id}: refunded {stored} {verb} its refunds' {derived}"
                )
            stored, ledger = recount(campaign, repair=not check)
            if stored == ledger:
                self.stdout.write(f"{campaign.slug}: agrees with the ledger {ledger}")
                continue
            mismatches += 1
            verb = "differs from" if check else "repaired from"
            self.stdout.write(f"{campaign.slug}: stored {stored} {verb} the ledger {ledger}")
        if check and (mismatches or refunds_off):
            raise CommandError(
                f"{mismatches} campaign(s) and {refunds_off} payment(s) disagree with the ledger"
            )
