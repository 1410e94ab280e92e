"""Guess an article's language from its script and its commonest words.

Only the four languages the monitor follows are told apart: Cyrillic text is "ru",
Hangul text is "ko", Latin text is "de" or "en" by whichever language's stopwords occur
more often. Anything else, or too little text to tell, is None.
"""

from __future__ import annotations

import re

__all__ = ["guess"]


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (long lists stay readable)."""
    return frozenset(words.split())


# The opening of an article says enough; reading further only costs time.
SAMPLE_CHARS = 2_000
# Fewer letters than this (a bare headline fragment, a number) is not worth a guess.
MIN_LETTERS = 20
# A script must supply this share of the letters to decide the language on its own.
# Korean gets a lower bar: one Hangul syllable carries as much as two or three Latin
# letters, and Korean articles quote English names and acronyms freely.
HANGUL_SHARE = 0.3
CYRILLIC_SHARE = 0.5
# Latin text needs a few stopword hits before the count means anything.
MIN_STOPWORDS = 3

# Frequent function words that are NOT also frequent in the other language ("in", "an",
# "so", "was", "will" are left out on purpose).
GERMAN_STOPWORDS = _word_set(
    "der die das und nicht ist mit den dem des ein eine einer eines einem auf für von "
    "sich auch wird werden wurde wurden im zum zur bei nach aus dass sie er wie als noch "
    "über hat haben sind war oder aber nur vom"
)
ENGLISH_STOPWORDS = _word_set(
    "the and of to is with that for on are be by has have from this it at as which were "
    "been their said its not or but after would he she they"
)

_WORD = re.compile(r"[^\W\d_]+")


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def guess(text: str) -> str | None:
    """Return "de", "en", "ru" or "ko" for ``text``, or None when it cannot tell."""
    sample = text[:SAMPLE_CHARS]
    letters = [ch for ch in sample if ch.isalpha()]
    if not letters:
        return None
    # A script tells the language from a few letters (one Hangul letter is a whole syllable);
    # telling German from English needs enough words to count stopwords.
    if sum(map(_is_hangul, letters)) >= HANGUL_SHARE * len(letters):
        return "ko"
    if sum(map(_is_cyrillic, letters)) >= CYRILLIC_SHARE * len(letters):
        return "ru"
    if len(letters) < MIN_LETTERS:
        return None
    words = [w.casefold() for w in _WORD.findall(sample)]
    german = sum(w in GERMAN_STOPWORDS for w in words)
    english = sum(w in ENGLISH_STOPWORDS for w in words)
    if german + english < MIN_STOPWORDS or german == english:
        return None
    return "de" if german > english else "en"
