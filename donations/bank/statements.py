"""Importing a bank statement and matching its deposits to bank-transfer pledges by the
reference code the donor put in the payer name. The files are read by `statement_csv` (a bank's
CSV export) and `statement_zengin` (the 全銀協 fixed-length files), found from the file itself.

Banks print payer names in half-width kana (ﾔﾏﾀﾞ ﾊﾅｺ) and cannot print small kana, so
キョウカイ arrives as ｷﾖｳｶｲ: names are compared after NFKC and with small kana made large.
A line whose code and amount match is confirmed at once; any other line waits for a person.
Each line is stored under a key made of its content and its position among identical lines, so
that importing the same file (or an overlapping one) twice changes nothing. A file is imported
whole or not at all.
"""

import datetime
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations import tasks
from donations.bank import statement_csv, statement_zengin
from donations.bank.statement_values import StatementEntry, StatementError, decode
from donations.models import Donation, StatementLine
from donations.models.transfer_pledges import REFERENCE_LENGTH
from jii_campaign.money import format_yen

SMALL_KANA = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
ALNUM_RUN = re.compile(r"[A-Z0-9]+")
LARGEST_AMOUNT = 2_147_483_647  # StatementLine.amount, a PostgreSQL integer


@dataclass
class ImportResult:
    matched: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    already_imported: int = 0


def read(data: bytes) -> list[StatementEntry]:
    """The deposits of a statement file, whichever layout it has; StatementError if none."""
    if statement_zengin.looks_like_zengin(data):
        entries = statement_zengin.read(data)
    else:
        entries = statement_csv.read(decode(data))
    for entry in entries:
        if entry.amount > LARGEST_AMOUNT:
            raise StatementError(
                _("An amount of %(amount)s is larger than this site can record.")
                % {"amount": format_yen(entry.amount)}
            )
    return entries


def normalised(name: str) -> str:
    """Full-width kana, half-width letters and digits, upper case, small kana made large."""
    text = unicodedata.normalize("NFKC", name).upper()
    return text.translate(SMALL_KANA)


def kana_key(name: str) -> str:
    """A name reduced for comparison: no spaces or punctuation, hiragana read as katakana."""
    text = "".join(
        chr(ord(char) + 0x60) if "ぁ" <= char <= "ゖ" else char for char in normalised(name)
    )
    return "".join(char for char in text.translate(SMALL_KANA) if char.isalnum())


def candidate_codes(payer_name: str) -> set[str]:
    """Every stretch of letters and digits of a code's length found in the payer name."""
    codes = set()
    for run in ALNUM_RUN.findall(normalised(payer_name)):
        codes.update(run[i : i + REFERENCE_LENGTH] for i in range(len(run) - REFERENCE_LENGTH + 1))
    return codes


def line_keys(lines):
    """A key per line: its content, and which of several identical lines it is."""
    seen = Counter()
    for booked_on, name, amount in lines:
        content = f"{booked_on.isoformat()}|{normalised(name)}|{amount}"
        seen[content] += 1
        yield hashlib.sha256(f"{content}|{seen[content]}".encode()).hexdigest()


@transaction.atomic
def import_statement(data: bytes, file_name: str = "") -> ImportResult:
    lines = read(data)
    result = ImportResult()
    for key, (booked_on, name, amount) in zip(line_keys(lines), lines, strict=True):
        line, created = StatementLine.objects.get_or_create(
            key=key,
            defaults={
                "booked_on": booked_on,
                "payer_name": name[:200],
                "amount": amount,
                "status": StatementLine.Status.UNMATCHED,
                "file_name": file_name[:200],
            },
        )
        if not created:
            result.already_imported += 1
            continue
        _match(line)
        bucket = result.matched if line.status == StatementLine.Status.MATCHED else result.unmatched
        bucket.append(line)
    return result


def _match(line):
    pledges = Donation.objects.filter(
        channel=Donation.Channel.BANK_TRANSFER, reference__in=candidate_codes(line.payer_name)
    )
    pledge = next((p for p in pledges if p.awaits_transfer()), None)
    if pledge and pledge.amount == line.amount:
        payment = confirm(pledge, amount=line.amount, received_on=line.booked_on)
        line.status, line.donation, line.payment = StatementLine.Status.MATCHED, pledge, payment
        line.save(update_fields=["status", "donation", "payment"])
        return
    line.suggested = pledge or _same_name_and_amount(line)
    line.save(update_fields=["suggested"])


def _same_name_and_amount(line):
    """Without a code: a waiting pledge whose payer kana and amount agree (a suggestion only)."""
    key = kana_key(line.payer_name)
    waiting = Donation.objects.filter(
        channel=Donation.Channel.BANK_TRANSFER, amount=line.amount
    ).exclude(payer_kana="")
    return next((p for p in waiting if p.awaits_transfer() and kana_key(p.payer_kana) in key), None)


def confirm(pledge, *, amount=None, received_on=None):
    """Confirm a pledge's transfer and send the donor a receipt. The payment, or None."""
    received_at = _noon(received_on) if received_on else None
    with transaction.atomic():
        payment = pledge.confirm_transfer(amount=amount, received_at=received_at)
        if payment and pledge.donor_email:
            tasks.schedule_receipt(payment)
    return payment


def attach(line, pledge):
    """Staff say this line is the transfer for that pledge. False when it cannot be."""
    with transaction.atomic():
        payment = confirm(pledge, amount=line.amount, received_on=line.booked_on)
        return bool(payment) and line.resolve(
            StatementLine.Status.ATTACHED, donation=pledge, payment=payment
        )


def record_as_gift(line, campaign):
    """Staff say this line is a gift that had no pledge: it counts as a one-time transfer."""
    with transaction.atomic():
        donation = Donation.record_offline(
            campaign=campaign,
            frequency=Donation.Frequency.ONCE,
            amount=line.amount,
            received_at=_noon(line.booked_on),
            channel=Donation.Channel.BANK_TRANSFER,
            donor_name=line.payer_name,
            reference=f"statement-{line.key[:20]}",
        )
        return line.resolve(
            StatementLine.Status.RECORDED, donation=donation, payment=donation.payments.first()
        )


def ignore(line):
    return line.resolve(StatementLine.Status.IGNORED)


def _noon(day):
    """A booking date as a time in Japan (noon keeps it on the same date in any zone's view)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
