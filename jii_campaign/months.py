"""Calendar months: the same day some months on or back, the month's last day when it is shorter
(31 January + 1 month is 28 or 29 February). For dates and datetimes alike; the time of day and
the time zone are kept."""

import calendar


def add_months(moment, months: int):
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def months_back(month_start, count: int) -> list:
    """The starts of the `count` months up to and including `month_start`'s, oldest first."""
    return [add_months(month_start, -n) for n in range(count - 1, -1, -1)]
