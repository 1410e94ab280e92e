"""Plain data passed between the pipeline's stages.

Everything here is a frozen dataclass built from stdlib types only. Third-party
objects (feedparser dicts, httpx responses, sqlite rows) are converted at the door
by the adapter that received them and never travel further.

Flow:  FeedSpec -> (fetch) FetchResult -> (parse) Item -> (topics) TopicMatch
       -> (stories) StoryMatch -> (figures) Figure -> (divergence) Divergence
       -> (store) alert + outbox rows
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FeedSpec:
    """One feed as configured in feeds.yaml."""

    url: str
    name: str
    interval: int = 900  # seconds between polls
    enabled: bool = True
    lang: str | None = None  # "de", "en", "ru", "ko"; None = guess per item
    fulltext: bool = False  # fetch each new entry's article page and extract its main text


@dataclass(frozen=True)
class FetchResult:
    """What one HTTP (or file://) fetch of a feed returned."""

    url: str  # the URL finally fetched (after redirects)
    status: int  # HTTP status; 200 for a file:// read
    body: bytes  # empty on 304
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    etag: str | None = None
    last_modified: str | None = None
    # Where the feed now lives when every redirect followed was permanent (301/308);
    # None when there was no redirect or one of them was temporary (302/303/307).
    moved_to: str | None = None
    # A Last-Modified not kept because it is implausible, and why, e.g.
    # "Thu, 01 Jan 1970 00:00:00 GMT (before 1995)"; ``last_modified`` is then None.
    dropped_last_modified: str | None = None


@dataclass(frozen=True)
class Item:
    """One article, from a feed entry or a local text file, as plain text."""

    source: str  # the outlet: feed name, or the .txt file name without extension
    guid: str  # identity within the source (feed guid, canonical link, or content hash)
    title: str
    text: str  # plain-text body, HTML already removed
    url: str | None
    published: datetime  # timezone-aware, UTC
    lang: str | None = None  # "de", "en", "ru", "ko" or None when unknown
    feed_url: str | None = None  # the feed it came from, None for local files


@dataclass(frozen=True)
class StoredEntry:
    """A stored item as entry identity sees it (issue 14): what its feed said, and the
    key it is stored under. A new entry may be this item under another key."""

    source: str
    guid: str
    title: str
    text: str
    url: str | None
    published: datetime


@dataclass(frozen=True)
class TopicMatch:
    """Whether an item belongs to a configured topic, and why."""

    topic: str | None  # name of the first matching topic; None = skipped
    reason: str  # human-readable: which terms matched, or what was missing


@dataclass(frozen=True)
class Candidate:
    """A stored item, as the story matcher needs to see it."""

    item_id: int
    story_id: int
    source: str
    title: str
    text: str
    published: datetime
    duplicate_of: int | None = None
    lang: str | None = None  # as stored: the feed's word, or monitor.lang's guess
    last_seen: datetime | None = None  # the latest of it and its reprints; None = published


@dataclass(frozen=True)
class StoryMatch:
    """Where a new item goes: an existing story (maybe as a reprint) or a new one."""

    story_id: int | None  # None = start a new story
    duplicate_of: int | None  # item id this item is a near-identical copy of
    score: float  # 0..100, the strength of the best match (0 for a new story)
    reason: str
    # The item's same-story keys (names, figures, rare words), for the candidate index.
    keys: tuple[str, ...] = ()
    # The item's embedding (float16 blob; monitor.stories.embedding), None without the
    # multilingual extra: stored so that nothing is embedded twice.
    vector: bytes | None = None
    vector_model: str | None = None  # the encoder that made it
    # Other stories this item also belongs to (one of their items passes the same-story
    # test with it): two stories of one event, started apart, become one (issue 13).
    also: tuple[int, ...] = ()


# Issue 12: what kind of statement a figure is (``Figure.modality``). Only asserted
# figures are compared; the others are stored, shown and explained.
ASSERTED = "asserted"  # put forward as so: "11,000 soldiers are in Kursk"
PROJECTED = "projected"  # possible or expected: "could send up to 100,000"
DENIED = "denied"  # a figure someone denies: "Moscow dismissed reports that 10,000 ..."
HYPOTHETICAL = "hypothetical"  # conditional: "if 50,000 were sent, ..."
RETRACTED = "retracted"  # withdrawn by its own outlet: "an earlier version said 15,000"
MODALITIES = (ASSERTED, PROJECTED, DENIED, HYPOTHETICAL, RETRACTED)

# Issue 12: over what time a count counts (``Figure.basis``); None = the text does not say.
CUMULATIVE = "cumulative"  # a running total: "so far", "insgesamt", "всего", "지금까지"
PER_PERIOD = "per_period"  # a toll of one period: "last week", "за сутки" (see ``period``)
DISPATCH = "dispatch"  # a one-off dispatch pledged or announced: "will send 1,000"
IN_PLACE = "in_place"  # a count in place now: "11,000 soldiers are in Kursk"
BASES = (CUMULATIVE, PER_PERIOD, DISPATCH, IN_PLACE)
PERIODS = ("day", "week", "month", "year")

# Issue 12: a partitive gives two figures with two roles: "300 of the 11,000 ... killed"
# is killed 300 (the part) and troops 11,000 (the whole).
PART, WHOLE = "part", "whole"

# Issue 12: the kinds of alert, and whether one still stands.
CONTRADICTION = "contradiction"  # two sources disagree about one quantity at about one time
UPDATE = "update"  # a running total moved with time ("rose from 11,000 to 14,000")
CORRECTION = "correction"  # an outlet corrected its own figure
ALERT_KINDS = (CONTRADICTION, UPDATE, CORRECTION)
ACTIVE, WITHDRAWN = "active", "withdrawn"
ALERT_STATUSES = (ACTIVE, WITHDRAWN)


@dataclass(frozen=True)
class Figure:
    """One number read from a text.

    ``low == high`` for a point value; ``high is None`` for an open upper bound
    ("more than 1,000"); ``low is None`` for an open lower bound ("up to 5,000").
    ``claim`` is None for a number that counts nothing we track (a year, a price).
    """

    claim: str | None  # claim kind, e.g. "troops", "deminers", "killed"
    low: int | None
    high: int | None
    hedge: str | None  # "about", "more than", "at least", "up to", "between", "several"
    text: str  # the quoted span, as written
    start: int = 0  # character offsets of the number in the analysed text
    end: int = 0
    # "increment" for "another 3,000"; "deployment" for "will send 1,000"; None for a total
    modifier: str | None = None
    attribution: str | None = None  # who is cited: "South Korean intelligence"
    # Issue 5: the scope a count speaks of. Figures whose scopes are both known and differ
    # are never compared ("Russian soldiers killed" vs "North Korean soldiers killed").
    scope: str | None = None  # whose: "north_korean", "russian", "ukrainian"
    place: str | None = None  # where: "kursk", "russia", "ukraine"
    # Issue 12: see MODALITIES, BASES, PERIODS, PART/WHOLE above.
    modality: str = ASSERTED
    basis: str | None = None
    period: str | None = None  # for basis PER_PERIOD: "day", "week", "month", "year"
    role: str | None = None  # PART or WHOLE of a partitive; None otherwise

    @property
    def claim_key(self) -> str | None:
        """What two figures must share to be compared: the kind, a meaning-changing
        modifier ("troops/deployment"), and the period of a per-period count
        ("killed/per_week"), which is its own claim, never compared with a total."""
        if self.claim is None:
            return None
        key = self.claim if self.modifier is None else f"{self.claim}/{self.modifier}"
        if self.basis == PER_PERIOD:
            key += f"/per_{self.period or 'period'}"
        return key


@dataclass(frozen=True)
class Reported:
    """A figure already stored, with where and when it was reported."""

    figure_id: int
    item_id: int
    story_id: int
    source: str
    url: str | None
    published: datetime
    figure: Figure


@dataclass(frozen=True)
class Divergence:
    """A new figure that disagrees with every earlier figure of the same claim: a
    contradiction, or (``kind`` UPDATE) a running total that moved with time."""

    new: Figure
    contradicts: tuple[Reported, ...]
    reason: str
    kind: str = CONTRADICTION  # or UPDATE: a running total that moved with time


@dataclass(frozen=True)
class TopicRule:
    """A topic: an item belongs when every group in ``all_of`` has a term in the text
    and no term of ``none_of`` does. ``match_all`` accepts every item (follow whole feeds).

    Terms are case-insensitive word prefixes ("nordkorea" matches "Nordkoreas",
    "nordkoreanische"); terms in scripts without word spaces (Korean) match anywhere.
    """

    name: str
    all_of: tuple[tuple[str, ...], ...] = ()
    none_of: tuple[str, ...] = ()
    match_all: bool = False


@dataclass(frozen=True)
class DivergenceRules:
    """How far a figure may be widened before it is said to contradict another.

    ``tolerance`` maps a hedge ("about", "between", ...; "" for a plain number) to a
    fraction by which the figure's interval is widened on both sides.
    ``window_days``: only figures reported within this many days are compared.
    """

    tolerance: tuple[tuple[str, float], ...] = (
        ("", 0.0),
        ("about", 0.10),
        ("between", 0.0),
        ("more than", 0.0),
        ("at least", 0.0),
        ("up to", 0.0),
        ("several", 0.0),
    )
    window_days: int = 180
    # Issue 5: how a vague amount ("several thousand", "Tausende") is compared: "ignore"
    # (never: too loose to contradict or be contradicted), "lower_bound" (at least 2,000)
    # or "range" (2,000-9,999).
    vague: str = "ignore"
    # Issue 5: compare only figures whose scope (whose, where) agrees or is unknown.
    match_scope: bool = True

    def tolerance_for(self, hedge: str | None) -> float:
        return dict(self.tolerance).get(hedge or "", 0.0)


@dataclass(frozen=True)
class Analysis:
    """Everything the pipeline decided about one item; the store writes it in one transaction.

    ``match`` and ``figures`` are empty/None for an item outside every topic (kept as skipped).
    Each ``Divergence.new`` is one of ``figures`` (compared by identity/equality).
    """

    item: Item
    topic: TopicMatch
    match: StoryMatch | None
    figures: tuple[Figure, ...] = ()
    divergences: tuple[Divergence, ...] = ()


@dataclass(frozen=True)
class ClaimTerms:
    """Issue 5: extra words naming a claim kind in one language, from feeds.yaml ``claims:``.

    German and Korean stems also match inside compounds; English and Russian ones at the
    start of a word. A kind that is not shipped becomes a new claim kind.
    """

    kind: str
    lang: str
    stems: tuple[str, ...]
