"""monitor.feeds.schedule: intervals raised by freshness hints, clamped, jittered; backoff."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from monitor.feeds import schedule

NOW = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)


def test_cache_control_max_age() -> None:
    assert schedule.header_hint({"cache-control": "public, max-age=1800"}, NOW) == 1800
    assert schedule.header_hint({"cache-control": "s-maxage=10, max-age=600"}, NOW) == 600
    assert schedule.header_hint({"cache-control": "no-cache, max-age=600"}, NOW) is None
    assert schedule.header_hint({}, NOW) is None


def test_expires_is_measured_against_the_server_date() -> None:
    headers = {
        "expires": "Wed, 18 Jun 2025 13:00:00 GMT",
        "date": "Wed, 18 Jun 2025 12:30:00 GMT",  # the server's clock is 30 min ahead of ours
    }
    assert schedule.header_hint(headers, NOW) == 1800
    assert schedule.header_hint({"expires": "Wed, 18 Jun 2025 13:00:00 GMT"}, NOW) == 3600
    assert schedule.header_hint({"expires": "0"}, NOW) is None  # "already expired"
    assert schedule.header_hint({"expires": "Tue, 17 Jun 2025 13:00:00 GMT"}, NOW) is None


def test_feed_hints() -> None:
    assert schedule.feed_hint("60", None, None) == 3600
    assert schedule.feed_hint(None, "daily", "2") == 43200
    assert schedule.feed_hint(None, "hourly", None) == 3600
    assert schedule.feed_hint("5", "daily", "4") == 21600  # the larger one wins
    assert schedule.feed_hint("soon", "fortnightly", "x") is None


def test_effective_interval_is_raised_never_lowered_and_clamped() -> None:
    assert schedule.effective_interval(900, (None, 300), 60, 86400) == 900
    assert schedule.effective_interval(900, (3600, None), 60, 86400) == 3600
    assert schedule.effective_interval(900, (10**7,), 60, 86400) == 86400
    assert schedule.effective_interval(5, (), 60, 86400) == 60


def test_jitter_spreads_feeds_within_the_fraction() -> None:
    rng = random.Random(7)
    times = [schedule.with_jitter(NOW, 1000, 0.1, rng) for _ in range(200)]
    offsets = [(t - NOW).total_seconds() for t in times]
    assert min(offsets) >= 1000 and max(offsets) <= 1100
    assert len({round(o) for o in offsets}) > 50
    assert schedule.with_jitter(NOW, 1000, 0.0, rng) == NOW + timedelta(seconds=1000)


def test_backoff_doubles_per_failure_up_to_the_bound() -> None:
    assert [schedule.backoff(900, n, 86400) for n in (1, 2, 3, 4, 8, 500)] == [
        900,
        1800,
        3600,
        7200,
        86400,
        86400,
    ]


def test_retry_after_seconds_or_http_date() -> None:
    assert schedule.retry_after("120", NOW, 86400) == NOW + timedelta(seconds=120)
    assert schedule.retry_after("Wed, 18 Jun 2025 14:00:00 GMT", NOW, 86400) == NOW + timedelta(
        hours=2
    )
    assert schedule.retry_after("999999999", NOW, 86400) == NOW + timedelta(days=1)
    assert schedule.retry_after("Tue, 17 Jun 2025 14:00:00 GMT", NOW, 86400) == NOW
    assert schedule.retry_after("later please", NOW, 86400) is None
    assert schedule.retry_after(None, NOW, 86400) is None
