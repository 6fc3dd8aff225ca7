"""Money is integer yen everywhere; this is the one way it is written for people."""


def format_yen(amount) -> str:
    """¥3,000 in every language: the yen sign and thousands separators, never decimals."""
    return f"¥{int(amount):,}"
