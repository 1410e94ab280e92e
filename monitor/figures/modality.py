"""What kind of statement a figure is (``Figure.modality``): asserted, projected (could,
könnten, может, 수도 있다), denied (denied, dismissed, bestritt, опроверг, 부인),
hypothetical (if, wenn, если, 다면) or retracted by its own outlet's correction note ("an
earlier version of this article said 15,000").

Each rule reads the words around the count, in its clause (a modal verb, a condition) or
its sentence (a denial of reports, a correction note), and says nothing beyond them:
"the correct figure is 11,000" after a correction note is asserted again.
"""

from __future__ import annotations

import re

from monitor.figures.clauses import clause_span, sentence_span
from monitor.types import ASSERTED, DENIED, HYPOTHETICAL, PROJECTED, RETRACTED

# An outlet withdrawing its own earlier figure: the whole sentence speaks of the old text.
_RETRACTION: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:(?:an?|the|our)\s+(?:earlier|previous|prior|first|original)\s+version|incorrectly"
        r"|wrongly|erroneously"
        r"|mistakenly|misstated|misreported|in\s+error|(?:was|were)\s+(?:misquoted|wrong)"
        r"|(?:this|our|the)\s+(?:report|article|story)\s+(?:had\s+)?(?:previously|originally"
        r"|initially)|we\s+(?:had\s+)?(?:previously|originally|initially|earlier)\s+(?:reported|gave"
        r"|stated|said|put))\b",
        re.I,
    ),
    "de": re.compile(
        r"\b(?:(?:einer?|der)\s+(?:früheren|vorherigen|ersten|älteren)\s+(?:version|fassung)"
        r"|(?:dieser|unser)\s+(?:bericht|artikel|beitrag|text)\s+hatte\s+(?:zuvor|zunächst"
        r"|ursprünglich)|wir\s+hatten\s+(?:zuvor|zunächst|ursprünglich)"
        r"|fälschlich\w*|irrtümlich\w*|versehentlich|falsch\s+(?:angegeben|wiedergegeben"
        r"|berichtet|genannt|gemeldet))\b",
        re.I,
    ),
    "ru": re.compile(
        r"(?:(?:предыдущ|прежн|первоначальн|перв|ранн)\w+\s+(?:верси|редакци)\w*|ошибочно|по\s+ошибке"
        r"|неверно\s+(?:указ|сообщ|привед)\w*|(?:в\s+)?(?:эт|данн|наш)\w+\s+(?:заметк|стать|публикаци"
        r"|материал)\w*\s+ранее\s+(?:указыва|сообща|говори|приводи)\w*"
        # "ранее в статье говорилось", "ранее мы сообщали"
        r"|ранее\s+(?:в\s+(?:статье|материале|заметке|публикации)\s+)?(?:говорилось|сообщалось"
        r"|указывалось)|ранее\s+мы\s+(?:сообщали|писали|указывали))",
        re.I,
    ),
    "ko": re.compile(
        r"(?:이전|앞선|당초|최초|기존)\s?(?:기사|보도)|잘못\s?(?:보도|표기|기재|전|적|썼|쓴|기술)|오보"
        r"|(?:앞서|당초|처음에?)\s[^.]{0,60}?(?:보도했|보도한|적었|썼|전했)(?:으나|지만|는데)"
    ),
}
# ... after which a figure is the outlet's own again: "The correct figure is 11,000".
CORRECTED: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:the\s+correct(?:ed)?\s+(?:figure|number|total|count)|should\s+have\s+(?:said|read"
        r"|been|stated)|correctly\s+(?:stated|reported)|in\s+fact)\b"
        r"|;\s*(?:it|the\s+(?:figure|number|toll))\s+(?:is|was)\b"
        # "The actual number is 1,300", "The ministry's figure is 600"
        r"|\bthe\s+(?:actual|real|right|true|accurate)\s+(?:figure|number|total|count)\b"
        r"|\bthe\s+[\w']+\s+(?:figure|number)\s+is\b",
        re.I,
    ),
    "de": re.compile(
        r"\b(?:(?:die\s+)?(?:richtige|korrekte|zutreffende)\s+(?:zahl|angabe)|richtig\s+(?:ist|sind"
        r"|wäre|lautet)|korrekt\s+(?:ist|sind|lautet)|tatsächlich\s+(?:sind|waren|ist))\b"
        r"|;\s*(?:es|sie|die\s+zahl)\s+(?:sind|waren|ist|beträgt|lautet)\b"
        r"|\b(?:tatsächliche|wirkliche)\s+zahl\b|\bzahl\s+lautet\b",
        re.I,
    ),
    "ru": re.compile(
        r"(?:правильн\w*|верн(?:ая|ое|ые)\s+(?:цифр|числ)\w*|на\s+самом\s+деле)", re.I
    ),
    "ko": re.compile(
        r"\s?(?:정확한\s?(?:수치|숫자|규모|인원)|바로잡|실제로는|실제\s?(?:숫자|수치|규모)는|(?:명)?[이가]?\s?맞습니다|[이가]\s?맞다"
        r"|(?:명)?(?:으로|로)\s?바로잡)"
    ),
}
# Someone denies a figure reported by others: "dismissed as fakes reports that 10,000".
_DENIAL: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:den(?:y|ies|ied|ying|ial)|dismiss(?:es|ed|ing)?|reject(?:s|ed|ing)?|refut(?:e|es|ed"
        r"|ing)|rebut\w*|debunk\w*|(?:called|branded|labell?ed|described)\s+(?:\w+\s+){0,4}?(?:as\s+)?"
        r"(?:fakes?|false|fabricat\w*|lies|untrue|disinformation|propaganda|nonsense)"
        r"|(?:pure|sheer|complete|a)\s+(?:invention|fiction|fabrication|fantasy)|made[- ]up"
        r"|baseless|groundless)\b",
        re.I,
    ),
    "de": re.compile(
        r"\b(?:bestr(?:eitet|eiten|itt|itten)|(?:stritt|streitet|stritten)\b(?=.*?\bab\b)"
        r"|abgestritten|dementi\w*|(?:wies|weist|wiesen|weisen)\b(?=.*?\bzurück\b)"
        r"|zurückgewiesen|(?:als|eine?)\s+(?:fake|fälschung|falschmeldung|lüge|erfindung"
        r"|desinformation|propaganda)\b|(?:frei\s+)?erfunden\b|haltlos\w*|unwahr\w*"
        r"|aus\s+der\s+luft\s+gegriffen)",
        re.I,
    ),
    "ru": re.compile(
        r"(?:опроверг\w*|опровержени\w*|отрица\w*|отверг\w*|назвал\w*\s+(?:\w+\s+){0,3}?(?:фейк\w*"
        r"|ложь\w*|ложн\w*|вымысл\w*|дезинформаци\w*|выдумк\w*|чуш\w*|вран\w*)"
        r"|не\s+соответству\w*\s+действительности|(?:назва\w+|счита\w+)\s+(?:\w+\s+){0,2}?(?:выдумк"
        r"|вымысл|фейк|ложь)\w*)",
        re.I,
    ),
    "ko": re.compile(r"부인|일축|반박|사실이\s?아니|사실무근|가짜\s?뉴스|허위|날조|지어낸"),
}
# A denial after the count only reaches it when the count is someone's report: "Reports
# that 10,000 soldiers were in Kursk were denied", "Berichte über 10.000 ... wies ... zurück".
_REPORTED: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:reports?|claims?|allegations?|assertions?|rumou?rs?|suggestions?)\b", re.I
    ),
    "de": re.compile(r"\b(?:bericht\w*|meldung\w*|behauptung\w*|angaben|gerücht\w*)\b", re.I),
    "ru": re.compile(r"(?:сообщени\w*|утверждени\w*|данны\w*|информаци\w*|слух\w*)", re.I),
    "ko": re.compile(r"[가-힣]"),  # verb-final: the denying verb always follows its object
}
_CONTRAST = re.compile(
    r"\b(?:but|however|while|whereas|although|aber|doch|jedoch|während|allerdings|но|однако"
    r"|хотя|зато)\b|;|하지만|그러나|반면|지만|으나",
    re.I,
)
# A condition around the count: "if 50,000 were sent", "Sollten 50.000 ...", "если", "다면".
_CONDITION: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:if|unless|were\s+to|in\s+case|in\s+the\s+event|suppose|supposing|assuming"
        r"|hypothetical\w*|what\s+if)\b",
        re.I,
    ),
    "de": re.compile(r"\b(?:wenn|falls|sofern|angenommen|im\s+falle?|hypothetisch\w*)\b", re.I),
    "ru": re.compile(r"\b(?:если|в\s+случае|предположим|допустим|гипотетическ\w*)\b", re.I),
    "ko": re.compile(
        r"(?:만약|만일|(?<!의)하면|되면|다면|라면|[할될낼갈올줄질릴킬칠길쓸]\s?경우|는\s?경우)"
    ),
}
# A condition opened by its verb: "Sollten 50.000 Soldaten entsandt werden, ...", "Should
# Pyongyang deploy 30,000 troops, ...".
_VERB_FIRST_CONDITION = {
    "de": re.compile(r"\W*(?:sollten?|würden?|käme|kämen|hätten?|im\s+falle?\b)\b", re.I),
    "en": re.compile(r"\W*(?:should|were|had)\b", re.I),
}
# Possible, expected: "could send as many as 100,000", "könnten geschickt werden".
_POSSIBLE: dict[str, re.Pattern[str]] = {
    # "may" only in lower case: "May" is also the month
    "en": re.compile(
        r"\b(?:(?i:could|might|possibly|potentially|perhaps|(?:is|are)\s+(?:likely|expected)\s+to)"
        r"|may)\b"
    ),
    "de": re.compile(
        r"\b(?:könnten?|könntet?|möglicherweise|womöglich|eventuell|vielleicht|voraussichtlich"
        r"|(?:wird|werden)\s+erwartet|dürften)\b",
        re.I,
    ),
    "ru": re.compile(
        r"(?:\bмо(?:жет|гут)\b|\bмог(?:ли|ла|ло)?\s+бы\b|\bвозможно\b|\bвероятно\b"
        r"|\bожида\w*)",
        re.I,
    ),
    "ko": re.compile(r"(?:[을를할될낼갈올날질]\s?수(?:도)?\s?있|가능성|전망|예상)"),
}
# Not ruled out, for the clause it opens: "do not rule out that ... will send up to 200,000",
# "schließt nicht aus, dass", "не исключают, что", "배제할 수 없다" (after, verb-final).
_NOT_RULED_OUT: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:(?:do|does|did)\s+not\s+rule\s+out|(?:is|was)\s+not\s+ruled\s+out)\b", re.I
    ),
    "de": re.compile(
        r"\b(?:schließ\w*\s+(?:es\s+)?nicht\s+aus|(?:ist|sei)\s+nicht\s+ausgeschlossen)\b", re.I
    ),
    "ru": re.compile(r"\bне\s+исключа\w*|\bне\s+исключено\b", re.I),
    "ko": re.compile(r"배제할\s?수\s?없|배제하지\s?않"),
}
# Words that start a new clause of their own within one comma-less clause.
_NEW_CLAUSE = re.compile(r"\b(?:and|und|и|or|oder|или)\s", re.I)


def modality(text: str, start: int, end: int, lang: str) -> str:
    """The modality of the figure at text[start:end] (ASSERTED unless its words say so)."""
    s_start, s_end = sentence_span(text, start)
    if _retracted(text, (start, end), s_start, s_end, lang):
        return RETRACTED
    if _denied(text, start, end, s_start, s_end, lang):
        return DENIED
    c_start, c_end = clause_span(text, start, end)
    c_start, c_end = max(c_start, s_start), min(c_end, s_end)
    if _in_clause(_CONDITION[lang], text, start, end, c_start, c_end) or (
        lang in _VERB_FIRST_CONDITION and _VERB_FIRST_CONDITION[lang].match(text, s_start)
    ):
        return HYPOTHETICAL
    if _in_clause(_POSSIBLE[lang], text, start, end, c_start, c_end):
        return PROJECTED
    ruled_out = _NOT_RULED_OUT[lang].search(text, s_start, s_end)
    if ruled_out is not None and (ruled_out.end() <= start) != (lang == "ko"):
        return PROJECTED
    return ASSERTED


def _retracted(text: str, span: tuple[int, int], s_start: int, s_end: int, lang: str) -> bool:
    cue = _RETRACTION[lang].search(text, s_start, s_end)
    if cue is None:
        return False
    start, end = span
    if lang == "ko" and CORRECTED[lang].match(text, end, min(s_end, end + 12)) is not None:
        return False  # verb-final: "1만1천 명이 맞습니다"
    corrected = CORRECTED[lang].finditer(text, s_start, start)
    return not any(m.start() > cue.start() for m in corrected)


def _denied(text: str, start: int, end: int, s_start: int, s_end: int, lang: str) -> bool:
    for m in _DENIAL[lang].finditer(text, s_start, s_end):
        if m.end() <= start:
            between = text[m.end() : start]
        elif m.start() >= end and _REPORTED[lang].search(text, s_start, start):
            between = text[end : m.start()]
        else:
            continue
        if not _CONTRAST.search(between):
            return True
    return False


def _in_clause(
    pattern: re.Pattern[str],
    text: str,
    start: int,
    end: int,
    c_start: int,
    c_end: int,
) -> bool:
    """A cue in the count's clause: before it, or after it with no new clause between."""
    for m in pattern.finditer(text, c_start, c_end):
        if m.end() <= start or (m.start() >= end and not _NEW_CLAUSE.search(text, end, m.start())):
            return True
    return False


# "nicht 800, sondern 80", "not 2,000 but 200", "не 600, а 60", "400명이 아니라 40명": the
# first figure is withdrawn in favour of the second.
_NOT_BEFORE = re.compile(r"(?:\bnicht|\bnot|\bне|\bnon)\s+(?:\w+\s+)?$", re.I)
_BUT_BETWEEN = {
    "de": re.compile(r"^\s*,?\s*sondern\s+(?:(?:nur|lediglich|bloß)\s+)?(?:\w+\s+)?$", re.I),
    "en": re.compile(r"^\s*,?\s*but\s+(?:(?:only|just|merely)\s+)?(?:\w+\s+)?$", re.I),
    "ru": re.compile(r"^\s*,?\s*(?:а|но)\s+(?:(?:лишь|только|всего)\s+)?(?:\w+\s+)?$", re.I),
    "ko": re.compile(r"^\s?(?:여\s?)?(?:명|발)?[이가]?\s?아니(?:라|고)\s+(?:[가-힣]+\s+)?$"),
}
# A correction note: its label, or the report it corrects ("contrary to our first report").
_CORRECTION_NOTE: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\bcorrection\s*:|\bcontrary\s+to\s+(?:our|an?|the)\s+(?:first|earlier|initial"
        r"|original|previous)\s+(?:report|version|story)",
        re.I,
    ),
    "de": re.compile(
        r"\b(?:korrektur|berichtigung|richtigstellung)\s*:|\banders\s+als\s+(?:zunächst"
        r"|ursprünglich|zuvor|bisher|von\s+uns)\s+(?:berichtet|gemeldet|angegeben|geschrieben)",
        re.I,
    ),
    "ru": re.compile(r"\bпоправка\s*:|\bвопреки\s+(?:первоначальн|предыдущ|ранн|нашему)\w*", re.I),
    "ko": re.compile(r"바로잡습니다|정정\s?(?:보도|합니다)|(?:앞선|이전|당초)\s?보도와\s?달리"),
}


def contrasted(text: str, first: tuple[int, int], second: tuple[int, int], lang: str) -> bool:
    """Do the two counts stand as "not <first> but <second>"?"""
    gap = text[first[1] : second[0]]
    if not _BUT_BETWEEN[lang].match(gap):
        return False
    return lang == "ko" or bool(_NOT_BEFORE.search(text, max(0, first[0] - 20), first[0]))


def withdrawn(text: str, pos: int, lang: str) -> str:
    """The modality of the withdrawn figure of "not N but M": retracted in a correction
    note (the outlet's own earlier figure), else denied (someone else's)."""
    s_start, s_end = sentence_span(text, pos)
    note = _CORRECTION_NOTE[lang].search(text, max(0, s_start - 40), s_end)
    if note is not None or _RETRACTION[lang].search(text, s_start, s_end):
        return RETRACTED
    return DENIED
