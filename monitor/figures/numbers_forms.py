"""German and English number forms built on a unit word: dozens ("a dozen", "drei Dutzend",
"3 dzs"), fractions of a scale word ("half a million", "a quarter of a million", "a
million and a half", "five and a half thousand", "eine halbe Million", "anderthalbtausend",
"zweieinhalb Millionen", "eine Viertelmillion"). ``find_forms`` returns each as
(start, end, value, scale) for ``numbers`` to turn into a ``Num``; these spans win over the
plain digit and word readings that overlap them. Russian and Korean forms of the same
families are read in ``numbers_ru`` and ``numbers_ko``.
"""

from __future__ import annotations

import re

from text_to_num import text2num

from monitor.figures.patterns import may_match

_EN_UNITS = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}
_DE_UNITS = {
    "dutzend": 12,
    "hundert": 100,
    "tausend": 1_000,
    "million": 10**6,
    "millionen": 10**6,
    "milliarde": 10**9,
    "milliarden": 10**9,
}
_EN_FRACTIONS = {"half": 0.5, "quarter": 0.25, "quarters": 0.75}

_EN_MORPH = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety"
)
# one number word ("five", "twenty-two") or digits: the multiplier of a unit word
_EN_ONE = rf"(?:\d+(?:[.,]\d+)?|(?:{_EN_MORPH})(?:-(?:{_EN_MORPH}))?)"
_EN_SCALE = r"(?P<unit>dozen|hundred|thousand|million|billion|trillion)s?"
_EN_FRAC = (
    r"(?:(?:a|one)\s+)?(?P<f>half)(?:\s+(?:of\s+)?an?)?"
    r"|(?:(?:a|one)\s+)?(?P<f2>quarter)(?:\s+of)?(?:\s+an?)?"
    r"|three[\s-](?P<f3>quarters?)(?:\s+of)?(?:\s+an?)?"
)
_DENOMINATORS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "quarter": 4,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "twelfth": 12,
    "twentieth": 20,
    "hundredth": 100,
    "thousandth": 1_000,
}
_DEN = r"(?:halves|" + "|".join(d for d in _DENOMINATORS if d != "halves") + r")s?"
# a run of number words: "one hundred and thirty", "ninety - five hundred"
_EN_RUN = (
    rf"(?:{_EN_MORPH}|hundred|thousand|million)"
    rf"(?:(?:\s+and\s+|\s*-\s*|\s+)(?:{_EN_MORPH}|hundred|thousand|million))*"
)
_EN_AND_FRAC = (
    r"and\s+(?:(?:a|one)\s+(?P<af>half|quarter)|three\s+(?P<af3>quarters)"
    rf"|(?P<an>{_EN_ONE})\s+(?P<aden>{_DEN}))"
)
_EN = tuple(
    re.compile(rf"\b(?:{form})\b")
    for form in (
        # "half a million", "a quarter of a million", "three quarters of a million"
        rf"(?:{_EN_FRAC})\s+{_EN_SCALE}",
        # "five and a half million", "2 and a quarter thousand"
        rf"(?P<n>{_EN_ONE})\s+{_EN_AND_FRAC}\s+{_EN_SCALE}",
        # "a million and a half", "3 million and a quarter" (not "... and a half million")
        rf"(?P<m>{_EN_ONE}|an?)\s+{_EN_SCALE}\s+{_EN_AND_FRAC}"
        r"(?!\s+(?:dozen|hundred|thousand|million|billion|trillion))",
        # "a dozen", "three dozens", "3 dzs"
        rf"(?P<d>{_EN_ONE}|an?)\s+(?P<unit>dozens?|dozs?|dzs?)(?![\w-])",
        # "twenty fifths" (4), "two thirds" (no whole number), "a quarter"
        rf"(?P<q>{_EN_RUN}|an?)[\s-]+(?P<den>{_DEN})(?!\s+(?:of\s+)?an?\s)",
    )
)

_DE_MORPH = (
    r"eins|ein|zwei|zwo|drei|vier|fünf|sechs|sech|sieben|sieb|acht|neun|zehn|elf|zwölf"
    r"|zwanzig|dreißig|dreissig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig|hundert|und"
)
_DE_ONE = rf"(?:\d+|(?:{_DE_MORPH})+)"
_DE_SCALE = r"(?P<unit>dutzend|hundert|tausend|millionen|million|milliarden|milliarde)"
_DE = (
    # "eine halbe Million", "anderthalbtausend", "fünf und drei Viertel Milliarde(n)"
    re.compile(
        rf"(?<![^\W\d_])(?:(?P<n>{_DE_ONE})\s+und\s+)?"
        r"(?:(?P<anderthalb>anderthalb)|(?P<x>(?:" + _DE_MORPH + r")+?)einhalb"
        r"|ein(?:e[mnrs]?)?\s+(?P<halb>halbe[mnrs]?)|(?P<halb2>halbe[mnrs]?)"
        r"|(?:ein(?:e[mnrs]?)?\s*)?(?P<viertel>viertel)|(?P<dv>drei\s*viertel)"
        rf")\s*{_DE_SCALE}(?![^\W\d_])"
    ),
    # "ein Dutzend", "fünf Dutzend"
    re.compile(rf"(?<![^\W\d_])(?P<d>ein(?:e[mnrs]?)?|{_DE_ONE})\s+(?P<unit>dutzend)(?![^\W\d_])"),
)


def _one(word: str, lang: str) -> float | None:
    """The value of one multiplier: digits, an article, or one number word."""
    if word in ("a", "an", "ein", "eine", "einem", "einen", "einer", "eines"):
        return 1
    if word[0].isdigit():
        return float(word.replace(",", "."))
    try:
        return float(text2num(word, lang))
    except (ValueError, TypeError):
        return None


def _denominator(word: str) -> int:
    return _DENOMINATORS.get(word, _DENOMINATORS.get(word[:-1], 1))


def _en_value(m: re.Match[str]) -> tuple[float, int] | None:
    groups = m.groupdict()
    if groups.get("q") is not None:
        head = _one(re.sub(r"\s*-\s*", "-", groups["q"]), "en")
        return (head / _denominator(groups["den"]), 1) if head is not None else None
    if groups.get("d") is not None:
        head = _one(groups["d"], "en")
        return (head * 12, 12) if head is not None else None
    unit = _EN_UNITS[groups["unit"]]
    fraction = next((_EN_FRACTIONS[groups[g]] for g in ("f", "f2", "af") if groups.get(g)), 0.0)
    if groups.get("af3") or groups.get("f3"):
        fraction = 0.75
    if groups.get("an"):
        part = _one(groups["an"], "en")
        if part is None or unit < 1_000:  # "one hundred and thirty fifths" is 130/5
            return None
        fraction = part / _denominator(groups["aden"])
    whole_word = groups.get("n") or groups.get("m")
    whole = _one(whole_word, "en") if whole_word else 0.0
    if whole is None:
        return None
    return (whole + fraction) * unit, unit


def _de_value(m: re.Match[str]) -> tuple[float, int] | None:
    if m.groupdict().get("d") is not None:
        head = _one(m.group("d"), "de")
        return (head * 12, 12) if head is not None else None
    unit = _DE_UNITS[m.group("unit")]
    if m.group("anderthalb"):
        fraction: float | None = 1.5
    elif m.group("x"):
        whole = _one(m.group("x"), "de")
        fraction = whole + 0.5 if whole is not None else None
    elif m.group("halb") or m.group("halb2"):
        fraction = 0.5
    elif m.group("dv"):
        fraction = 0.75
    else:
        fraction = 0.25
    head = _one(m.group("n"), "de") if m.group("n") else 0.0
    if fraction is None or head is None:
        return None
    return (head + fraction) * unit, unit


def find_forms(lowered: str, lang: str) -> list[tuple[int, int, float, int]]:
    """(start, end, value, scale) of each dozen or fraction form in the lower-cased text;
    a value that is no whole number ("two thirds") is no count, which ``numbers`` marks."""
    if lang not in ("en", "de"):
        return []
    patterns, read = (_EN, _en_value) if lang == "en" else (_DE, _de_value)
    found = []
    for pattern in patterns:
        if not may_match(pattern, lowered):  # no unit word it needs: "dozen", "half", ...
            continue
        for m in pattern.finditer(lowered):
            value = read(m)
            if value is not None:
                found.append((m.start(), m.end(), float(value[0]), value[1]))
    out: list[tuple[int, int, float, int]] = []
    for form in sorted(found, key=lambda f: (f[0] - f[1], f[0])):  # the longest first
        if not any(s < form[1] and form[0] < e for s, e, _, _ in out):
            out.append(form)
    return sorted(out)
