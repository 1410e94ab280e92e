"""Reading one number in context: whether it counts anything, and what.

The words just after it say whether it is a year, date, duration, percentage, price, age
or ordinal (never a claim, ``not_a_count``) or name what is counted (``counted``; "the
number of troops ... at 11,000" names it before, ``number_of_phrase``). Clause context then
refines the kind (``refine``): soldiers sent "for reconstruction" are builders, "were
killed" later in the clause makes it a casualty count.
"""

from __future__ import annotations

import re

from monitor.figures.clauses import (
    MONTH_AFTER,
    MONTHS,
    clause_span,
    next_word,
    sentence_span,
    tokens_after,
)
from monitor.figures.hedges import INCREMENT
from monitor.figures.lexicon import (
    CASUALTIES,
    CASUALTY_BEFORE,
    CASUALTY_BEFORE_V2,
    CASUALTY_VERBS,
    DEMINING,
    DESTROYED,
    DESTROYED_BEFORE,
    PEOPLE,
    PERCENT,
    PERSONNEL,
    RECONSTRUCTION,
    Vocabulary,
    kind_at,
)
from monitor.figures.numbers import Num, parse_number_words
from monitor.figures.patterns import any_of, search_end

_MONTH_BEFORE = re.compile(rf"\b(?:{MONTHS})\.?,?\s+$", re.I)

YEAR_BEFORE = re.compile(
    r"(?:\b(?:jahre?s?|jahr|year|seit|since|bis|until|anfang|ende|mitte|frühjahr|frühling"
    r"|sommer|herbst|winter|spring|summer|autumn|fall|early|late|mid|году|год)|\d,)\s+$"
    r"|\bin\s+$|\bim\s+$|\bof\s+$|-$",
    re.I,
)
_YEAR_SUFFIX = re.compile(r"^(?:er\b|s\b|'s\b|년|\s?г\.|\s?года?\b)", re.I)
# Korean months and days of the month: "1월 사상자", "9월에", "24일".
_KO_DATE_AFTER = re.compile(r"^(?:월|일)(?:에|엔|의|부터|까지|초|말|중순|하순|상순|께)?(?![가-힣])")
_PERCENT_AFTER = re.compile(rf"^{PERCENT}", re.I)
_MONEY_BEFORE = re.compile(r"(?:[$€£¥₩₽]|\b(?:usd|eur|us\$|rub|krw))\s?$", re.I)
_MONEY_AFTER = re.compile(
    r"^\s?(?:[$€£¥₩₽]|(?:us-)?dollar|euro|eur\b|usd\b|rubel|roubles?|rubles?|pfund|pounds?"
    r"\b|yuan|won\b|руб|долл|евро|원|달러)",
    re.I,
)
_AGE = re.compile(
    r"^(?:-|\s)(?:year-old|years?\s+old|jährig|jahre\s+alt|летн)"
    # Korean ages take particles and the copula: "25세인", "19세로", "20살이었으며"
    r"|^\s?(?:세|살)(?:[이가은는의로에인]|으로|이었\w*|였\w*|이며|이고|이다)?(?![가-힣])",
    re.I,
)
# "the number of North Korean troops ... at 11,000": the kind is named before the number.
_NUMBER_OF = re.compile(
    r"\b(?:(?:an)?zahl|number|total|tally|estimate|count|численност\w*|числ[оа]|количеств[оа])\b"
    r"(?:\s+(?:der|des|von|of|the|all))?\s+(?P<np>(?:\S+\s+){0,3}\S+)"
    # "death toll", "casualty count"; "Totenzahl", "Opferzahl"
    r"|(?P<compound>\b\S+\s+(?:toll|count|figures?)|\b\w+zahl)\b",
    re.I,
)
# a calibre or a length: "240mm rocket launchers", "240-mm-Raketenwerfer", "240-мм", "240㎜"
_CALIBRE_AFTER = re.compile(
    r"^[\s-]?(?:mm|cm|millimet\w*|zentimet\w*|мм|см|миллиметр\w*|㎜|밀리|미리)(?![^\W\d_])", re.I
)
_AGE_BEFORE = re.compile(r"\b(?:aged|im alter von|alter von|в возрасте)\s+$", re.I)
_DURATION_AFTER = re.compile(
    r"^[\s-]*(?:jahrzehnt\w*|jahre[n]?|jahr|monate[n]?|monat|wochen|woche|tage[n]?|tag"
    r"|stunden|stunde|minuten|sekunden|decades?|years?|months?|weeks?|days?|hours?|minutes?"
    r"|seconds?|лет|года?|месяц\w*|недел\w*|дн\w*|час\w*)(?![\w])"
    # Korean durations take particles: "12시간씩", "3개월간", "30분 만에"
    r"|^\s?(?:년|개월|주일|일간|시간|분(?!의)|초)(?:씩|간|동안|째|만에|여)?(?![가-힣])",
    re.I,
)
_TIME_AFTER = re.compile(r"^\s?(?:uhr\b|a\.m\.|p\.m\.|am\b|pm\b|시\b)", re.I)
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th|te[nrms]?|번째|-?й|-?я|-?го)\b", re.I)
# German "4. Juni", "zum 3. Mal": a digit, a dot and a lower-case word or month is ordinal.
_DE_ORDINAL_AFTER = re.compile(rf"^\.\s+(?:[a-zäöüß]|Mal\b|(?i:{MONTHS})\b)")

# Words that end a counted noun phrase ("5,000 troops *were* sent", "1.000 *bei* Kämpfen").
_NP_STOP = frozenset(
    {
        # German
        "bei",
        "in",
        "im",
        "nach",
        "zur",
        "zum",
        "für",
        "aus",
        "an",
        "am",
        "auf",
        "mit",
        "von",
        "vom",
        "die",
        "der",
        "das",
        "den",
        "dem",
        "des",
        "sind",
        "waren",
        "wurden",
        "werden",
        "seien",
        "haben",
        "hat",
        "sollen",
        "soll",
        "wo",
        "als",
        "ins",
        "seit",
        "bis",
        "zu",
        "um",
        "über",
        "unter",
        "gegen",
        "sei",
        "ist",
        "war",
        "wird",
        "nicht",
        "noch",
        "bereits",
        # English
        "was",
        "were",
        "are",
        "is",
        "have",
        "has",
        "had",
        "be",
        "been",
        "into",
        "to",
        "at",
        "on",
        "from",
        "for",
        "with",
        "by",
        "who",
        "which",
        "that",
        "the",
        "a",
        "this",
        "these",
        "its",
        "their",
        "near",
        "inside",
        "across",
        "per",
        "since",
        "than",
        "as",
        "will",
        "would",
        "could",
        "may",
        "might",
        "out",
        "last",
        "because",
        # Russian
        "в",
        "на",
        "из",
        "для",
        "с",
        "по",
        "к",
        "были",
        "был",
        "было",
        "будут",
    }
)
_COORD = frozenset({"und", "and", "oder", "or", "и", "или"})


def refine(
    text: str,
    claim: str | None,
    span: tuple[int, int],
    neighbours: tuple[int, int],
    *,
    casualties: bool = True,
) -> tuple[str | None, int]:
    """Apply the clause rules to a personnel (or unnamed) count; return (claim, span end).

    The clause is cut at the neighbouring numbers so that "1.000 Soldaten zur Minenräumung
    und 5.000 Soldaten zum Wiederaufbau" gives each number its own context. The whole of a
    partitive (``casualties=False``) is not what its casualty verb counts: in "300 of the
    11,000 soldiers were killed" the verb speaks of the 300.
    """
    start, end = span
    clause_start, clause_end = clause_span(text, start, end)
    left, right = max(clause_start, neighbours[0]), min(clause_end, neighbours[1])
    claim = None if claim == PEOPLE else claim  # people count only as casualties
    if casualties and (claim is None or claim in PERSONNEL):
        next_verb = search_end(_NEXT_VERB, text, end, right) if right == neighbours[1] else None
        if next_verb is not None:  # "killed 70 soldiers and wounded 110": the next count's verb
            right = next_verb.start()
        casualty = _casualty_after(text, end, right)
        if casualty is not None:
            return casualty
        bare = claim is None and _BARE_END.match(text, end)  # "и ликвидировали 35."
        if (claim in PERSONNEL or bare) and (
            search_end(DESTROYED_BEFORE, text, max(left, start - 40), start)
            or DESTROYED.search(text, end, right)
        ):
            return "killed", end  # "уничтожены 27 военнослужащих КНДР"
        m = search_end(CASUALTY_BEFORE, text, max(left, start - 40), start)
        if m is not None:  # "In Kursk starben rund 600 Soldaten"
            return casualty_kind(m.group(0)), end
        v2 = search_end(CASUALTY_BEFORE_V2, text, max(left, start - VERB_BEFORE_REACH), start)
        if v2 is not None and (claim in PERSONNEL or v2.group("v").lower() != "fallen"):
            # "Pro Tag fallen nach westlichen Schätzungen 100 Soldaten", "töteten in Kursk
            # bislang 1.200 Soldaten"
            return casualty_kind(v2.group("v")) or "killed", end
    if not casualties and (claim is None or claim in PERSONNEL):
        # the whole's own phrase may name its kind: "den 2.000 als vermisst gemeldeten"
        kind = casualty_kind(text[start:end])
        if kind is not None:
            return kind, end
    if claim == "troops":
        # what follows the number speaks first; the clause before it only if that is silent
        for context in (text[start:right], text[left:start]):
            if DEMINING.search(context):
                return "deminers", end
            if RECONSTRUCTION.search(context):
                return "builders", end
    return claim, end


# A coordinated verb right before the next count governs it, not the count before:
# "killed 70 soldiers and wounded 110", "töteten 80 ... und verwundeten 150", "уничтожили
# 60 ... и ранили 140", "взяли в плен 7 ... и ликвидировали 35".
_NEXT_VERB = re.compile(
    r"(?:,|\band|\bund|\bи|\bsowie)\s+(?:also\s+|auch\s+|ещё\s+|еще\s+)?"
    r"(?:killed|wounded|injured|captured|töteten|tötete|verwundeten|verwundete|verletzten"
    r"|verletzte|убил[аио]?|ранил[аио]?|(?:взял[аио]?|захватил[аио]?)\s+в\s+плен"
    r"|ликвидировал[аио]?|уничтожил[аио]?|нейтрализовал[аио]?|eliminated)"
    r"\s+(?:(?:about|around|some|roughly|nearly|another|etwa|rund|knapp|über|weitere|около"
    r"|примерно|более|свыше|ещё|еще)\s+)?$",
    re.I,
)


_BARE_END = re.compile(r"\s*(?:[.,;:!?)]|$)")


def casualty_kind(phrase: str) -> str | None:
    """The casualty kind the first matching verb of ``phrase`` names, or None."""
    for pattern, kind in CASUALTY_VERBS:
        if pattern.search(phrase):
            return kind
    return None


# Each makes a number no count: one alternation, matched once, says whether any does.
_NO_COUNT_AFTER = any_of(_PERCENT_AFTER, _MONEY_AFTER, _AGE, _TIME_AFTER, _ORDINAL_AFTER)
_NO_COUNT_AFTER = any_of(_NO_COUNT_AFTER, _YEAR_SUFFIX, _CALIBRE_AFTER, _DURATION_AFTER)
_NO_COUNT_BEFORE = any_of(_MONEY_BEFORE, _AGE_BEFORE)


def not_a_count(before: str, after: str, num: Num, lang: str) -> bool:
    """True for percentages, money, ages, durations, dates, times and ordinals."""
    if _NO_COUNT_AFTER.match(after) or search_end(_NO_COUNT_BEFORE, before):
        return True
    if lang == "ko" and _KO_DATE_AFTER.match(after):
        return True
    if num.scale == 1 and not num.vague and num.low is not None:
        if num.low <= 31 and (search_end(_MONTH_BEFORE, before) or MONTH_AFTER.match(after)):
            return True
        if lang == "de" and _DE_ORDINAL_AFTER.match(after):
            return True
        if num.form == "year?" and search_end(_MONTH_BEFORE, before):
            return True
    return False


# "12,000-strong force", "5.000-Mann-Truppe", "12-тысячный контингент": the size of a unit
_STRENGTH_AFTER = re.compile(
    r"-(?:strong|man|men|member|plus|odd|köpfig\w*)\b|\s+mann\s+stark", re.I
)
_STRENGTH_NUMBER = re.compile(r"тысячн\w*$", re.I)
# Where either could stand anywhere in a text (``names_strength``).
_STRENGTH_ANYWHERE = re.compile(rf"{_STRENGTH_AFTER.pattern}|тысячн", re.I)
_UNIT = re.compile(
    r"^(?:forces?|army|armies|contingents?|units?|brigades?|divisions?|battalions?|regiments?"
    r"|corps|detachments?|deployments?|expeditionary|einheit\w*|kontingent\w*|armee\w*"
    r"|verband|verbände\w*|brigade\w*|division\w*|bataillon\w*|regiment\w*|korps"
    r"|контингент\w*|группировк\w*|подразделени\w*|бригад\w*|дивизи\w*|батальон\w*|полк\w*"
    r"|корпус\w*|отряд\w*)$",
    re.I,
)
# German puts a participle phrase between the count and its noun: "11.000 nach Kursk
# entsandten (nordkoreanischen) Soldaten", "2.000 als vermisst gemeldeten".
_DE_ATTRIBUTE = re.compile(
    r"\s+(?:nach|in|aus|an|im|ins|zur|zum|von|vom|bei|für|als)\s+(?:[^\W\d_]+\s+){0,3}?"
    r"[^\W\d_]+(?:te|ten|tete|teten|ene|enen)(?=\s+[^\W\d_])",
)
# a single line break inside a sentence is a hard wrap, not the end of the phrase
_WRAP = re.compile(r"(?<!\n)[^\S\n]*\n(?![^\S\n]*\n)")


def names_strength(text: str) -> bool:
    """Whether ``text`` may give a unit's strength ("12,000-strong force", "12-тысячный
    контингент"): ``counted`` reads troops from it even where no word of the lexicon stands.
    False only where no number of ``text`` can be read so."""
    return _STRENGTH_ANYWHERE.search(text) is not None


def counted(text: str, pos: int, lang: str, vocab: Vocabulary) -> tuple[list[str], int, bool]:
    """Read the noun phrase after a number: (claim kinds found, end of the phrase, increment).

    German ends the phrase at its first capitalised word (the noun); other languages at a
    word naming a kind, a stop word, or after four words. "und/and" + another kind joins in.
    A hyphenated suffix ("-strong", "-Mann-Truppe", "-plus") and a hard line wrap are read
    through; a unit's strength ("12,000-strong force") counts troops.
    """
    if "\n" in text[pos : pos + 60]:  # same length, so positions hold
        text = (
            text[:pos]
            + _WRAP.sub(lambda m: " " * len(m.group(0)), text[pos : pos + 200])
            + text[pos + 200 :]
        )
    strength = bool(
        _STRENGTH_AFTER.match(text, pos) or _STRENGTH_NUMBER.search(text, max(0, pos - 12), pos)
    )
    start = pos
    if text[pos : pos + 1] == "-" and text[pos + 1 : pos + 2].isalpha():
        pos += 1  # "5.000-Mann-Truppe", "10,000-plus troops"
    kinds, end, increment = _noun_phrase(text, pos, lang, vocab)
    attribute = _DE_ATTRIBUTE.match(text, pos) if lang == "de" and not kinds else None
    if attribute is not None:  # "11.000 nach Kursk entsandten nordkoreanischen Soldaten"
        kinds, end, increment = _noun_phrase(text, attribute.end(), lang, vocab)
    if not kinds and strength:
        for word, _, t_end in tokens_after(text, pos, 6):
            if _UNIT.match(word):
                return ["troops"], t_end, increment
    return kinds, (end if end > pos else start), increment


def _noun_phrase(text: str, pos: int, lang: str, vocab: Vocabulary) -> tuple[list[str], int, bool]:
    tokens = tokens_after(text, pos, 10)
    kinds: list[str] = []
    end = pos
    increment = False
    skipped = 0
    i = 0
    while i < len(tokens):
        word, _, t_end = tokens[i]
        lw = word.lower()
        if not word or (lw in ("of", "из") and i == 0):
            if not word:
                break
            i += 1
            continue
        if lw in INCREMENT and not (lw == "more" and next_word(tokens, i) == "than"):
            increment = True
            end = t_end
            i += 1
            continue
        kind, used = kind_at(tokens, i, lang, vocab)
        if kind is not None and lang == "ru" and i + used < len(tokens) and tokens[i + used][0]:
            # Russian puts the head noun last: "военных строителей" are builders
            head, head_used = kind_at(tokens, i + used, lang, vocab)
            # ... but a verb after it is no head: "300 военных погибли" (see ``refine``)
            if head is not None and kind in CASUALTIES and head in (*PERSONNEL, PEOPLE):
                i, used = i + used, head_used  # "2700 погибших северокорейцах": the dead
            elif head is not None and not (head in CASUALTIES and kind in (*PERSONNEL, PEOPLE)):
                kind, i, used = head, i + used, head_used
        if kind is not None:
            kinds.append(kind)
            end = tokens[i + used - 1][2]
            i += used
            more, more_end = _coordinated(text, tokens, i, lang, vocab)
            if more is not None:
                kinds.append(more)
                end = more_end
            break
        if lw in _NP_STOP or lw in _COORD:
            break
        if lang == "de" and word[0].isupper():
            end = t_end  # the head noun; it names nothing we track
            break
        skipped += 1
        if skipped > 4:
            break
        i += 1
    return kinds, end, increment


def _coordinated(
    text: str, tokens: list[tuple[str, int, int]], i: int, lang: str, vocab: Vocabulary
) -> tuple[str | None, int]:
    """After a kind, "und Arbeitern" / "or wounded" adds a second kind."""
    if i >= len(tokens) or tokens[i][0].lower() not in _COORD:
        return None, 0
    for j in range(i + 1, min(i + 4, len(tokens))):
        word = tokens[j][0]
        if not word:
            break
        kind, used = kind_at(tokens, j, lang, vocab)
        if kind is not None and _count_at(text, tokens, j + used, lang):
            break  # "soldiers and wounded 110": a verb with a count of its own
        if kind is not None:
            return kind, tokens[j + used - 1][2]
        if word.lower() in _NP_STOP or (lang == "de" and word[0].isupper()):
            break
        if parse_number_words(word, lang) is not None:  # "... und zweitausend Arbeiter"
            break
    return None, 0


def _count_at(text: str, tokens: list[tuple[str, int, int]], i: int, lang: str) -> bool:
    """Is token i a count (digits, or a number word)?"""
    if i >= len(tokens):
        return False
    word, start, _ = tokens[i]
    return text[start : start + 1].isdigit() or bool(word and parse_number_words(word, lang))


def combine(kinds: list[str]) -> str | None:
    """One kind for a phrase: casualties win over personnel, "soldiers and workers" are
    workers, "killed or wounded" is its own kind."""
    if not kinds:
        return None
    unique = set(kinds)
    if {"killed", "wounded"} <= unique or "killed_or_wounded" in unique:
        return "killed_or_wounded"
    for kind in CASUALTIES:
        if kind in unique:
            return kind
    if unique == {"troops", "workers"}:
        return "workers"
    if PEOPLE in unique and len(unique) > 1:
        return next(kind for kind in kinds if kind != PEOPLE)
    return kinds[0]


def _casualty_after(text: str, pos: int, limit: int) -> tuple[str, int] | None:
    """A casualty verb between pos and limit (the clause end or the next number)."""
    window = text[pos:limit]
    best: tuple[int, str, int] | None = None
    for pattern, kind in CASUALTY_VERBS:
        m = pattern.search(window)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind, pos + m.end())
    return (best[1], best[2]) if best else None


def past_years(text: str, left_limit: int) -> int:
    """A limit set by the number before moved past years: a year between the noun and its
    count ("stieg 2025 auf 600", "사망자 수는 2025년 들어 600명") counts nothing."""
    while _YEAR_END.search(text, max(0, left_limit - 5), left_limit):
        before = _DIGIT_END.search(text, max(0, left_limit - 130), left_limit - 4)
        left_limit = before.end() if before else 0
    return left_limit


def number_of_phrase(
    text: str, start: int, left_limit: int, lang: str, vocab: Vocabulary
) -> tuple[list[str], str]:
    """(kinds, noun phrase) of "die Zahl der Soldaten ... auf 11.000", "the number of
    troops ... at", "the death toll rose to 600". Every kind the noun phrase names is
    returned, so that "число погибших военных" is a casualty count. A year between ("stieg
    2025 auf 600") does not cut the window; a clause between ("the number of casualties,
    including the dead, has reached 4,700") only when a verb of change or reach comes right
    before."""
    clause_start, _ = clause_span(text, start, start)
    sentence_start, _ = sentence_span(text, start)
    left_limit = past_years(text, left_limit)
    reach = search_end(_REACH_BEFORE, text, max(0, start - 40), start) is not None
    left = max(sentence_start if reach else clause_start, left_limit, start - NUMBER_OF_REACH)
    window = text[left:start]
    for m in _NUMBER_OF.finditer(window):
        np = m.group("np") or m.group("compound") or ""
        found = _kinds(np, lang, vocab)
        if found:
            return found, np
    return _toll_subject(window, lang, vocab)


# A toll named as the subject of a verb of growth or reach, the count its goal: "North
# Korean combat deaths climbed in 2025 to roughly 2,000", "Die Verluste stiegen im Januar
# auf 4.000", "Потери ... убитыми и ранеными составили 5 тысяч человек".
_TOLL_NOUN = re.compile(
    r"\b(?:deaths|casualties|losses|fatalities|death\s+toll|verluste|todesopfer|toten"
    r"|потер[иья]\w*|гибел\w*)\b",
    re.I,
)
_TOLL_VERB = re.compile(
    r"\b(?:rose|risen|rises|climbed|climbs|grew|grown|increased|mounted|jumped|reached|stood"
    r"|stands|stieg\w*|gestiegen|kletterte\w*|geklettert|wuchs|gewachsen|erreichte\w*|erreicht"
    r"|beträgt|betrug\w*|lag|liegt|выросл?\w*|возросл?\w*|достиг\w*|составил\w*|составля\w*"
    r"|превысил\w*|увеличил\w*)\b",
    re.I,
)
_TOLL_GOAL = re.compile(
    r"(?:\b(?:to|at|auf|bei|до)\s+|(?<=составили\s)|(?<=составляют\s)|(?<=составило\s)"
    r"|(?<=составила\s)|(?<=достигли\s)|(?<=превысили\s))(?:[^\W\d_]+\.?\s+){0,2}$",
    re.I,
)
# "потери ... убитыми": the instrumental says which losses
_RU_LOST_AS = re.compile(
    r"\b(?:убитыми\s+и\s+ранеными|ранеными\s+и\s+убитыми|убитыми|ранеными|пленными)\b", re.I
)


def _toll_subject(window: str, lang: str, vocab: Vocabulary) -> tuple[list[str], str]:
    noun = _TOLL_NOUN.search(window)
    if noun is None or not _TOLL_GOAL.search(window):
        return [], ""
    verb = _TOLL_VERB.search(window, noun.end())
    if verb is None:
        return [], ""
    np = window[noun.start() : verb.start()]
    lost_as = _RU_LOST_AS.search(np)
    kind = casualty_kind(lost_as.group(0)) if lost_as is not None else None
    # the words before the noun name whose: "North Korean combat deaths"
    return ([kind] if kind else _kinds(np, lang, vocab)), window[: verb.start()]


_DEATH_WORD = re.compile(r"\b(?:death|todes|смерт)", re.I)
_CASUALTY_WORD = re.compile(r"\bcasualty", re.I)


def _kinds(window: str, lang: str, vocab: Vocabulary) -> list[str]:
    tokens = [(w, 0, 0) for w in window.split()]
    found = [k for i in range(len(tokens)) if (k := kind_at(tokens, i, lang, vocab)[0])]
    # "die Zahl der Nordkoreaner in Kursk": a number of a nationality's people is of troops
    found = ["troops" if k == PEOPLE else k for k in found]
    if not found and _DEATH_WORD.search(window):
        return ["killed"]  # "death toll", "Todeszahl"
    if not found and _CASUALTY_WORD.search(window):
        return ["killed_or_wounded"]  # "casualty count"
    if not found and any(_UNIT.match(word) for word in window.split()):
        return ["troops"]  # "численность северокорейского контингента"
    return found


_YEAR_END = re.compile(r"(?<![\d.,])(?:18|19|20|21)\d\d$")
_DIGIT_END = re.compile(r"\d(?=\D*$)")
# "has reached about", "stieg auf rund", "достигло": the count a "number of" phrase names
_REACH_BEFORE = re.compile(
    r"\b(?:reached|rose|risen|climbed|grown|grew|increased|jumped|stands?|stood|hit|is|was"
    r"|erreicht\w*|stieg\w*|gestiegen|liegt|lag|beträgt|betrug|ist|war|gewachsen|wuchs"
    r"|достиг\w*|составил\w*|составляет|вырос\w*|вырастет|превысил\w*|увеличил\w*)"
    r"(?:\s+(?:to|at|auf|bei|до|на|by|um))?(?:\s+[^\W\d_]+\.?){0,2}\s+$",
    re.I,
)


# What can make a claim of a count whose own noun phrase (``counted``) names nothing, for
# the claim-word gate (``gate``), which looks for these words before ``number_of_phrase``
# and ``refine`` run: a "number of" phrase in the NUMBER_OF_REACH characters before the
# number (the lexicon's words, and these), a verb in the VERB_BEFORE_REACH characters before
# its span, a verb in the span or in the clause after it. A rule that reads other words, or
# further, must add them here.
NUMBER_OF_REACH = 160
VERB_BEFORE_REACH = 60  # refine reads 40 (casualty, destroyed) or 60 (German V2) characters
NAMED_BEFORE: tuple[re.Pattern[str], ...] = (_UNIT, _RU_LOST_AS, _DEATH_WORD, _CASUALTY_WORD)
VERBS_BEFORE: tuple[re.Pattern[str], ...] = (CASUALTY_BEFORE, CASUALTY_BEFORE_V2, DESTROYED_BEFORE)
VERBS_AFTER: tuple[re.Pattern[str], ...] = (*(p for p, _ in CASUALTY_VERBS), DESTROYED)
