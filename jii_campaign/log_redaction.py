"""Nothing personal or secret in the logs: a logging filter (settings.LOGGING) that rewrites each
record's message and traceback before any handler writes it. E-mail addresses keep only their
domain, manage-link tokens and Stripe secrets disappear, long digit runs (card numbers) too.
Names are never logged in the first place; this is the net under that rule."""

import logging
import re

_REDACTIONS = [
    # someone@example.jp -> ***@example.jp (the domain helps to see a mail provider's outage).
    (
        re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"),
        r"***@\1",
    ),
    # Signed tokens in a path: old manage links (/donate/manage/<token>/, retired), receipt
    # links and bank-transfer pledges; and ?token=... in any URL.
    (re.compile(r"(/donate/(?:manage|receipt|bank)/)(?!open/)[^/\s?#\"']+"), r"\1[token]"),
    (re.compile(r"([?&]token=)[^&\s#\"']+"), r"\1[token]"),
    # Stripe keys and webhook secrets.
    (re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9]+"), "[secret]"),
    # 13-19 digits, spaces or dashes between them allowed: a card number's shape.
    (re.compile(r"\b\d(?:[ -]?\d){12,18}\b"), "[number]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: keep its template, drop its arguments
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
