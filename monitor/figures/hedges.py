"""How sure a figure is, from the words around the number: hedges before it ("mehr als",
"about", "около", "최소"), "or more" after it, and increments ("weitere", "another",
"ещё", "추가") that make it a number added to an earlier one. Korean hedges that follow
the count are in ``korean``.
"""

from __future__ import annotations

import re
from functools import cache

from monitor.figures.numbers import Num
from monitor.figures.patterns import Literals, required, search_end

INCREMENT = frozenset(
    {
        "weitere",
        "weiteren",
        "weiterer",
        "weiteres",
        "zusätzliche",
        "zusätzlichen",
        "zusätzlicher",
        "additional",
        "another",
        "further",
        "more",
        "extra",
        "ещё",
        "еще",
        "дополнительно",
        "дополнительных",
        "추가",
    }
)
_INCREMENT_RE = (
    r"weitere[nrs]?|zusätzliche[nr]?|another|an\s+additional|additional"
    r"|a\s+further|further|ещё|еще|дополнительно|추가로?"
)

_HEDGE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "about",
        (
            "etwa",
            "rund",
            "ungefähr",
            "circa",
            "ca.",
            "zirka",
            "annähernd",
            "schätzungsweise",
            "fast",
            "knapp",
            "gut",  # "gut 14.000": a good 14,000
            "about",
            "around",
            "roughly",
            "approximately",
            "approx.",
            "some",
            "an estimated",
            "estimated",
            "nearly",
            "almost",
            "около",
            "примерно",
            "почти",
            "порядка",
            "약",
        ),
    ),
    (
        "more than",
        (
            "mehr als",
            "weit mehr als",
            "über",
            "more than",
            "well over",
            "over",
            "upwards of",
            "in excess of",
            "более",
            "свыше",
            "больше",
        ),
    ),
    (
        "at least",
        (
            "mindestens",
            "wenigstens",
            "at least",
            "no fewer than",
            "not less than",
            "no less than",
            "не менее",
            "как минимум",
            "최소",
        ),
    ),
    (
        "up to",
        ("bis zu", "up to", "as many as", "weniger als", "less than", "fewer than", "до", "최대"),
    ),
    ("between", ("zwischen", "between", "von", "from", "от", "между")),
)
_HEDGES: dict[str, str] = {word: hedge for hedge, words in _HEDGE_WORDS for word in words}
_HEDGE_BEFORE = re.compile(
    rf"(?:^|(?<=[\s(„\"“«]))(?:(?P<inc1>{_INCREMENT_RE})\s+)?"
    rf"(?:(?P<h>{'|'.join(re.escape(w) for w in sorted(_HEDGES, key=len, reverse=True))})\s+"
    r"(?:(?<=[а-яё]\s)(?:в|на)\s+)?)?"  # "оценил примерно в 1200": the hedge, then в/на
    rf"(?:(?P<inc2>{_INCREMENT_RE})\s+)?$",
    re.I,
)


@cache
def _hedge_literals() -> Literals:
    """The words a hedge or an increment is written with: where the words before a number
    hold none, there is no hedge to read and ``read_hedge`` skips its search."""
    return Literals([*_HEDGES, *(required(re.compile(_INCREMENT_RE, re.I)) or [""])])


# Russian word order may put a verb between "дополнительно" and the count.
RU_INCREMENT = re.compile(r"(?:ещё|еще|дополнительно)\s+[^\W\d_]+\s+$", re.I)
# "or more", "10,000-plus", "10,000-odd", "10.000 plus": at least the number
HEDGE_AFTER = re.compile(
    r"^\s+(?:oder mehr|und mehr|or more|and more|или более|с лишним|с небольшим)\b|^\+"
    r"|^-(?:plus|odd)\b|^\s+(?:plus|odd)\b(?!\s*[\d(])",
    re.I,
)
# "выросло до 600", "stieg bis auf 600": the number a change reaches, not an upper bound
_CHANGE_TO = re.compile(
    r"(?:вырос\w*|возрос\w*|увеличил\w*|сократил\w*|снизил\w*|упал\w*|дошл\w*|дошло"
    r"|stieg\w*|gestiegen|gesunken|sank|wuchs|gewachsen|rose|risen|climbed|grew|jumped)"
    r"(?:\s+\S+){0,3}\s+$",
    re.I,
)


def read_hedge(text: str, num: Num, ranged: bool, before: str) -> tuple[str | None, int, bool]:
    """Return (hedge, span start, increment word seen) from the words before the number."""
    m = search_end(_HEDGE_BEFORE, before) if _hedge_literals().found_in(before) else None
    if m is None or m.start() == m.end():
        return ("between" if ranged else None), num.start, False
    offset = num.start - len(before)
    increment = bool(m.group("inc1") or m.group("inc2"))
    word = (m.group("h") or "").lower()
    hedge = _HEDGES.get(word)
    start = offset + m.start()
    if word == "до" and _CHANGE_TO.search(before[: m.start("h")]):
        hedge, start = None, offset + m.end()  # "выросло до 600": rose to 600
    elif word in ("über", "over") and _preposition_use(before[: m.start("h")]):
        # "Berichte über 3.000 Soldaten": über after a noun means "about", not "more than".
        # (A capital before Russian "до" is a name: "в Россию до 100 тысяч" is up to.)
        hedge = None
        start = offset + (m.start("inc2") if m.group("inc2") else m.end())
    if hedge == "between" and not ranged:
        return None, (offset + m.start("inc2") if m.group("inc2") else num.start), increment
    if ranged and hedge not in ("between",):
        hedge = "between"
    return hedge, start, increment


def _preposition_use(before: str) -> bool:
    words = before.split()
    return bool(words) and words[-1][:1].isupper() and not words[-1].endswith((".", ":"))
