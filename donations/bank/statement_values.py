"""The cells of a bank statement as banks write them: dates (2026/1/5, 2026年1月5日, R8.1.5,
20260105), yen amounts (３，０００, "3,000", ▲500), and the payer inside a description such as
振込＊ヤマダ　ハナコ or ﾌﾘｺﾐ ﾔﾏﾀﾞ ﾊﾅｺ. Shared by the CSV and the Zengin (全銀協) readers."""

import datetime
import re
import unicodedata
from typing import NamedTuple

from django.utils.translation import gettext as _


class StatementError(ValueError):
    """The file is not a statement we can read; the message says why, in the staff's language."""


class StatementEntry(NamedTuple):
    """One deposit of a statement: a possible gift."""

    booked_on: datetime.date
    payer_name: str
    amount: int


# The first year of each era, less one: 令和8年 is 2018 + 8 = 2026.
ERA_OFFSETS = {
    "明治": 1867,
    "M": 1867,
    "大正": 1911,
    "T": 1911,
    "昭和": 1925,
    "S": 1925,
    "平成": 1988,
    "H": 1988,
    "令和": 2018,
    "R": 2018,
}
_SEP = r"\s*[-/.年]\s*"
_DAY_END = r"\s*日?(?:\s*\(.\))?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"  # (月), or a time after the day
WESTERN_DATE = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}}){_DAY_END}")
COMPACT_DATE = re.compile(rf"(\d{{4}})(\d{{2}})(\d{{2}}){_DAY_END}")
ERA_DATE = re.compile(
    rf"({'|'.join(ERA_OFFSETS)})\s*(\d{{1,2}}|元){_SEP}(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}}){_DAY_END}",
    re.IGNORECASE,
)
EMPTY_AMOUNTS = {"", "-", "―", "—", "ー", "*"}
NEGATIVE_MARKS = "-−▲△"
_AMOUNT_NOISE = re.compile(r"[\s,¥￥円\\]")

# How banks write an incoming transfer before the payer's name: 振込＊ (住信SBI), 振込１ and
# 振込ＩＢ１ (三菱UFJ's 摘要), ﾌﾘｺﾐ (half-width kana), 振込 or 送金 (ゆうちょ's 詳細１).
TRANSFER_PREFIX = re.compile(
    r"^\s*(?:"
    r"(?:振込|振替)(?:入金)?(?:IB|ＩＢ)?(?:[0-9０-９](?=[\s\u3000]|$))?[*＊★☆]?"
    r"|ﾌﾘｺﾐ|フリコミ|ﾌﾘｶｴ|フリカエ|ことら送金|送金"
    r")[\s\u3000]*"
)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS as Windows writes it: cp932 has the NEC and
    IBM extension characters (①, ㈱, 髙) that plain shift_jis lacks."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise StatementError(_("The file is neither UTF-8 nor Shift_JIS (cp932).")) from exc


def read_date(text: str) -> datetime.date:
    """A date as a bank prints it, or ValueError."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if match := WESTERN_DATE.fullmatch(cleaned) or COMPACT_DATE.fullmatch(cleaned):
        year, month, day = (int(part) for part in match.groups())
        return datetime.date(year, month, day)
    if match := ERA_DATE.fullmatch(cleaned):
        era, year, month, day = match.groups()
        offset = ERA_OFFSETS.get(era) or ERA_OFFSETS[era.upper()]
        return datetime.date(offset + (1 if year == "元" else int(year)), int(month), int(day))
    raise ValueError(f"not a date: {text!r}")


def read_amount(text: str) -> int | None:
    """Whole yen, negative for a withdrawal written with a sign (-500, ▲500); None for an
    empty cell. ValueError for anything else: decimals are refused, never rounded."""
    cleaned = _AMOUNT_NOISE.sub("", unicodedata.normalize("NFKC", text))
    if cleaned in EMPTY_AMOUNTS:
        return None
    sign = 1
    if cleaned[0] in NEGATIVE_MARKS:
        sign, cleaned = -1, cleaned[1:]
    elif cleaned[0] == "+":
        cleaned = cleaned[1:]
    if not cleaned.isascii() or not cleaned.isdigit():
        raise ValueError(f"not a whole yen amount: {text!r}")
    return sign * int(cleaned)


def payer_of(description: str) -> str:
    """The payer's name (and the reference code they typed) without the bank's 振込 prefix."""
    return TRANSFER_PREFIX.sub("", description, count=1).strip() or description.strip()
