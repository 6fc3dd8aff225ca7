"""Reading the Zengin (全銀協) fixed-length files that corporate online banking exports:
入出金取引明細 (種別コード 03) and 振込入金通知 (種別コード 01, フォーマットA).

Each file is 200-byte records, with or without CR/LF between them: a header (データ区分 1), data
records (2), a trailer with the totals (8), and an end record (9); a file may hold several
header…trailer groups (one per account or day). Text is JIS X 0201 in Shift_JIS (half-width
kana such as ﾔﾏﾀﾞ ﾊﾅｺ), numbers are zero-padded digits, and dates are YYMMDD in the Japanese
era (和暦: 081102 is 令和8年11月2日). The era is not written in the file: it is the one in which the
header's 作成日 (creation date) falls on or before today; some banks offer 西暦 instead, read the
same way. A year greater than the creation date's belongs to the era before (平成31年 in a file
made in 令和元年).
"""

import datetime
import re
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from donations.bank.statement_values import StatementEntry, StatementError, payer_of

RECORD_LENGTH = 200
STATEMENT, TRANSFER_NOTICE = "03", "01"
# Other 種別コード staff might pick by mistake, named so that the refusal says what the file is.
OTHER_KINDS = {
    "04": "残高通知",
    "11": "給与振込",
    "12": "賞与振込",
    "21": "総合振込",
    "91": "預金口座振替",
}
ERA_STARTS = {"令和": 2018, "平成": 1988, "昭和": 1925}


def _layout(*fields):
    """{name: slice} for fields of the given widths, in order."""
    slices, start = {}, 0
    for name, width in fields:
        slices[name] = slice(start, start + width)
        start += width
    return slices


HEADER = _layout(("record", 1), ("kind", 2), ("code", 1), ("created", 6), ("from", 6), ("to", 6))
STATEMENT_DATA = _layout(
    ("record", 1),
    ("reference", 8),
    ("booked", 6),
    ("value_date", 6),
    ("direction", 1),  # 入払区分: 1 入金, 2 出金
    # 取引区分: 10 現金, 11 振込, 12 他店券, 13 交換, 14 振替, 18 その他, 19 訂正
    ("transaction", 2),
    ("amount", 12),
    ("other_bank_cheques", 12),
    ("presented", 6),
    ("dishonoured", 6),
    ("cheque_kind", 1),
    ("cheque_number", 7),
    ("branch", 3),
    ("payer_code", 10),
    ("payer", 48),
    ("remitting_bank", 15),
    ("remitting_branch", 15),
    ("description", 20),
    ("edi", 20),
)
STATEMENT_TRAILER = _layout(
    ("record", 1),
    ("deposits", 6),
    ("deposits_total", 13),
    ("withdrawals", 6),
    ("withdrawals_total", 13),
)
NOTICE_DATA = _layout(
    ("record", 1),
    ("reference", 6),
    ("booked", 6),
    ("value_date", 6),
    ("amount", 10),
    ("other_bank_cheques", 10),
    ("payer_code", 10),
    ("payer", 48),
    ("remitting_bank", 15),
    ("remitting_branch", 15),
    ("cancelled", 1),  # 取消区分: 1 cancels an earlier notice
    ("edi", 20),
)
NOTICE_TRAILER = _layout(
    ("record", 1), ("count", 6), ("total", 12), ("cancelled", 6), ("cancelled_total", 12)
)
CORRECTION = "19"  # 取引区分 訂正: the bank undoing its own mistake, not money from a donor


def looks_like_zengin(data: bytes) -> bool:
    """A Zengin header record starts the file: 1, a two-digit 種別コード, コード区分 0 or 1."""
    return bool(re.match(rb"1\d\d[01]\d{6}", data[:10])) and b"," not in data[:120]


def read(data: bytes) -> list[StatementEntry]:
    kind = data[1:3].decode("ascii")
    if kind not in (STATEMENT, TRANSFER_NOTICE):
        raise StatementError(
            _(
                "This Zengin file is a %(name)s (type %(kind)s): only %(statement)s (03) and "
                "%(notice)s (01) list the money received."
            )
            % {
                "name": OTHER_KINDS.get(kind, kind),
                "kind": kind,
                "statement": "入出金取引明細",
                "notice": "振込入金通知",
            }
        )
    if data[3:4] == b"1":
        raise StatementError(
            _("This Zengin file is in EBCDIC: download it again in JIS (%(setting)s).")
            % {"setting": "コード区分 0"}
        )
    reader = _Reader(kind)
    for number, record in enumerate(_records(data), start=1):
        try:
            reader.take(record)
        except ValueError as exc:
            raise StatementError(
                _("Record %(number)d: %(problem)s") % {"number": number, "problem": exc}
            ) from exc
    if reader.group is not None:
        raise StatementError(_("The file ends without its trailer record (8): it is incomplete."))
    return reader.entries


def _records(data):
    """The 200-byte records, whether or not the bank put CR/LF between them."""
    data = data.rstrip(b"\x1a")  # the end-of-file mark of old DOS tools
    if b"\n" in data or b"\r" in data:
        lines = [line for line in re.split(rb"\r\n|\r|\n", data) if line.strip()]
    else:
        lines = [data]
    if len(lines) == 1 and len(lines[0]) > RECORD_LENGTH and len(lines[0]) % RECORD_LENGTH:
        raise StatementError(
            _("The file is %(length)d bytes long, not a whole number of 200-byte records.")
            % {"length": len(lines[0])}
        )
    records = []
    for line in lines:
        if len(line) % RECORD_LENGTH == 0:  # records run together, perhaps one break at the end
            records += [line[i : i + RECORD_LENGTH] for i in range(0, len(line), RECORD_LENGTH)]
        elif len(line) < RECORD_LENGTH:
            records.append(line.ljust(RECORD_LENGTH))  # some tools trim the trailing spaces
        else:
            raise StatementError(
                _("Record %(number)d: %(problem)s")
                % {
                    "number": len(records) + 1,
                    "problem": _("it is %(length)d bytes long, not 200.") % {"length": len(line)},
                }
            )
    return records


class _Item(NamedTuple):
    """A data record, read as soon as it comes (so that a refusal names its record)."""

    entry: StatementEntry
    deposit: bool  # 入払区分 1 (always, in a transfer notice)
    counted: bool  # a gift to look at: not the bank's own correction, not a cancellation
    reference: str  # 照会番号
    cancels: bool  # 取消区分 1: withdraws the notice with the same 照会番号


class _Reader:
    """Walks the records in order, keeping each group's deposits and checking its trailer."""

    def __init__(self, kind):
        self.kind = kind
        self.entries = []
        self.group = None  # the data records of the open header…trailer group
        self.calendar = None
        self.ended = False

    def take(self, record):
        record_type = record[:1]
        if self.ended:
            raise ValueError(_("a record follows the end record (9)."))
        if record_type == b"1":
            if self.group is not None:
                raise ValueError(_("a header record (1) comes before the trailer (8)."))
            if record[HEADER["kind"]].decode("ascii", "replace") != self.kind:
                raise ValueError(_("the file mixes different kinds of Zengin data."))
            self.calendar = _Calendar(record)
            self.group = []
        elif record_type == b"2":
            if self.group is None:
                raise ValueError(_("a data record (2) comes outside a header and trailer."))
            read = self._statement_item if self.kind == STATEMENT else self._notice_item
            self.group.append(read(record))
        elif record_type == b"8":
            if self.group is None:
                raise ValueError(_("a trailer record (8) comes without a header (1)."))
            items, self.group = self.group, None
            close = self._close_statement if self.kind == STATEMENT else self._close_notice
            self.entries += [item.entry for item in close(items, record) if item.entry.amount]
        elif record_type == b"9":
            if self.group is not None:
                raise ValueError(_("the end record (9) comes before the trailer (8)."))
            self.ended = True
        else:
            raise ValueError(
                _("“%(type)s” is not a record type (1, 2, 8 or 9).")
                % {"type": record_type.decode("ascii", "replace")}
            )

    def _statement_item(self, record):
        direction = _field(record, STATEMENT_DATA, "direction")
        if direction not in ("1", "2"):
            raise ValueError(
                _("a data record's %(field)s is neither 1 nor 2.") % {"field": "入払区分"}
            )
        payer = _text(record, STATEMENT_DATA, "payer") or payer_of(
            _text(record, STATEMENT_DATA, "description")
        )
        correction = _field(record, STATEMENT_DATA, "transaction") == CORRECTION
        return _Item(
            entry=self._entry(record, STATEMENT_DATA, payer),
            deposit=direction == "1",
            counted=direction == "1" and not correction,
            reference=_field(record, STATEMENT_DATA, "reference"),
            cancels=False,
        )

    def _notice_item(self, record):
        cancels = _field(record, NOTICE_DATA, "cancelled") == "1"
        return _Item(
            entry=self._entry(record, NOTICE_DATA, _text(record, NOTICE_DATA, "payer")),
            deposit=True,
            counted=not cancels,
            reference=_field(record, NOTICE_DATA, "reference"),
            cancels=cancels,
        )

    def _entry(self, record, layout, payer):
        edi = _text(record, layout, "edi")
        return StatementEntry(
            booked_on=self.calendar.date(_field(record, layout, "booked")),
            payer_name=f"{payer} {edi}".strip(),
            amount=_number(record, layout, "amount"),
        )

    @staticmethod
    def _close_statement(items, trailer):
        deposits = [item for item in items if item.deposit]
        withdrawals = [item for item in items if not item.deposit]
        _check_totals(trailer, STATEMENT_TRAILER, "deposits", "deposits_total", deposits)
        _check_totals(trailer, STATEMENT_TRAILER, "withdrawals", "withdrawals_total", withdrawals)
        return [item for item in items if item.counted]

    @staticmethod
    def _close_notice(items, trailer):
        notices = [item for item in items if not item.cancels]
        for cancel in (item for item in items if item.cancels):
            # A cancellation withdraws the notice with the same 照会番号.
            same = [item for item in notices if item.reference == cancel.reference]
            if same:
                notices.remove(same[0])
        # Banks differ on whether a cancelled notice still counts in the trailer's totals.
        candidates = [notices, [item for item in items if not item.cancels], items]
        problems = []
        for candidate in candidates:
            try:
                _check_totals(trailer, NOTICE_TRAILER, "count", "total", candidate)
                break
            except ValueError as exc:
                problems.append(exc)
        else:
            raise problems[0]
        return notices


def _field(record, layout, name):
    return record[layout[name]].decode("ascii", "replace").strip()


def _text(record, layout, name):
    """A text field: half-width kana and letters in Shift_JIS, padded with spaces."""
    try:
        return record[layout[name]].decode("cp932").strip(" \u3000")
    except UnicodeDecodeError:
        raise ValueError(_("a text field is not Shift_JIS.")) from None


def _number(record, layout, name):
    digits = _field(record, layout, name)
    if not digits.isdigit():
        raise ValueError(_("“%(text)s” is not an amount in whole yen.") % {"text": digits})
    return int(digits)


def _check_totals(trailer, layout, count_field, total_field, items):
    count, total = _number(trailer, layout, count_field), _number(trailer, layout, total_field)
    found = sum(item.entry.amount for item in items)
    if (count, total) != (len(items), found):
        raise ValueError(
            _(
                "the trailer's totals (%(count)d records, ¥%(total)d) disagree with the data "
                "records (%(found_count)d, ¥%(found_total)d): the file is incomplete or altered."
            )
            % {"count": count, "total": total, "found_count": len(items), "found_total": found}
        )


class _Calendar:
    """Reads YYMMDD dates in the era (or century) in which the header's creation date falls."""

    def __init__(self, header):
        created = _field(header, HEADER, "created")
        if not (created.isdigit() and len(created) == 6):
            raise ValueError(_("“%(text)s” is not a date.") % {"text": created})
        self.created_year = int(created[:2])
        today = timezone.localdate()
        choices = []
        for offset in (*ERA_STARTS.values(), 2000):
            try:
                day = _date(offset, created)
            except ValueError:
                continue
            if day <= today + datetime.timedelta(days=1):
                choices.append((day, offset))
        if not choices:
            raise ValueError(_("“%(text)s” is not a date.") % {"text": created})
        self.offset = max(choices)[1]

    def date(self, text):
        offset = self.offset
        if offset != 2000 and text[:2].isdigit() and int(text[:2]) > self.created_year:
            eras = sorted(ERA_STARTS.values(), reverse=True)
            earlier = [start for start in eras if start < offset]
            offset = earlier[0] if earlier else offset
        try:
            return _date(offset, text)
        except ValueError:
            raise ValueError(_("“%(text)s” is not a date.") % {"text": text}) from None


def _date(offset, text):
    if not (text.isdigit() and len(text) == 6):
        raise ValueError(text)
    return datetime.date(offset + int(text[:2]), int(text[2:4]), int(text[4:6]))
