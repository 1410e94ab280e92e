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
_ASCII_WORD = re.compile(r"[A-Za-z]+")  # _WORD where no letter is beyond ASCII
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# The letters of each script, counted in C: Hangul syllables, jamo and compatibility jamo;
# Cyrillic.
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def guess(text: str) -> str | None:
    """Return "de", "en", "ru" or "ko" for ``text``, or None when it cannot tell."""
    sample = text[:SAMPLE_CHARS]
    if _WORD.search("".join(_NON_ASCII.findall(sample))) is None:
        # Every letter is ASCII (most English text, typographic quotes and dashes aside):
        # the words are runs of a-z, their letters all the letters, and no script counts;
        # the same answer as below for a fraction of the cost.
        words = _ASCII_WORD.findall(sample)
        if sum(map(len, words)) < MIN_LETTERS:
            return None  # also none at all
        return _by_stopwords(" ".join(words).lower().split(" "))
    letters = "".join(filter(str.isalpha, sample))
    if not letters:
        return None
    # A script tells the language from a few letters (one Hangul letter is a whole syllable);
    # telling German from English needs enough words to count stopwords.
    if len(_HANGUL.findall(letters)) >= HANGUL_SHARE * len(letters):
        return "ko"
    if len(_CYRILLIC.findall(letters)) >= CYRILLIC_SHARE * len(letters):
        return "ru"
    if len(letters) < MIN_LETTERS:
        return None
    return _by_stopwords([w.casefold() for w in _WORD.findall(sample)])


def _by_stopwords(words: list[str]) -> str | None:
    """German or English by whose stopwords occur more often among ``words``
    (casefolded), or None when too few occur or as many of each."""
    german = sum(map(GERMAN_STOPWORDS.__contains__, words))
    english = sum(map(ENGLISH_STOPWORDS.__contains__, words))
    if german + english < MIN_STOPWORDS or german == english:
        return None
    return "de" if german > english else "en"
