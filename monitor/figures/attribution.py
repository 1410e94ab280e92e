"""Who is cited for a figure, in its sentence: "nach Angaben X", "according to X", "X said",
"по данным X", "как сообщил X", "X에 따르면".
"""

from __future__ import annotations

import re
from functools import lru_cache

from monitor.figures.clauses import MONTHS, sentence_span

# Attribution: who is cited, sentence-local. Each pattern's group "x" starts the source.
_SOURCE_AFTER = re.compile(
    r"\b(?:nach\s+(?:angaben|schätzung(?:en)?|erkenntnissen|informationen)|laut|according\s+to|citing|по\s+(?:данным|словам|оценкам?|"
    r"информации))\s+(?:(?:des|der|von|dem|den|the)\s+)?(?P<x>[^,;:.()\d]{2,90})",
    re.I,
)
# "X zufolge", "X said": find the verb first, then read the words before it (a pattern that
# starts with "any text" would be tried at every position of the sentence).
_SOURCE_VERB = re.compile(
    r"\s(?:zufolge|said|says|estimated|estimates|reported|claimed|told)\b", re.I
)
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_SOURCE_LEFT_EDGE = re.compile(r"[,;:.()\d\"“„]")
_SOURCE_SAID_AFTER = re.compile(
    r"(?:,|\")\s*(?:said|according to|told)\s+(?:the\s+)?(?P<x>[^,;:.()\d]{2,80})", re.I
)
# "teilte der NIS mit", "sagte Gerassimow", "국정원에 따르면"
_SOURCE_VERB_FIRST = re.compile(
    r"\b(?:teilte|sagte|erklärte|berichtete|meldete|schätzte)\s+(?P<x>[^,;:.()\d]{2,60}?)"
    r"(?:\s+mit\b|\s*[,.;:]|$)"
    r"|(?P<ko>(?:[^\s,]+\s(?=(?:발표|보고서|분석|자료|집계|추산)에))?[^\s,]+)에\s*따르면",
    re.I,
)
# Russian: "..., заявил представитель Минобороны", "как сообщил Генштаб".
_SOURCE_RU_VERB = re.compile(
    r"(?:[,—–]\s*|\bкак\s+)(?:заявил[аи]?|сообщил[аи]?|сказал[аи]?|уточнил[аи]?|отметил[аи]?"
    r"|сообщает|сообщают|передает|передаёт|пишет|считают|утверждает)\s+(?P<x>[^,;:.()\d]{2,80})",
    re.I,
)
# Korean: the topic-marked subject of a reporting verb at the sentence end,
# "우크라이나 정보당국은 ... 밝혔다".
_SOURCE_KO_TOPIC = re.compile(
    r"^\s*(?P<ko>[가-힣A-Za-z·]+(?:\s[가-힣A-Za-z·]+){0,2}?)(?:은|는)\s"
    r".*(?:밝혔다|전했다|추정했다|말했다|발표했다|주장했다|보고했다|분석했다)",
)
# "nach russischen Angaben", "nach südkoreanischen Schätzungen": the adjective is the source.
_SOURCE_ADJECTIVE = re.compile(
    r"\bnach\s+(?P<x>[^\W\d_]+(?:en|er)\s+(?:angaben|schätzung(?:en)?|erkenntnissen|informationen))\b",
    re.I,
)
_SOURCE_WIE = re.compile(
    r"\bwie\s+(?P<x>[^,;:.()\d]{2,60}?)\s*(?:,[^.]*?)?\s+(?:mitteilte|berichtete|erklärte|"
    r"bekannt\s+gab|sagte|meldete|angab)\b",
    re.I,
)
_SOURCE_STOP = frozenset(
    {
        "zwischen",
        "between",
        "mehr",
        "more",
        "etwa",
        "rund",
        "über",
        "about",
        "around",
        "some",
        "that",
        "dass",
        "sind",
        "waren",
        "wurden",
        "seien",
        "hat",
        "haben",
        "soll",
        "sollen",
        "ist",
        "bereits",
        "noch",
        "on",
        "in",
        "im",
        "am",
        "last",
        "had",
        "has",
        "have",
        "was",
        "were",
        "is",
        "are",
        "nordkorea",
        "pjöngjang",
        "pyongyang",
        "north",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mindestens",
        "at",
        "up",
        "bis",
        "insgesamt",
        "also",
        "auch",
        "nearly",
        "almost",
        "as",
        "es",
        "sie",
        "er",
        "man",
        "heute",
        "gestern",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        *MONTHS.split("|"),
    }
)
_SOURCE_LEAD = frozenset(
    {"the", "der", "die", "das", "des", "dem", "den", "von", "a", "an", "в", "во", "на"}
)
_SOURCE_MAX_WORDS = 6


def attribution(text: str, pos: int, lang: str) -> str | None:
    """Who the sentence around text[pos] cites for its figures; None if no one."""
    start, end = sentence_span(text, pos)
    return _sentence_source(text[start:end], lang)


@lru_cache(maxsize=256)  # every figure of a sentence shares its source
def _sentence_source(sentence: str, lang: str) -> str | None:
    for pattern in (
        _SOURCE_ADJECTIVE,
        _SOURCE_AFTER,
        _SOURCE_WIE,
        _SOURCE_SAID_AFTER,
        _SOURCE_VERB_FIRST,
        _SOURCE_RU_VERB,
        _SOURCE_KO_TOPIC,
    ):
        for m in pattern.finditer(sentence):
            groups = m.groupdict()
            source = _trim_source(groups.get("x") or groups.get("ko") or "", False, lang)
            if source:
                return source
    for m in _SOURCE_VERB.finditer(sentence):
        # drop a parenthesis first: "The National Intelligence Service (NIS) said"
        left = _PARENTHESIS.sub("", sentence[max(0, m.start() - 90) : m.start()])
        edges = list(_SOURCE_LEFT_EDGE.finditer(left))
        source = _trim_source(left[edges[-1].end() :] if edges else left, True, lang)
        if source:
            return source
    return None


def _trim_source(raw: str, backwards: bool, lang: str) -> str | None:
    words = raw.split()
    if backwards:
        kept: list[str] = []
        for word in reversed(words):
            if word.lower() in _SOURCE_STOP or len(kept) >= _SOURCE_MAX_WORDS:
                break
            kept.insert(0, word)
        words = kept
    else:
        cut: list[str] = []
        for word in words:
            if word.lower() in _SOURCE_STOP or len(cut) >= _SOURCE_MAX_WORDS:
                break
            cut.append(word)
        words = cut
    while words and words[0].lower() in _SOURCE_LEAD:
        words = words[1:]
    if lang == "de":
        # A German source ends at its last noun: "westlicher Geheimdienste".
        while words and not words[-1][:1].isupper():
            words = words[:-1]
    if not words or not any(len(w) > 2 for w in words):
        return None
    return " ".join(words).strip(" \"“”„'")
