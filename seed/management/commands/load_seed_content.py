from django.core.management.base import BaseCommand

from seed import loader as seed


class Command(BaseCommand):
    help = "Load the seed campaign (texts, programmes, testimonials, bank account, pages, ledger)."

    def handle(self, *args, **options):
        created = seed.load()
        self.stdout.write(f"Seed content loaded: {created} rows created.")
