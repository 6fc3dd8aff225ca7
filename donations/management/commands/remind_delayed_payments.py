"""`manage.py remind_delayed_payments`: e-mail donors whose konbini slip is about to expire or
whose Stripe bank transfer has not arrived. Run it hourly (cron or a scheduler); each gift is
reminded once."""

from django.core.management.base import BaseCommand

from donations.stripe.payment_reminders import send_due_reminders


class Command(BaseCommand):
    help = "E-mail a reminder for konbini slips about to expire and bank transfers not yet made."

    def handle(self, *args, **options):
        queued = send_due_reminders()
        self.stdout.write(f"Reminders queued: {queued}")
