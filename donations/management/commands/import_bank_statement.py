from django.core.management.base import BaseCommand, CommandError

from donations.bank import statements
from donations.bank.admin import summary


class Command(BaseCommand):
    help = (
        "Import a bank statement as the bank exports it (a CSV of deposits and withdrawals, or a "
        "Zengin 入出金取引明細/振込入金通知 file): deposits whose reference code and amount match "
        "a pledge are confirmed; the rest wait in the admin. Whole or not at all; safe twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as statement:
                result = statements.import_statement(statement.read(), file)
        except (OSError, statements.StatementError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(summary(result)))
        for line in result.unmatched:
            self.stdout.write(f"  ? {line}")
