from django.core.management.base import BaseCommand

from donations.staff.anonymize import anonymize_donor


class Command(BaseCommand):
    help = (
        "Erase a donor's name, e-mail, nickname and message authorship from the ledger and the "
        "stored Stripe events. Amounts and counters stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        count = anonymize_donor(email)
        self.stdout.write(f"{count} donation(s) anonymised.")
