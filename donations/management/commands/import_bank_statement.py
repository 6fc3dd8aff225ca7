from django.core.management.base import BaseCommand, CommandError

from donations import bank_statements
from donations.bank_admin import summary


class Command(BaseCommand):
    help = (
        "Import a bank statement CSV (date, payer name, amount): lines whose reference code and "
        "amount match a pledge are confirmed; the rest wait in the admin. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as statement:
                result = bank_statements.import_statement(statement.read(), file)
        except (OSError, bank_statements.StatementError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(summary(result)))
        for line in result.unmatched:
            self.stdout.write(f"  ? {line}")
