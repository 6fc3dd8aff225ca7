"""Pauses between attempts at something that failed (an e-mail, a Stripe event)."""

import datetime


def doubling_pause(
    attempt: int, first: datetime.timedelta, longest: datetime.timedelta
) -> datetime.timedelta:
    """After failed attempt number `attempt` (1, 2, ...): `first`, doubling each time, at most
    `longest`."""
    return min(first * 2 ** min(attempt - 1, 30), longest)
