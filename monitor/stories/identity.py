"""Is a new entry an item already stored under another key (issue 14)?

A feed's key for an entry (its guid, else its link) is not always stable: a link may
carry a fresh token on every request (``?sid=...``), and a headline edit may change the
slug in both link and guid. Such an entry is the stored item, not a new one, when it
comes from the same feed, bears the same date, and

* **link**: it is keyed by its link (no guid of its own, or one its feed repeated) and
  its link differs from the stored one only in query string or fragment, with the same
  title or the same text; or
* **edit**: its text is nearly the same (``near_identical``): a corrected article keeps
  its text but for a word or a figure; it is refreshed in place, and its figures are
  read again as for any re-delivered entry (monitor.pipeline).

Only a stored item whose own key the feed no longer lists may be taken: while the feed
still carries it, the other entry is another item. Reprints are a different question
(monitor.stories.matching) and are only ever between two sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal
from urllib.parse import urlsplit

from rapidfuzz.distance import LCSseq

from monitor.text import canonical_url, keyed_by_link
from monitor.types import Item, StoredEntry

__all__ = ["EDIT_MIN_RATIO", "EDIT_MIN_WORDS", "Same", "near_identical", "same_item"]

# Words both texts keep in order, as a share of all their words (2*LCS / total): an
# edited article keeps well above this (a changed figure or name in a paragraph costs a
# few points); two items of one outlet that merely share phrasing stay far below.
EDIT_MIN_RATIO = 90.0
# ...or the share of the shorter text found in order in the longer, when the shorter
# holds at least half as many words: a paragraph added to or cut from the article.
EDIT_MIN_CONTAINMENT = 95.0
EDIT_MIN_LENGTH_RATIO = 0.5
# Below this many words a text cannot tell one short post from another ("Fox in the
# snow, available today only." / "Paper boats, available today only.").
EDIT_MIN_WORDS = 8

_WORD = re.compile(r"\w+")

Same = Literal["link", "edit"]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def near_identical(new: str, old: str) -> bool:
    """Whether ``new`` is ``old`` edited: nearly all words kept, in order."""
    a, b = _words(new), _words(old)
    short, long = sorted((len(a), len(b)))
    if short < EDIT_MIN_WORDS:
        return False
    if a == b:
        return True
    common = LCSseq.similarity(a, b)  # words kept in order
    ratio = 200 * common / (short + long)
    containment = 100 * common / short
    return ratio >= EDIT_MIN_RATIO or (
        containment >= EDIT_MIN_CONTAINMENT and short >= EDIT_MIN_LENGTH_RATIO * long
    )


def _same_address(a: str, b: str) -> bool:
    """Same scheme, host and path: the links differ at most in query and fragment."""
    pa, pb = urlsplit(canonical_url(a)), urlsplit(canonical_url(b))
    return (pa.scheme, pa.netloc, pa.path) == (pb.scheme, pb.netloc, pb.path)


def same_item(item: Item, stored: Sequence[StoredEntry]) -> tuple[StoredEntry, Same] | None:
    """The stored entry ``item`` is under another key, and why; None when it is new.

    ``stored``: entries of ``item``'s feed stored with its date, whose keys the feed no
    longer lists (the caller's lookup). A match by link wins over an edit.
    """
    candidates = [
        entry
        for entry in stored
        if entry.source == item.source
        and entry.published == item.published
        and entry.guid != item.guid
    ]
    if item.url is not None and keyed_by_link(item.guid, item.url):
        for entry in candidates:
            if (
                entry.url is not None
                and _same_address(entry.url, item.url)
                and (entry.title == item.title or bool(item.text) and entry.text == item.text)
            ):
                return entry, "link"
    for entry in candidates:
        if near_identical(item.text, entry.text):
            return entry, "edit"
    return None
