from django.core.management.base import BaseCommand

from donations.stripe.card_expiry import remind_expiring_cards


class Command(BaseCommand):
    help = (
        "E-mail monthly supporters whose card expires within a month (once per card). "
        "Run it daily (docs/stripe.md)."
    )

    def handle(self, *args, **options):
        queued = remind_expiring_cards()
        self.stdout.write(f"{queued} card expiry reminders queued.")
