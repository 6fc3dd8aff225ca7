"""Reading a bank's CSV export (入出金明細) by its column names, as each bank writes them:

- 住信SBIネット銀行: 日付, 内容, 出金金額(円), 入金金額(円), 残高(円), メモ
  (内容: 振込＊ヤマダ　ハナコ)
- 三菱UFJ: 日付, 摘要, 摘要内容, 支払い金額, 預かり金額, 差引残高, メモ, 未資金化区分, 入払区分
- 三井住友: 年月日, お引出し, お預入れ, お取り扱い内容, 残高, メモ, ラベル
- みずほ: a few lines about the account, then 日付, お引出金額, お預入金額, お取引内容, 残高 …
- ゆうちょ: a few lines about the account, then 取引日, 入出金明細ＩＤ, 受入金額（円）,
  払出金額（円）, 詳細１, 詳細２, 現在（貸付）高
- 楽天 and others: one signed amount column (入出金(円), 金額)

Only deposits are read: a withdrawal is never a gift. Every description column (摘要 and
摘要内容, 詳細１ and 詳細２) is kept, without the bank's 振込 prefix, as the payer name.
"""

import csv
import io
import re
import unicodedata

from django.utils.translation import gettext as _

from donations.bank.statement_values import (
    StatementEntry,
    StatementError,
    payer_of,
    read_amount,
    read_date,
)

HEADER_SEARCH_ROWS = 40  # a bank's account details come before the header, never this many
_BRACKETS = re.compile(r"[\s()\[\]（）【】「」\"']")
_ID = re.compile(r"(?<![a-z])id(?![a-z])")
IGNORED_WORDS = ("番号", "通番", "残高", "現在", "balance", "メモ", "memo", "ラベル", "備考")
PAYER_WORDS = ("依頼人", "内容", "摘要", "詳細", "取扱", "取り扱い", "取引先", "相手", "name")
PAYER_WORDS += ("payer", "description")
WITHDRAWAL_WORDS = ("出金", "支払", "払出", "引出", "引落", "debit", "withdraw")
DEPOSIT_WORDS = ("入金", "預入", "預り", "預かり", "受入", "credit", "deposit")
DIRECTION_OUT = ("出金", "支払", "払出", "引出", "出", "払")
DIRECTION_IN = ("入金", "預入", "受入", "入")

# What staff are told a file needs, in the words banks use.
NEEDED_EXAMPLES = {
    "date": "日付, 取引日, 年月日",
    "deposit": "入金金額(円), 預かり金額, お預入れ, 受入金額（円）, 入金",
    "payer": "内容, 摘要, 摘要内容, お取引内容, 振込依頼人名",
}


def column_role(header: str) -> str | None:
    """What a column holds, from its name: date, payer, deposit, withdrawal, amount (signed),
    direction (入払区分), or None for one we do not need (balance, memo, IDs)."""
    name = _BRACKETS.sub("", unicodedata.normalize("NFKC", header)).lower()
    if not name or _ID.search(name) or any(word in name for word in IGNORED_WORDS):
        return None
    if "区分" in name:
        return "direction" if any(word in name for word in ("入払", "入出", "受払")) else None
    if name.endswith("日") or "日付" in name or "date" in name:
        return "date"
    if any(word in name for word in PAYER_WORDS):
        return "payer"
    if "入出金" in name:
        return "amount"
    if any(word in name for word in WITHDRAWAL_WORDS):
        return "withdrawal"
    if any(word in name for word in DEPOSIT_WORDS):
        return "deposit"
    if "金額" in name or "amount" in name:
        return "amount"
    return None


class Columns:
    """Where the columns a statement needs are, found from its header row."""

    def __init__(self, header):
        self.header = [cell.strip() for cell in header]
        self.payers = []
        found = {}
        for index, cell in enumerate(self.header):
            role = column_role(cell)
            if role == "payer":
                self.payers.append(index)
            elif role:
                found.setdefault(role, index)
        self.date = found.get("date")
        self.deposit = found.get("deposit")
        self.withdrawal = found.get("withdrawal")
        self.amount = found.get("amount")
        self.direction = found.get("direction")

    @classmethod
    def headerless(cls):
        """An old-style export without a header: date, payer name, amount."""
        columns = cls(["date", "name", "amount"])
        columns.header = []
        return columns

    def missing(self):
        needs = {
            "date": self.date is not None,
            "deposit": self.deposit is not None or self.amount is not None,
            "payer": bool(self.payers),
        }
        return [need for need, present in needs.items() if not present]

    def width(self):
        used = [self.date, self.deposit, self.withdrawal, self.amount, self.direction]
        return max(index for index in [*used, *self.payers] if index is not None) + 1


def read(text: str) -> list[StatementEntry]:
    rows = _rows(text)
    if not rows:
        raise StatementError(_("The file is empty."))
    start, columns = _find_header(rows)
    entries = []
    for line_number, row in rows[start:]:
        try:
            entry = _entry(columns, row)
        except ValueError as exc:
            raise StatementError(
                _("Line %(number)d: %(problem)s") % {"number": line_number, "problem": exc}
            ) from exc
        if entry:
            entries.append(entry)
    return entries


def _rows(text):
    """(line number, cells) of every row with something in it."""
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise StatementError(
            _("Line %(number)d: %(problem)s")
            % {"number": reader.line_num, "problem": _("the line is not valid CSV.")}
        ) from exc
    return rows


def _find_header(rows):
    """The first row that names a date, a deposit and a payer column (after any lines about
    the account), or a headerless file that starts with a date; else the file is refused."""
    best = None
    for position, (_line, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = Columns(row)
        if not columns.missing():
            return position + 1, columns
        if best is None or len(columns.missing()) < len(best.missing()):
            best = columns
    first = rows[0][1]
    if len(first) >= 3 and _is_date(first[0]):
        return 0, Columns.headerless()
    found = ", ".join(cell[:30] for cell in best.header[:12] if cell) or "-"
    needed = "; ".join(_needed(need) for need in best.missing())
    raise StatementError(
        _(
            "The columns of this file could not be read. Columns found: %(found)s. "
            "Missing: %(missing)s."
        )
        % {"found": found, "missing": needed}
    )


def _needed(need):
    label = {
        "date": _("a date column"),
        "deposit": _("a deposit column"),
        "payer": _("the payer or description column"),
    }[need]
    return f"{label} ({NEEDED_EXAMPLES[need]})"


def _is_date(text):
    try:
        read_date(text)
    except ValueError:
        return False
    return True


def _entry(columns, row):
    """The deposit on this row, None for a withdrawal or an empty amount; ValueError (with
    what is wrong, for staff) when the row cannot be read."""
    if len(row) < columns.width():
        raise ValueError(_("the row has fewer columns than the header."))
    booked_on = _cell(row[columns.date], read_date, _("“%(text)s” is not a date."))
    direction = _direction(row[columns.direction]) if columns.direction is not None else None
    if columns.deposit is not None:
        amount = _amount(row[columns.deposit])
        withdrawn = _amount(row[columns.withdrawal]) if columns.withdrawal is not None else None
        if amount is not None and amount < 0:
            raise ValueError(_("the deposit column holds a negative amount."))
        if (direction == "out" and amount) or (direction == "in" and not amount and withdrawn):
            raise ValueError(_("the direction column and the amount columns disagree."))
    else:
        amount = _amount(row[columns.amount])
        if direction == "out" or (direction is None and amount is not None and amount < 0):
            return None
    if not amount or amount < 0:
        return None
    payer = " ".join(row[index].strip() for index in columns.payers if row[index].strip())
    return StatementEntry(booked_on, payer_of(payer), amount)


def _cell(text, reader, problem):
    try:
        return reader(text)
    except ValueError:
        raise ValueError(problem % {"text": text.strip()}) from None


def _amount(text):
    return _cell(text, read_amount, _("“%(text)s” is not an amount in whole yen."))


def _direction(text):
    """入払区分: 1 or 入金 is a deposit, 2 or 出金 (支払い, 振替支払い) a withdrawal."""
    value = unicodedata.normalize("NFKC", text).strip()
    if value == "1":
        return "in"
    if value == "2":
        return "out"
    if any(word in value for word in DIRECTION_OUT):
        return "out"
    if any(word in value for word in DIRECTION_IN):
        return "in"
    if not value:
        return None
    raise ValueError(
        _("the direction “%(text)s” is neither a deposit nor a withdrawal.") % {"text": value}
    )
