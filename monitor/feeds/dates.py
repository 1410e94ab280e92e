"""Pure: an item's date as the feed meant it, and what to do when it cannot be had.

``read(value)`` takes a date as a feed writes it (a ``str``) and gives an aware
``datetime`` in UTC, or None. It reads what feedparser misreads or cannot read:

* RFC 822 dates (``email.utils.parsedate_tz``) whose zone is an abbreviation outside
  RFC 822's own few (feedparser reads "CEST", "KST", "MSK" as UTC: hours off), or
  ``GMT+3`` / ``UTC+03:00``. ``ZONES`` holds the abbreviations news feeds use, in
  seconds east of UTC; a test checks each against the IANA database (``zoneinfo``).
* German and Russian day and month names ("Do, 31 Okt 2024", "Пт, 20 июн 2025",
  "20 июня 2025"): CLDR's names from Babel (format and stand-alone, abbreviated and
  wide, so Russian genitive "июня" too), plus their first three letters ("Sep",
  "сен"), are put into English before ``parsedate_tz`` reads the string.
* Korean dates ("2025년 6월 20일 (금) 오후 3:05", CLDR's ko pattern "y년 M월 d일"):
  without a zone they are Seoul time (+09:00), as feedparser's own Korean readers
  assume; morning and afternoon words are CLDR's ("오전", "오후").
* ISO 8601 with a zone abbreviation ("2025-06-17 09:30 CEST"): ``datetime.fromisoformat``.

A date without any zone is UTC (RFC 5322's "-0000", and feedparser's habit); a zone
word that is not in ``ZONES`` makes the date unreadable rather than guessed.

``choose`` decides an item's date from (raw string, feedparser's reading) pairs and
the fetch time: ours where feedparser has none or misreads the zone, else
feedparser's; the fetch time, with a ``Fallback`` saying why, when no date can be
read or the date lies more than ``FUTURE_SKEW`` after the fetch. ``describe`` words
a feed's fallbacks as one line per kind, for ``ParsedFeed.warnings``.

Why not dateparser (installed, via trafilatura): measured on this machine it costs
~250 ms to import, ~1 s for its first date and 8-10 ms per date after that, more than
feedparser spends on a whole 50-item feed (PERF-NOTES.md). Babel (a dependency
already) is loaded only when a date has a word that is neither English nor a zone.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz

from monitor.text import clean, counted

__all__ = [
    "FUTURE_SKEW",
    "RFC822_ZONES",
    "ZONES",
    "Fallback",
    "choose",
    "describe",
    "misread_zone",
    "read",
]

# A date this far after the fetch is a publisher's clock or time-zone error, not news
# from tomorrow; the fetch time is closer to the truth.
FUTURE_SKEW = timedelta(days=1)
SHOWN_WIDTH = 60  # characters of a raw date quoted in a warning
CACHE_SIZE = 4096  # distinct date strings remembered

_HOUR = 3600
# Zone abbreviations of news feeds, seconds east of UTC. Several are ambiguous; the
# reading chosen is the one news feeds mean: CST is US Central (RFC 822), not China;
# IST is India (Indian outlets write it; Ireland and Israel rarely do in feeds); BST is
# British Summer Time. MEZ and MESZ are CET and CEST in German.
ZONES: dict[str, int] = {
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5 * _HOUR,
    "EDT": -4 * _HOUR,
    "CST": -6 * _HOUR,
    "CDT": -5 * _HOUR,
    "MST": -7 * _HOUR,
    "MDT": -6 * _HOUR,
    "PST": -8 * _HOUR,
    "PDT": -7 * _HOUR,
    "AST": -4 * _HOUR,
    "ADT": -3 * _HOUR,
    "AKST": -9 * _HOUR,
    "AKDT": -8 * _HOUR,
    "HST": -10 * _HOUR,
    "WET": 0,
    "WEST": 1 * _HOUR,
    "BST": 1 * _HOUR,
    "CET": 1 * _HOUR,
    "CEST": 2 * _HOUR,
    "MET": 1 * _HOUR,
    "MEST": 2 * _HOUR,
    "MEZ": 1 * _HOUR,
    "MESZ": 2 * _HOUR,
    "EET": 2 * _HOUR,
    "EEST": 3 * _HOUR,
    "MSK": 3 * _HOUR,
    "IST": 5 * _HOUR + 30 * 60,
    "PKT": 5 * _HOUR,
    "WIB": 7 * _HOUR,
    "HKT": 8 * _HOUR,
    "SGT": 8 * _HOUR,
    "JST": 9 * _HOUR,
    "KST": 9 * _HOUR,
    "AEST": 10 * _HOUR,
    "AEDT": 11 * _HOUR,
    "NZST": 12 * _HOUR,
    "NZDT": 13 * _HOUR,
}
# The zone names RFC 822 defines (and UTC): feedparser and email.utils read these right.
RFC822_ZONES = frozenset(
    {"UT", "UTC", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"}
)
SEOUL = timezone(timedelta(hours=9))

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # CLDR numbers them from Monday = 0
_ENGLISH = frozenset(name.lower() for name in _MONTHS + _DAYS)
# Words that carry no date: German "Uhr" (o'clock), English "at".
_NOISE = frozenset({"uhr", "at"})
_OFFSET_START = frozenset("+-0123456789")
_NUMERIC_ZONE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
_OFFSET_ZONE = re.compile(r"^(?:GMT|UTC|UT)([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_COMMENT = re.compile(r"\s*\([^()]*\)\s*$")  # "+0200 (CEST)": the offset says it all
_DAY_WITH_DOT = re.compile(r"(\d)\.(?=\s|$)")  # German "31. Okt"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_KOREAN_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


@dataclass(frozen=True)
class Fallback:
    """Why an item was given the fetch time: ``kind`` is "unreadable" or "future"."""

    kind: str
    raw: str


def choose(
    candidates: Iterable[tuple[object, datetime | None]], fetched_at: datetime
) -> tuple[datetime, Fallback | None]:
    """The item's date (aware, UTC) and, when it is the fetch time, why.

    ``candidates`` are (raw string, feedparser's reading) in order of preference
    (published, updated, created). The first that gives a date decides. No candidate
    at all is no fallback: many feeds simply carry no dates.
    """
    return pick((reading(raw, theirs) for raw, theirs in candidates), fetched_at)


def reading(raw: object, theirs: datetime | None) -> tuple[str, datetime | None]:
    """(the date as written, stripped; what it says, or None): feedparser's reading
    ``theirs``, unless it has none or misreads the zone, where ours decides."""
    text = raw.strip() if isinstance(raw, str) else ""
    ours = read(text) if text and (theirs is None or misread_zone(text)) else None
    return text, ours or theirs


def pick(
    readings: Iterable[tuple[str, datetime | None]], fetched_at: datetime
) -> tuple[datetime, Fallback | None]:
    """``choose`` over dates already read (``reading``), in order of preference."""
    unreadable = ""
    for text, when in readings:
        if when is None:
            unreadable = unreadable or text
            continue
        if when > fetched_at + FUTURE_SKEW:
            return fetched_at, Fallback("future", text or when.isoformat())
        return when, None
    return fetched_at, Fallback("unreadable", unreadable) if unreadable else None


def from_struct(parsed: object) -> datetime | None:
    """feedparser's reading of a date (a struct_time, already in UTC) as a datetime."""
    if parsed is None:
        return None
    try:
        # timegm, unlike mktime, applies no local offset.
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)  # type: ignore[arg-type]
    except (OverflowError, ValueError, TypeError, OSError):
        return None


def describe(fallbacks: Sequence[Fallback]) -> list[str]:
    """One line per kind: "3 items with unreadable dates ('Blah 99'), given the fetch time"."""
    lines = []
    for kind, words in (("unreadable", "with unreadable dates"), ("future", "dated in the future")):
        same = [fallback for fallback in fallbacks if fallback.kind == kind]
        if same:
            shown = clean(same[0].raw, SHOWN_WIDTH)
            lines.append(f"{counted(len(same), 'item')} {words} ({shown!r}), given the fetch time")
    return lines


def misread_zone(value: str) -> bool:
    """Whether the date ends in a zone feedparser reads wrong (as UTC): "CEST", "GMT+3"."""
    parts = value.rsplit(None, 1)
    if not parts or parts[-1][:1] in _OFFSET_START:
        return False  # the common case, cheaply: a numeric offset (or no zone)
    parts = _COMMENT.sub("", value).split()
    if not parts:
        return False
    last = parts[-1]
    if _OFFSET_ZONE.match(last):
        return True
    return last.upper() in ZONES and last.upper() not in RFC822_ZONES


@functools.lru_cache(maxsize=CACHE_SIZE)
def read(value: str) -> datetime | None:
    """The date in UTC, or None when it cannot be read (see the module docstring)."""
    text = " ".join(_COMMENT.sub("", value).split())
    try:
        korean = _KOREAN_DATE.search(text)
        if korean:
            return _read_korean(korean, text[korean.end() :])
        text, offset = _split_zone(text)
        if not text:
            return None
        if _ISO.match(text):
            return _read_iso(text, offset or 0)
        return _read_rfc822(text, offset or 0)
    except (ValueError, OverflowError):  # _UnknownZone, or a day or hour out of range
        return None


class _UnknownZone(ValueError):
    """The date ends in a word that is no zone we know: its offset is not guessed."""


def _split_zone(text: str) -> tuple[str, int | None]:
    """(text without its zone, the zone's offset in seconds or None when none is written)."""
    parts = text.split()
    offset = None
    while parts:
        last = parts[-1]
        numeric = _NUMERIC_ZONE.match(last) or _OFFSET_ZONE.match(last)
        if numeric:  # wins over a name after it: "+0200 CEST"
            sign, hours, minutes = numeric.groups()
            seconds = int(hours) * _HOUR + int(minutes or 0) * 60
            return " ".join(parts[:-1]), -seconds if sign == "-" else seconds
        if offset is None and last.upper() in ZONES:
            offset = ZONES[last.upper()]
            parts.pop()
            continue
        if last.isalpha() and not _carries_date(last):
            raise _UnknownZone(last)
        break
    return " ".join(parts), offset


def _carries_date(word: str) -> bool:
    bare = word.rstrip(",.").lower()
    return bare in _ENGLISH or bare in _NOISE or _month_or_day(bare) is not None


def _read_iso(text: str, offset: int) -> datetime:
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone(timedelta(seconds=offset)))
    return when.astimezone(UTC)


def _read_rfc822(text: str, offset: int) -> datetime | None:
    words = []
    for word in _DAY_WITH_DOT.sub(r"\1", text).split():
        words.extend(_english(word))
    if not any(":" in word for word in words):
        words.append("00:00:00")  # a date without a time of day
    parts = parsedate_tz(" ".join(words))
    if parts is None:
        return None
    year, month, day, hour, minute, second = parts[:6]
    local = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return local - timedelta(seconds=offset)


def _english(word: str) -> list[str]:
    """The word with German or Russian names in English; [] for words that carry nothing."""
    bare = word.rstrip(",.").lower()
    if not bare.isalpha():
        return [word]
    if bare in _NOISE:
        return []
    name = bare if bare in _ENGLISH else _month_or_day(bare)
    if name is None:
        return [word]
    return [name + ("," if word.endswith(",") else "")]  # "Sept." is no month to email.utils


def _month_or_day(word: str) -> str | None:
    """English abbreviation ("Oct", "Thu") of a German or Russian month or day name."""
    key = word.rstrip(".").lower()
    if len(key) < 2 or key.isascii() and not key.isalpha():
        return None
    names = _localized_names()
    return names.get(key) or names.get(key[:3])


@functools.lru_cache(maxsize=1)
def _localized_names() -> dict[str, str]:
    """CLDR's de and ru month and day names (every form, lowercased, no dot), and the
    first three letters of month names where they name one month, to English."""
    from babel import Locale  # noqa: PLC0415 (loaded on first use: ~100 ms of CLDR data)

    names: dict[str, str] = {}
    stems: dict[str, set[str]] = {}
    for lang in ("de", "ru"):
        locale = Locale(lang)
        for table, english, first in ((locale.months, _MONTHS, 1), (locale.days, _DAYS, 0)):
            for context in ("format", "stand-alone"):
                for width in ("abbreviated", "wide"):
                    for number, name in table[context][width].items():
                        key = name.rstrip(".").lower()
                        names[key] = english[number - first]
                        if english is _MONTHS and len(key) >= 3:  # "Sep", "сен"
                            stems.setdefault(key[:3], set()).add(english[number - first])
    for stem, meanings in stems.items():
        if len(meanings) == 1:
            names.setdefault(stem, meanings.pop())
    return names


@functools.lru_cache(maxsize=1)
def _korean_words() -> tuple[frozenset[str], str, str]:
    """CLDR's Korean weekday names (short and long) and its words for a.m. and p.m."""
    from babel import Locale  # noqa: PLC0415 (loaded on first use)

    locale = Locale("ko")
    weekdays = {
        name for width in ("abbreviated", "wide") for name in locale.days["format"][width].values()
    }
    periods = locale.day_periods["format"]["abbreviated"]
    return frozenset(weekdays), periods["am"], periods["pm"]


def _read_korean(date: re.Match[str], rest: str) -> datetime:
    year, month, day = (int(group) for group in date.groups())
    weekdays, morning, afternoon = _korean_words()
    rest = re.sub(r"\([^()]*\)", " ", rest)  # "(금)"
    words = [word for word in rest.split() if word not in weekdays]
    rest, offset = _split_zone(" ".join(w for w in words if w not in (morning, afternoon)))
    hour = minute = second = 0
    clock = _CLOCK.search(rest)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        second = int(clock.group(3) or 0)
        if afternoon in words and hour < 12:
            hour += 12
        elif morning in words and hour == 12:
            hour = 0
    zone = SEOUL if offset is None else timezone(timedelta(seconds=offset))
    return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
