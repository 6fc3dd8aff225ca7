"""Month arithmetic, written once (jii_campaign/months.py): a pause's end, a supporter's next
charge, the dashboard's twelve months and the retention horizons all count months with it."""

import datetime

from jii_campaign.months import add_months, months_back

JST = datetime.timezone(datetime.timedelta(hours=9))


def test_the_same_day_months_on_or_the_months_last_day():
    assert add_months(datetime.date(2027, 1, 15), 1) == datetime.date(2027, 2, 15)
    assert add_months(datetime.date(2027, 1, 31), 1) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


def test_back_across_the_new_year_keeping_the_time_and_zone():
    moment = datetime.datetime(2027, 3, 31, 9, 30, tzinfo=JST)
    assert add_months(moment, -13) == datetime.datetime(2026, 2, 28, 9, 30, tzinfo=JST)


def test_the_months_up_to_this_one_oldest_first():
    start = datetime.datetime(2027, 2, 1, tzinfo=JST)
    assert [f"{m:%Y-%m}" for m in months_back(start, 4)] == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]
