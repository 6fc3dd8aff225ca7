"""Reading a yen amount as donors type it: 3000, 3,000, ¥3,000, ３０００, 3000円."""

import re
import unicodedata

_NOISE = re.compile(r"[\s,¥￥円]")


def parse_yen(text) -> int:
    """Integer yen, or ValueError. Never a float: decimals are refused, not rounded."""
    cleaned = _NOISE.sub("", unicodedata.normalize("NFKC", str(text)))
    cleaned = cleaned.replace("\\", "")  # some Japanese keyboards type the yen sign as a backslash
    if not cleaned.isascii() or not cleaned.isdigit():
        raise ValueError(f"not a whole yen amount: {text!r}")
    return int(cleaned)
