"""monitor.feeds.dates: zone abbreviations, German/Russian/Korean names, fallbacks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from monitor.feeds.dates import FUTURE_SKEW, ZONES, Fallback, choose, describe, misread_zone, read

FETCHED = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Each zone at 12:00 local on 17 June 2025 (or 15 January for the winter names).
@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("UT", utc(2025, 6, 17, 12)),
        ("UTC", utc(2025, 6, 17, 12)),
        ("GMT", utc(2025, 6, 17, 12)),
        ("Z", utc(2025, 6, 17, 12)),
        ("EST", utc(2025, 6, 17, 17)),
        ("EDT", utc(2025, 6, 17, 16)),
        ("CST", utc(2025, 6, 17, 18)),
        ("CDT", utc(2025, 6, 17, 17)),
        ("MST", utc(2025, 6, 17, 19)),
        ("MDT", utc(2025, 6, 17, 18)),
        ("PST", utc(2025, 6, 17, 20)),
        ("PDT", utc(2025, 6, 17, 19)),
        ("CET", utc(2025, 6, 17, 11)),
        ("CEST", utc(2025, 6, 17, 10)),
        ("MEZ", utc(2025, 6, 17, 11)),
        ("MESZ", utc(2025, 6, 17, 10)),
        ("MSK", utc(2025, 6, 17, 9)),
        ("KST", utc(2025, 6, 17, 3)),
        ("JST", utc(2025, 6, 17, 3)),
        ("EET", utc(2025, 6, 17, 10)),
        ("EEST", utc(2025, 6, 17, 9)),
        ("BST", utc(2025, 6, 17, 11)),
        ("IST", utc(2025, 6, 17, 6, 30)),
        ("cest", utc(2025, 6, 17, 10)),  # case does not matter
    ],
)
def test_zone_abbreviations(zone: str, expected: datetime) -> None:
    assert read(f"Tue, 17 Jun 2025 12:00:00 {zone}") == expected


IANA_CHECKED = [
    ("EST", "America/New_York", "2025-01-15"),
    ("EDT", "America/New_York", "2025-07-15"),
    ("CST", "America/Chicago", "2025-01-15"),
    ("CDT", "America/Chicago", "2025-07-15"),
    ("MST", "America/Denver", "2025-01-15"),
    ("MDT", "America/Denver", "2025-07-15"),
    ("PST", "America/Los_Angeles", "2025-01-15"),
    ("PDT", "America/Los_Angeles", "2025-07-15"),
    ("AKST", "America/Anchorage", "2025-01-15"),
    ("AKDT", "America/Anchorage", "2025-07-15"),
    ("HST", "Pacific/Honolulu", "2025-07-15"),
    ("AST", "America/Halifax", "2025-01-15"),
    ("ADT", "America/Halifax", "2025-07-15"),
    ("WET", "Europe/Lisbon", "2025-01-15"),
    ("WEST", "Europe/Lisbon", "2025-07-15"),
    ("GMT", "Europe/London", "2025-01-15"),
    ("BST", "Europe/London", "2025-07-15"),
    ("CET", "Europe/Berlin", "2025-01-15"),
    ("CEST", "Europe/Berlin", "2025-07-15"),
    ("EET", "Europe/Athens", "2025-01-15"),
    ("EEST", "Europe/Athens", "2025-07-15"),
    ("MSK", "Europe/Moscow", "2025-07-15"),
    ("IST", "Asia/Kolkata", "2025-07-15"),
    ("PKT", "Asia/Karachi", "2025-07-15"),
    ("WIB", "Asia/Jakarta", "2025-07-15"),
    ("HKT", "Asia/Hong_Kong", "2025-07-15"),
    ("JST", "Asia/Tokyo", "2025-07-15"),
    ("KST", "Asia/Seoul", "2025-07-15"),
    ("AEST", "Australia/Sydney", "2025-07-15"),
    ("AEDT", "Australia/Sydney", "2025-01-15"),
    ("NZST", "Pacific/Auckland", "2025-07-15"),
    ("NZDT", "Pacific/Auckland", "2025-01-15"),
]
# Names the IANA database does not use (or no longer uses), with the zone they equal.
ALIASES = {
    "UT": "GMT",
    "UTC": "GMT",
    "Z": "GMT",
    "MET": "CET",  # tzdata 2024b made MET a link to Europe/Brussels (CET/CEST)
    "MEST": "CEST",
    "MEZ": "CET",  # German for CET and CEST
    "MESZ": "CEST",
    "SGT": "HKT",  # Singapore: IANA writes "+08"
}


@pytest.mark.parametrize(("zone", "where", "when"), IANA_CHECKED)
def test_zone_table_agrees_with_the_iana_database(zone: str, where: str, when: str) -> None:
    try:
        local = datetime.fromisoformat(f"{when}T12:00").replace(tzinfo=ZoneInfo(where))
    except ZoneInfoNotFoundError:
        pytest.skip("no IANA time-zone database on this machine")
    assert local.tzname() == zone
    assert local.utcoffset() == timedelta(seconds=ZONES[zone])


def test_every_zone_is_checked_or_an_alias() -> None:
    for name, of in ALIASES.items():
        assert ZONES[name] == ZONES[of], name
    assert set(ZONES) == {zone for zone, _, _ in IANA_CHECKED} | set(ALIASES)


def test_misread_zones_are_the_ones_outside_rfc_822() -> None:
    assert misread_zone("Tue, 17 Jun 2025 09:30:00 CEST")
    assert misread_zone("Tue, 17 Jun 2025 09:30:00 GMT+3")
    assert not misread_zone("Tue, 17 Jun 2025 09:30:00 EDT")
    assert not misread_zone("Tue, 17 Jun 2025 09:30:00 +0200")
    assert not misread_zone("Tue, 17 Jun 2025 09:30:00 +0200 (CEST)")
    assert not misread_zone("")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Tue, 17 Jun 2025 09:30 GMT+3", utc(2025, 6, 17, 6, 30)),
        ("Tue, 17 Jun 2025 09:30 UTC+05:30", utc(2025, 6, 17, 4)),
        ("Tue, 17 Jun 2025 09:30:00 +0200 (CEST)", utc(2025, 6, 17, 7, 30)),
        ("Tue, 17 Jun 2025 09:30:00 +0200 CEST", utc(2025, 6, 17, 7, 30)),
        ("Tue, 17 Jun 2025 09:30:00", utc(2025, 6, 17, 9, 30)),  # no zone: UTC
        ("17 Jun 2025", utc(2025, 6, 17)),
        ("2025-06-17 09:30:00 CEST", utc(2025, 6, 17, 7, 30)),
        ("2025-06-17T09:30:00+02:00", utc(2025, 6, 17, 7, 30)),
        ("2025-06-17T09:30:00Z", utc(2025, 6, 17, 9, 30)),
    ],
)
def test_other_zone_spellings(written: str, expected: datetime) -> None:
    assert read(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Do, 31 Okt 2024 10:00:00 MEZ", utc(2024, 10, 31, 9)),
        ("Mo, 02 Dez 2024 08:00:00 +0100", utc(2024, 12, 2, 7)),
        ("Di, 17 Juni 2025 09:30:00 MESZ", utc(2025, 6, 17, 7, 30)),
        ("Sa, 01 Mär 2025 10:00:00 +0100", utc(2025, 3, 1, 9)),
        ("Mi, 14 Mai 2025 10:00:00 +0200", utc(2025, 5, 14, 8)),
        ("Donnerstag, 31. Oktober 2024, 10:15 Uhr MEZ", utc(2024, 10, 31, 9, 15)),
        ("Fr., 05. Sept. 2025 10:00:00 +0200", utc(2025, 9, 5, 8)),
        ("DO, 31 OKT 2024 10:00:00 +0100", utc(2024, 10, 31, 9)),
    ],
)
def test_german_names(written: str, expected: datetime) -> None:
    assert read(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Пт, 20 июн 2025 09:00:00 +0300", utc(2025, 6, 20, 6)),
        ("Пятница, 20 июня 2025 10:00 MSK", utc(2025, 6, 20, 7)),  # genitive
        ("Сб, 01 мар 2025 10:00:00 +0300", utc(2025, 3, 1, 7)),
        ("Чт, 01 мая 2025 10:00:00 +0300", utc(2025, 5, 1, 7)),
        ("20 сен 2025 10:00 +0300", utc(2025, 9, 20, 7)),
        ("Вт, 04 февр. 2025 10:00:00 +0300", utc(2025, 2, 4, 7)),
        ("ПН, 01 ДЕК 2025 10:00:00 +0300", utc(2025, 12, 1, 7)),
    ],
)
def test_russian_names(written: str, expected: datetime) -> None:
    assert read(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2025년 6월 20일 (금) 오후 3:05", utc(2025, 6, 20, 6, 5)),  # no zone: Seoul
        ("2025년 6월 20일 오전 12:30", utc(2025, 6, 19, 15, 30)),
        ("2025년 06월 20일 금요일 18:00:00 KST", utc(2025, 6, 20, 9)),
        ("2025년 6월 20일 09:00:00 +0000", utc(2025, 6, 20, 9)),
        ("2025년 6월 20일", utc(2025, 6, 19, 15)),
    ],
)
def test_korean_dates(written: str, expected: datetime) -> None:
    assert read(written) == expected


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "Blah 99",
        "yesterday",
        "Tue, 17 Jun 2025 09:30:00 XYZ",  # a zone we do not know is not guessed
        "Wed, 31 Feb 2025 10:00:00 GMT",
        "Tue, 17 Jun 2025 29:30:00 GMT",
        "2025년 13월 40일",
        "9999999999999999999-01-01",
        "\x1b[31mTue\x1b[0m",
    ],
)
def test_garbage_is_unreadable(garbage: str) -> None:
    assert read(garbage) is None


def test_choose_prefers_our_reading_when_feedparser_misreads_the_zone() -> None:
    as_utc = utc(2025, 6, 17, 9, 30)  # what feedparser makes of CEST
    assert choose([("Tue, 17 Jun 2025 09:30:00 CEST", as_utc)], FETCHED) == (
        utc(2025, 6, 17, 7, 30),
        None,
    )


def test_choose_keeps_feedparser_when_it_reads_right() -> None:
    theirs = utc(2025, 6, 17, 13, 30)
    assert choose([("Tue, 17 Jun 2025 09:30:00 EDT", theirs)], FETCHED) == (theirs, None)
    # a format we do not read at all: feedparser's reading stands
    assert choose([("some W3C-DTF oddity", theirs)], FETCHED) == (theirs, None)


def test_choose_reads_what_feedparser_could_not() -> None:
    written = "Пт, 20 июн 2025 09:00:00 +0300"
    assert choose([(written, None)], FETCHED) == (utc(2025, 6, 20, 6), None)


def test_choose_takes_the_next_date_when_the_first_is_unreadable() -> None:
    candidates = [("Blah 99", None), ("Tue, 17 Jun 2025 09:30:00 GMT", utc(2025, 6, 17, 9, 30))]
    assert choose(candidates, FETCHED) == (utc(2025, 6, 17, 9, 30), None)


def test_an_unreadable_date_falls_back_to_the_fetch_time_with_a_reason() -> None:
    assert choose([("Blah 99", None), (None, None)], FETCHED) == (
        FETCHED,
        Fallback("unreadable", "Blah 99"),
    )


def test_no_date_at_all_is_no_fallback() -> None:
    assert choose([(None, None), ("", None)], FETCHED) == (FETCHED, None)


def test_a_future_date_falls_back_to_the_fetch_time() -> None:
    tomorrow_and_more = FETCHED + FUTURE_SKEW + timedelta(minutes=1)
    written = "Sun, 22 Jun 2025 12:00:00 GMT"
    assert choose([(written, tomorrow_and_more)], FETCHED) == (
        FETCHED,
        Fallback("future", written),
    )
    within_skew = FETCHED + timedelta(hours=5)  # a publisher's clock a little ahead
    assert choose([("", within_skew)], FETCHED) == (within_skew, None)


def test_describe_gives_one_safe_line_per_kind() -> None:
    fallbacks = [
        Fallback("unreadable", "Blah\x1b[2J 99"),
        Fallback("future", "Sun, 22 Jun 2099 12:00:00 GMT"),
        Fallback("unreadable", "Nope"),
        Fallback("unreadable", "x" * 200),
    ]
    lines = describe(fallbacks)
    assert lines[0] == "3 items with unreadable dates ('Blah 99'), given the fetch time"
    assert lines[1] == (
        "1 item dated in the future ('Sun, 22 Jun 2099 12:00:00 GMT'), given the fetch time"
    )
    assert describe([Fallback("unreadable", "x" * 200)])[0].count("x") < 70
    assert describe([]) == []
