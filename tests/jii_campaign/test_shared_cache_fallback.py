"""One way to the shared cache: while Redis fails, the site does the thing instead (render, count
here, compute afresh), leaves Redis alone for a second and says so once, not per request. Rate
limits counted here while it is down read the same rates as django-ratelimit does."""

import logging

import pytest
import redis

from jii_campaign import cache_outage, ratelimits


def refused():
    raise redis.ConnectionError("Connection refused")


def test_while_redis_fails_the_fallback_answers_and_the_outage_is_logged_once(caplog):
    calls = []

    def tried():
        calls.append(1)
        refused()

    with caplog.at_level(logging.ERROR, logger="jii_campaign.cache_outage"):
        answers = [
            cache_outage.shared_or(tried, lambda: "instead", "done instead") for _ in range(5)
        ]

    assert answers == ["instead"] * 5
    assert len(calls) == 1  # left alone for RETRY_SECONDS after the failure
    assert [r.getMessage() for r in caplog.records] == [
        "Shared cache (Redis) unavailable (ConnectionError): done instead"
    ]


def test_once_redis_answers_again_it_is_used_and_said_so(caplog, monkeypatch):
    cache_outage.shared_or(refused, lambda: None, "done instead")
    monkeypatch.setattr(cache_outage, "_skip_until", 0.0)  # the second of rest is over
    caplog.clear()

    with caplog.at_level(logging.WARNING, logger="jii_campaign.cache_outage"):
        answer = cache_outage.shared_or(lambda: "shared", lambda: "instead", "done instead")

    assert answer == "shared"
    assert [r.getMessage() for r in caplog.records] == ["Shared cache (Redis) reachable again"]


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("10/m", (10, 60)), ("3/10m", (3, 600)), ("100/h", (100, 3600)), ("5/d", (5, 86400))],
)
def test_rates_read_as_django_ratelimit_reads_them(rate, parsed):
    assert ratelimits.parsed_rate(rate) == parsed


def test_counted_here_a_limit_stops_the_request_after_the_rate():
    answers = [ratelimits._counted_here("test.ip", "198.51.100.7", "2/5m") for _ in range(4)]

    assert answers == [False, False, True, True]
