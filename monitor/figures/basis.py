"""Over what time a count counts (``Figure.basis``): a running total ("so far", "insgesamt",
"всего", "지금까지"), the toll of one period ("over the past week", "in den vergangenen 24
Stunden", "за сутки", "하루") with its ``period``, a dispatch pledged or announced (the
``deployment`` modifier), or a count in place now ("are in Kursk", "befinden sich",
"находятся", "주둔") or a stock held now ("stockpiled", "lagert", "хранятся", "쌓여 있다");
None when the text does not say.

Only events (casualties, missiles, shells) have a per-period toll: "11,000 soldiers were
in Kursk last week" is a count in place, not a weekly one. A period named for the saying
("said last week that ...") is not the count's.
"""

from __future__ import annotations

import re

from monitor.figures.clauses import clause_span, sentence_span
from monitor.figures.deployment import DEPLOYMENT
from monitor.figures.lexicon import CASUALTIES, PERSONNEL, REPORTING
from monitor.types import CUMULATIVE, DISPATCH, IN_PLACE, PER_PERIOD

EVENTS = (*CASUALTIES, "missiles", "shells")

_PAST = {
    "en": r"(?:(?:in|over|during|within)\s+the\s+)?(?:past|last|previous|preceding)",
    "de": r"(?:(?:in|innerhalb|binnen|während)\s+(?:der|des|den|dem)\s+)?(?:vergangenen|letzten"
    r"|zurückliegenden|vorigen|vergangene|letzte|vorige)",
    "ru": r"за\s+(?:последн\w+|прошедш\w+|минувш\w+|прошл\w+)|на\s+прошлой|в\s+прошлом",
}
# period -> lang -> what names it; "the past" forms are built from _PAST.
_PERIOD_WORDS: dict[str, dict[str, str]] = {
    "day": {
        "en": r"(?:24|twenty-four)\s+hours|day",
        "de": r"24\s+stunden|tag(?:e?s)?",
        "ru": r"сутк\w*|24\s+час\w*|день",
    },
    "week": {
        "en": r"(?:7|seven)\s+days|week",
        "de": r"(?:7|sieben)\s+tage[n]?|woche",
        "ru": r"недел\w*|7\s+дней|семь\s+дней",
    },
    "month": {
        "en": r"(?:30|thirty)\s+days|month",
        "de": r"(?:30|dreißig)\s+tage[n]?|monat(?:s|e[n]?)?",
        "ru": r"месяц\w*|30\s+дней",
    },
    "year": {"en": r"year|12\s+months", "de": r"jahr(?:e?s)?|12\s+monate[n]?", "ru": r"год\w*"},
}
# A single named day: "allein am Dienstag", "только во вторник" (English: "on Tuesday alone").
_DE_DAYS = r"(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)"
_RU_DAYS = r"(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)"
_PERIOD_OTHER: dict[str, dict[str, str]] = {
    "day": {
        "en": r"\b(?:per|a|each|every|in\s+(?:a|one)\s+(?:single\s+)?)\s*day\b|\bdaily\b"
        r"|\bin\s+24\s+hours\b|\bovernight\b|\bon\s+\w+day\s+alone\b",
        "de": r"\b(?:pro|je|an\s+einem(?:\s+einzigen)?|binnen\s+eines|innerhalb\s+eines"
        r"|in\s+einem)\s+tag(?:es)?\b|\btäglich\b|\b(?:innerhalb\s+von|binnen)\s+24\s+stunden\b"
        rf"|\ballein\s+am\s+{_DE_DAYS}\b|\bam\s+{_DE_DAYS}\s+allein\b|\bjeden\s+tag\b|\btag\s+für\s+tag\b",
        "ru": r"\b(?:в|за)\s+(?:одни\s+)?сутки\b|\bв\s+день\b|\bза\s+(?:один\s+)?день\b"
        rf"|\bежедневно\b|\bтолько\s+во?\s+{_RU_DAYS}(?!\w)|\bво?\s+{_RU_DAYS}\s+только\b"
        r"|\bкажд\w+\s+(?:сутки|день)\b",
        "ko": r"하루|24\s?시간|매일|일일|일간",
    },
    "week": {
        "en": r"\b(?:per|a|each|every|in\s+(?:a|one)\s+(?:single\s+)?)\s*week\b|\bweekly\b"
        r"|\bthis\s+week\b",
        "de": r"\b(?:pro|je|in\s+einer|binnen\s+einer|innerhalb\s+einer)\s+woche\b|\bwöchentlich\b"
        r"|\bdiese\s+woche\b|\bjede\s+woche\b",
        "ru": r"\b(?:в|за)\s+(?:одну\s+)?неделю\b|\bеженедельно\b|\bна\s+этой\s+неделе\b"
        r"|\bкажд\w+\s+неделю\b",
        "ko": r"일주일|한\s?주|지난주|이번\s?주|매주|주간",
    },
    "month": {
        "en": r"\b(?:per|a|each|every|in\s+(?:a|one)\s+(?:single\s+)?)\s*month\b|\bmonthly\b",
        "de": r"\b(?:pro|je|in\s+einem|binnen\s+eines|innerhalb\s+eines)\s+monat(?:s)?\b"
        r"|\bmonatlich\b|\bjeden\s+monat\b",
        "ru": r"\b(?:в|за)\s+(?:один\s+)?месяц\b|\bежемесячно\b|\bкажд\w+\s+месяц\b",
        "ko": r"한\s?달|지난달|매달|매월|월간",
    },
    "year": {
        "en": r"\b(?:per|a|each|every)\s+year\b|\bannually\b|\byearly\b",
        "de": r"\b(?:pro|je)\s+jahr\b|\bjährlich\b",
        "ru": r"\b(?:в|за)\s+год\b|\bежегодно\b",
        "ko": r"연간|매년|1년\s?(?:동안|사이|새)",
    },
}


def _period_pattern(lang: str) -> re.Pattern[str]:
    parts = []
    for period, by_lang in _PERIOD_OTHER.items():
        alternatives = [by_lang[lang]]
        if lang in _PAST:
            alternatives.append(rf"\b(?:{_PAST[lang]})\s+(?:{_PERIOD_WORDS[period][lang]})\b")
        parts.append(rf"(?P<{period}>{'|'.join(alternatives)})")
    return re.compile("|".join(parts), re.I)


# A named month counts as a month: "in May alone", "allein im April", "только за март",
# "5월에만" (of events, and of arrivals: see ``_ARRIVAL``).
_EN_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
)
_DE_MONTHS = (
    r"(?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)"
)
_RU_MONTHS = r"(?:январь|февраль|март|апрель|май|июнь|июль|август|сентябрь|октябрь|ноябрь|декабрь)"
_PERIOD_OTHER["month"]["en"] += rf"|\bin\s+{_EN_MONTHS}\s+alone\b|\b{_EN_MONTHS}\s+alone\b"
_PERIOD_OTHER["month"]["de"] += rf"|\ballein\s+im\s+{_DE_MONTHS}\b|\bim\s+{_DE_MONTHS}\s+allein\b"
_PERIOD_OTHER["month"]["ru"] += rf"|\bза\s+{_RU_MONTHS}(?!\w)"
_PERIOD_OTHER["month"]["ko"] += r"|(?:1[0-2]|[1-9])월\s?(?:에만|한\s?달)"

_PERIOD = {lang: _period_pattern(lang) for lang in ("en", "de", "ru", "ko")}
# People arriving are events: "2,500 workers entered Russia in May", "прибыли 3 тысячи".
_ARRIVAL = re.compile(
    r"\b(?:arriv\w*|entered|came\s+to|reached|прибыл\w*|прибывают|въехал\w*|приехал\w*"
    r"|eingereist|reisten|kamen|angekommen|eingetroffen|trafen)\b|입국|도착|들어왔",
    re.I,
)

# A running total. Russian "всего" right before a count means "only" ("всего 250"), so it
# counts only away from the number; "since ..." only for events ("killed since October").
_CUMULATIVE: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:so\s+far|thus\s+far|to\s+date|(?P<sum>in\s+total|in\s+all|all\s+told|altogether"
        r"|overall)|a\s+total\s+of|the\s+total|(?:now\s+)?total(?:s|led|ling|ing)?|cumulative\w*"
        r"|up\s+to\s+now|until\s+now|by\s+now|since\s+the\s+(?:start|beginning|outbreak)"
        r"|(?P<since>since))\b",
        re.I,
    ),
    "de": re.compile(
        r"\b(?:(?P<sum>insgesamt|in\s+summe|alles\s+in\s+allem|zusammengenommen)|bislang|bisher"
        r"|summier\w*|kumul\w*|gesamtzahl|seit\s+(?:beginn|anfang|start)|(?P<since>seit))\b",
        re.I,
    ),
    "ru": re.compile(
        r"(?:\bв\s+общей\s+сложности|\bк\s+настоящему\s+(?:времени|моменту)|\bна\s+сегодняшний"
        r"\s+день|\bс\s+начала|\bобщ(?:ие|их|им)\s+потер\w*|\bза\s+вс[её]\s+время|\bобщ(?:ее|ая|ую|им)\s+(?:числ|количеств"
        r"|численност)\w*|\bитого|\bдо\s+сих\s+пор|\bуже\s+всего|(?P<only>\bвсего\b))",
        re.I,
    ),
    "ko": re.compile(
        r"지금까지|현재까지|그동안|이제까지|누적|통틀어|(?:총|모두)\s?(?=[\d일이삼사오육칠팔구십백천만])"
    ),
}
# A toll that grew to the count is a running total ("rose to", "stieg auf", "достигло",
# "늘었다"); events only, and not by a step ("rose by 200", "um 200", "на 200": an increment).
_GROWTH: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:rose|risen|rises|rising|climbed|climbs|climbing|grew|grown|grows|increased"
        r"|mounted|jumped|soared|reached|reaches|swelled)\b",
        re.I,
    ),
    "de": re.compile(
        r"\b(?:stieg|stiegen|steigt|gestiegen|angestiegen|kletterte|kletterten|klettert|geklettert"
        r"|wuchs|wuchsen|wächst"
        r"|gewachsen|erhöhte|erhöht|erreichte|erreicht)\b",
        re.I,
    ),
    "ru": re.compile(
        r"(?:\bдостиг\w*|\bвыросл?\w*|\bвозросл?\w*|\bувеличил\w*|\bподскочил\w*)", re.I
    ),
    "ko": re.compile(r"늘었|늘어났|늘어|증가했|증가한|달했|이르렀|불어났"),
}
_STEP = re.compile(r"(?:\bby|\bum|\bна)\s+(?:\w+\s+)?$|만큼", re.I)
_RU_ONLY = re.compile(r"^\s*(?:(?:около|примерно|порядка|более|свыше|до)\s+)?$", re.I)
# A reporting verb next to a period names when it was said: "said last week that ...".
_SPEECH = REPORTING
# A count in place now (personnel only): "are in Kursk", "befinden sich", "находятся", "주둔".
_IN_PLACE: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:(?:are|is|be)\s+(?:now\s+|currently\s+|still\s+|already\s+|reportedly\s+)?"
        r"(?:in|at|on|inside|fighting|deployed|stationed|serving|based|present|operating|positioned)"
        r"|remain(?:s|ing)?|currently|there\s+are|(?:are|is)\s+now"
        # at work there now: "are clearing fields", "are rebuilding bridges"
        r"|(?:operating|fighting|stationed|serving)\s+in"
        r"|(?:are|is)\s+(?:now\s+|currently\s+|still\s+)?(?:clearing|demining|de-mining|rebuilding"
        r"|building|repairing|working|digging|guarding|employed|engaged|toiling|laboring"
        r"|labouring))\b",
        re.I,
    ),
    "de": re.compile(
        r"\b(?:sind|ist|seien|sei|befinden|befindet|befinde|stehen|steht|stehe|kämpfen|kämpft"
        r"|kämpfe|dienen|dient|bleiben"
        r"|verbleiben|im\s+einsatz|stationiert|derzeit|momentan|aktuell|gegenwärtig"
        r"|arbeiten|arbeitet|errichten|errichtet|räumen|räumt|entminen|bauen|baut|reparieren"
        r"|beschäftigt|aufhalten|aufhält|halten\s+sich|hält\s+sich)\b",
        re.I,
    ),
    "ru": re.compile(
        r"(?:\bнаход\w*|\bвоюют|\bсражаются|\bдислоцирован\w*|\bразмещен\w*|\bприсутству\w*"
        r"|\bсейчас|\bв\s+настоящее\s+время|\bнесут\s+службу|\bостаются|\bразминиру(?:ют|ет)"
        r"|\bработают|\bтрудятся|\bстроят|\bвосстанавливают|\bзаняты|\bдействуют"
        r"|\bзадействован\w*)",
        re.I,
    ),
    "ko": re.compile(
        r"주둔|(?:배치|투입)(?:돼|되어)\s?있|머물|싸우고|전투\s?중|현재|참전\s?중|에\s?있|명[이가]\s?있"
        # "남아 있다" (remain); the progressive "일하고 있다", "제거하고 있다" (at work now)
        r"|남아\s?있|[가-힣]고\s?있[다는으고어]"
    ),
}
# Stock held now (shells, missiles): stockpiled, stored, in depots; "lagert", "хранятся", "쌓여".
_STOCK = ("shells", "missiles")
_IN_STOCK: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:stockpiled|stored|stocked|warehoused|kept\s+in\s+(?:reserve|depots?|storage)"
        r"|in\s+(?:storage|stock|reserve|depots?|warehouses?|arsenals?)|lie|lies|sit|sits)\b",
        re.I,
    ),
    "de": re.compile(
        r"\b(?:lagert|lagern|gelagert|eingelagert|gebunkert|vorrätig|auf\s+lager|in\s+depots?"
        r"|in\s+(?:den\s+)?lagern|liegen|liegt|bevorratet)\b",
        re.I,
    ),
    "ru": re.compile(
        r"(?:\bхран(?:ят|ит|ились|ился|ение|ящ)\w*|\bна\s+склад\w*|\bскладирован\w*"
        r"|\bнакоплен\w*|\bлежат|\bв\s+запасе)",
        re.I,
    ),
    "ko": re.compile(
        r"쌓여\s?있|비축(?:돼|되어|된|하고)|보관(?:돼|되어|된|중)|저장(?:돼|되어|된)|재고"
    ),
}
# Reported speech shifts "are" to "were": "reports that 10,000 soldiers were fighting in
# Kursk", "said 15,000 troops were in Kursk" (a bare "were in Kursk last week" is past).
_IN_PLACE_REPORTED = re.compile(
    r"\b(?:were|was)\s+(?:still\s+)?(?:in|at|inside|fighting|stationed|deployed|based|present)\b",
    re.I,
)
_REPORTED_BEFORE = re.compile(r"\b(?:said|says|reports?|reported|claims?|claimed|that)\b", re.I)
# "North Korea has 11,000 soldiers in Russia": having a count is holding it now.
_HAS_BEFORE = re.compile(
    r"\b(?:has|have|hat|haben)\s+(?:(?:about|around|some|roughly|nearly|almost|over|etwa|rund"
    r"|ungefähr|fast|knapp|more\s+than|mehr\s+als|at\s+least|mindestens)\s+)?$",
    re.I,
)


# "ist ... abgezogen worden", "sind ... geschickt worden": a form of "sein" that makes a
# perfect or a passive says nothing of being there.
_DE_PERFECT = re.compile(r"\b(?:worden|geworden)\b", re.I)
_DE_SEIN = re.compile(r"^(?:sind|ist|seien|sei)$", re.I)
# A verb of growth after the count speaks for it only when the count is the goal ("auf 600
# gestiegen", "1천 명으로 늘었다"): "1.2m shells have reached Russia" is an arrival.
_GOAL_BEFORE = re.compile(r"\b(?:to|auf|до|на)\s+(?:\S+\s+)?$", re.I)

_KO_CONNECTIVE = re.compile(r"[가-힣](?:고|며|지만|으나|면서)(?=\s(?!있))")

_SUM = "sum"  # a cumulative cue that sums (in all, insgesamt): a total over places too


def basis(
    text: str,
    span: tuple[int, int],
    claim: str | None,
    modifier: str | None,
    lang: str,
    *,
    whole: bool = False,
    left: int = 0,
) -> tuple[str | None, str | None]:
    """(basis, period) of the count at text[span]; (None, None) when the text does not say.
    The whole of a partitive is held nowhere by the part's verb ("Von den 14.000 Soldaten
    stehen 11.000 in Kursk"): it has a basis only as a dispatch or a marked total, and the
    whole's own words ("러시아에 있는 ... 1만5천 명 중") say nothing of the part after it
    (``left``: where the part's words begin)."""
    if claim is None or modifier == "increment":  # a number added to a total is neither
        return None, None
    if modifier == DEPLOYMENT:
        return DISPATCH, None
    start, end = span
    s_start, s_end = sentence_span(text, start)
    cues = _cues(text, span, s_start, s_end, claim, lang)
    in_place = False
    if claim in PERSONNEL and modifier is None and not whole:
        c_start, c_end = clause_span(text, start, end)
        c_start, c_end = max(c_start, s_start, left), min(c_end, s_end)
        if lang == "ko":  # "1천 명이 철수했고 8천여 명이 남아 있다": the connective ends it
            link = _KO_CONNECTIVE.search(text, end, c_end)
            c_end = link.start() if link else c_end
        cue = _IN_PLACE[lang].search(text, c_start, c_end)
        if cue is not None and lang == "de" and _DE_PERFECT.search(text, c_start, c_end):
            cue = (
                _IN_PLACE[lang].search(text, cue.end(), c_end)
                if _DE_SEIN.match(cue.group(0))
                else cue
            )
        in_place = bool(
            cue
            or _HAS_BEFORE.search(text, max(c_start, start - 40), start)
            or (
                lang == "en"
                and _IN_PLACE_REPORTED.search(text, c_start, c_end)
                and _REPORTED_BEFORE.search(text, s_start, start)
            )
        )
    elif claim in _STOCK and modifier is None and not whole:
        c_start, c_end = clause_span(text, start, end)
        in_place = bool(_IN_STOCK[lang].search(text, max(c_start, s_start), min(c_end, s_end)))
    if cues:
        best = min(cues)
        # "In all, 14,000 soldiers are now in Russia": a sum over places, held now
        if not (in_place and best[1] == _SUM):
            return best[1] if best[1] != _SUM else CUMULATIVE, best[2]
    if in_place:
        return IN_PLACE, None
    return None, None


def _cues(
    text: str, span: tuple[int, int], s_start: int, s_end: int, claim: str, lang: str
) -> list[tuple[int, str, str | None]]:
    """(distance, basis, period) of every time-basis cue in the sentence that speaks for
    the count: no reporting verb between it and the count, none right before it."""
    start, end = span
    event = claim in EVENTS
    if claim in PERSONNEL:
        c_start, c_end = clause_span(text, start, end)
        event = bool(_ARRIVAL.search(text, max(c_start, s_start), min(c_end, s_end)))
    found: list[tuple[int, str, str | None]] = []
    for m in _CUMULATIVE[lang].finditer(text, s_start, s_end):
        groups = m.groupdict()
        if groups.get("since") and not event:
            continue
        if groups.get("only") and m.end() <= start and _RU_ONLY.match(text[m.end() : start]):
            continue  # "всего 250": only 250
        if (
            groups.get("only")
            and not text.startswith(",", m.end())  # "Всего, по данным ...": the sentence's
            and not _same_clause(text, m.start(), span)
        ):
            continue  # "11 тысяч находятся в Курской области, а всего в России — 14 тысяч"
        if _speaks_for(text, m.start(), m.end(), span):
            kind = _SUM if groups.get("sum") else CUMULATIVE
            found.append((_distance(m.start(), m.end(), span), kind, None))
    if event:
        c_start, c_end = clause_span(text, start, end)  # the count's own verb
        for m in _GROWTH[lang].finditer(text, max(c_start, s_start), min(c_end, s_end)):
            if (
                m.start() >= end
                and lang != "ko"
                and not _GOAL_BEFORE.search(text, max(s_start, start - 20), start)
            ):
                continue
            step = _STEP.search(text, max(s_start, start - 12), start) or _STEP.match(
                text, end, min(s_end, end + 6)
            )
            if not step and _speaks_for(text, m.start(), m.end(), span):
                found.append((_distance(m.start(), m.end(), span), CUMULATIVE, None))
        for m in _PERIOD[lang].finditer(text, s_start, s_end):
            if m.start() < end and m.end() > start:
                continue
            if _speaks_for(text, m.start(), m.end(), span) and not _said_then(text, m.start()):
                period = m.lastgroup
                found.append((_distance(m.start(), m.end(), span), PER_PERIOD, period))
    return found


def _same_clause(text: str, pos: int, span: tuple[int, int]) -> bool:
    c_start, c_end = clause_span(text, span[0], span[1])
    return c_start <= pos < c_end


def _distance(c_start: int, c_end: int, span: tuple[int, int]) -> int:
    return max(span[0] - c_end, c_start - span[1], 0)


def _speaks_for(text: str, c_start: int, c_end: int, span: tuple[int, int]) -> bool:
    between = text[c_end : span[0]] if c_end <= span[0] else text[span[1] : c_start]
    return not _SPEECH.search(between)


def _said_then(text: str, c_start: int) -> bool:
    """ "said last week", "told lawmakers on Friday last week": the period dates the saying."""
    before = text[max(0, c_start - 30) : c_start].split()[-3:]
    return bool(_SPEECH.search(" ".join(before)))
