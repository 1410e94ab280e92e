"""Who is cited for a figure, in its sentence: "nach Angaben X", "according to X", "X said",
"X warned", "teilte X mit", "по данным X", "как сообщил X", "X에 따르면", "X는 ... 밝혔다".

A sentence that cites someone by a pronoun ("It said", "he said", "sagte er", "по его
словам", "... 고 밝혔다" with no subject) or by a bare noun ("the agency said") takes the
source of the sentence before it that names one ("The NIS briefed lawmakers. It said ...").
A dateline ("KYIV - ") is no part of a source.
"""

from __future__ import annotations

import re
from functools import lru_cache

from monitor.figures.clauses import MONTHS, sentence_span
from monitor.figures.lexicon import REPORTING_VERBS

# Attribution: who is cited, sentence-local. Each pattern's group "x" starts the source.
_SOURCE_AFTER = re.compile(
    r"\b(?:nach\s+(?:angaben|schätzung(?:en)?|erkenntnissen|informationen)|laut|according\s+to|citing|согласно|по\s+(?:данным|словам|оценкам?|"
    r"информации))\s+(?:(?:des|der|von|dem|den|the)\s+)?(?P<x>[^,;:.()\d]{2,90})",
    re.I,
)
# "X zufolge", "X said": find the verb first, then read the words before it (a pattern that
# starts with "any text" would be tried at every position of the sentence).
_SOURCE_VERB = re.compile(
    rf"\s(?:zufolge|{'|'.join(REPORTING_VERBS[lang] for lang in ('en', 'de', 'ru'))})\b", re.I
)
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_SOURCE_LEFT_EDGE = re.compile(r"[,;:.()\d\"“„]")
_SOURCE_SAID_AFTER = re.compile(
    r"(?:,|\")\s*(?:said|according to|told)\s+(?:the\s+)?(?P<x>[^,;:.()\d]{2,80})", re.I
)
# "teilte der NIS mit", "sagte Gerassimow", "국정원에 따르면"
_SOURCE_VERB_FIRST = re.compile(
    r"\b(?:teilte|sagte|erklärte|berichtete|meldete|schätzte|warnte|bestätigte|betonte)\s+(?P<x>[^,;:.()\d]{2,60}?)"
    r"(?:\s+mit\b|\s*[,.;:]|$)"
    r"|(?P<ko>(?:[가-힣A-Za-z·]+\s){0,2}[^\s,]+)에\s*따르면",
    re.I,
)
# Russian: "..., заявил представитель Минобороны", "как сообщил Генштаб".
_SOURCE_RU_VERB = re.compile(
    r"(?:[,—–]\s*|\bкак\s+)(?:заявил[аи]?|сообщил[аи]?|сказал[аи]?|уточнил[аи]?|отметил[аи]?"
    r"|сообщает|сообщают|передает|передаёт|пишет|считают|утверждает|предупредил[аи]?|оценил[аи]?"
    r"|добавил[аи]?)\s+(?P<x>[^,;:.()\d]{2,80})",
    re.I,
)
# Korean: the topic-marked subject of a reporting verb at the sentence end,
# "우크라이나 정보당국은 ... 밝혔다".
_SOURCE_KO_TOPIC = re.compile(
    r"^\s*(?P<ko>[가-힣A-Za-z·]+(?:\s[가-힣A-Za-z·]+){0,2}?)(?:은|는)\s"
    r".*(?:밝혔다|전했다|추정했다|말했다|발표했다|주장했다|보고했다|분석했다|경고했다|추산했다"
    r"|설명했다|공개했다|냈다|내놨다)"
    # "... 있다고 국정원은 밝혔다", "... 잡았다고 러시아 국방부가 밝혔다": the subject right
    # before the verb at the end
    r"|(?:고|며)\s(?P<ko2>(?:[가-힣A-Za-z·]+\s)?[가-힣A-Za-z·]+)(?:은|는|이|가)\s(?:[가-힣]+\s){0,2}?"
    r"(?:밝혔다|전했다|말했다|발표했다|보고했다|경고했다|추산했다|분석했다|주장했다)",
)
# "nach russischen Angaben", "nach südkoreanischen Schätzungen": the adjective is the source.
_SOURCE_ADJECTIVE = re.compile(
    r"\bпо\s+(?!(?:его|её|ее|их|своим)\b)(?P<ru>[а-яё]+(?:им|ым)\s+(?:данным|оценкам|сведениям))"
    r"|\bnach\s+(?!(?:seinen|ihren|eigenen|unseren|deren|dessen)\b)(?P<x>[^\W\d_]+(?:en|er)\s+(?:angaben|schätzung(?:en)?|erkenntnissen|informationen))\b",
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
        "vergangene",
        "vergangenen",
        "letzte",
        "letzten",
        "woche",
        "week",
        "incorrectly",
        "wrongly",
        "erroneously",
        "mistakenly",
        "previously",
        "-",
        "–",
        "—",
        "it",
        "he",
        "she",
        "they",
        "we",
        "он",
        "она",
        "они",
        "оно",
        *MONTHS.split("|"),
    }
)
_SOURCE_LEAD = frozenset(
    {"the", "der", "die", "das", "des", "dem", "den", "von", "a", "an", "в", "во", "на"}
)
_SOURCE_MAX_WORDS = 6
# An outlet's own earlier text is no source: "An earlier version of this article said".
_NOT_A_SOURCE = re.compile(r"\bversion\b|\bfassung\b|верси|редакци|기사", re.I)


# A source named by a pronoun, or a sentence that reports with no subject (Korean).
_ANAPHOR: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:it|he|she|they)\s+(?:also\s+|further\s+)?(?:said|says|added|estimated|estimates"
        r"|told|warned|claimed|reported|noted|believes|assessed)\b|\b(?:said|added|told)\s+(?:it"
        r"|he|she|they)\b|\baccording\s+to\s+(?:it|him|her|them)\b"
        r"|\b(?:in|by)\s+(?:its|his|her|their)\s+(?:assessment|estimate|view|count|tally"
        r"|reckoning|statement|report)\b",
        re.I,
    ),
    "de": re.compile(
        r"\b(?:er|sie|es)\s+(?:sagte|erklärte|teilte|schätzte|warnte|berichtete|fügte|betonte)\b"
        r"|\b(?:sagte|sagten|erklärte|teilte|schätzte|warnte|berichtete|fügte|betonte)\s+(?:er|sie)\b"
        r"|\b(?:ihm|ihr|ihnen)\s+zufolge\b|\b(?:seinen|ihren)\s+(?:angaben|worten|schätzungen)\b"
        r"|\bnach\s+eigenen\s+angaben\b|\b(?:demnach|demzufolge|dementsprechend)\b",
        re.I,
    ),
    "ru": re.compile(
        r"\b(?:он|она|они|оно)\s+(?:также\s+)?(?:заявил|сообщил|сказал|отметил|добавил|уточнил"
        r"|оценил|предупредил)\w*|\b(?:заявил|сообщил|сказал|отметил|добавил|уточнил)\w*\s+(?:он"
        r"|она|они)\b|\bпо\s+(?:его|её|ее|их)\s+(?:словам|данным|оценкам|информации)",
        re.I,
    ),
    "ko": re.compile(
        r"(?:그는|그녀는|이들은|그들은|이\s?기관은|이에\s?(?:따르면|의하면))|(?:라고|다고|고)\s?(?:밝혔|전했|말했|덧붙였|설명했"
        r"|추산했|보고했|경고했|한다|했다)"
    ),
}
# A source that is a document, not a speaker: "according to the statement", "성명에 따르면",
# "согласно сводке" cite what the sentence before said was issued.
_DOCUMENT = re.compile(
    r"^(?:the\s+|its\s+|this\s+)?(?:statement|report|assessment|estimate|briefing|bulletin"
    r"|update|summary|document|bericht|erklärung|mitteilung|lagebericht|сводк\w*|заявлени\w*"
    r"|доклад\w*|сообщени\w*|документ\w*|성명|발표|보고서|자료|브리핑|이)$",
    re.I,
)
_LOOK_BACK = 3  # sentences


def attribution(text: str, pos: int, lang: str) -> str | None:
    """Who the sentence around text[pos] cites for its figures; None if no one. A pronoun
    or a bare noun ("the agency") takes the source of a sentence before it."""
    start, end = sentence_span(text, pos)
    sentence = text[start:end]
    source = _sentence_source(sentence, lang)
    document = source is not None and _DOCUMENT.match(source) is not None
    if document:  # "According to the statement": the statement of the sentence before
        source = None
    bare = source is not None and " " not in source and (lang == "de" or source.islower())
    if source is not None and not bare:
        return source
    if source is None and not document and not _ANAPHOR[lang].search(sentence):
        return None
    for _ in range(_LOOK_BACK):
        previous = _previous_sentence(text, start)
        if previous is None:
            break
        start, end = previous
        earlier = _sentence_source(text[start:end], lang)
        if earlier is not None and (source is None or source.lower() in earlier.lower()):
            return earlier
    return source


def _previous_sentence(text: str, start: int) -> tuple[int, int] | None:
    pos = start
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    if pos <= 0:
        return None
    return sentence_span(text, pos - 1)


@lru_cache(maxsize=256)  # every figure of a sentence shares its source
def _sentence_source(sentence: str, lang: str) -> str | None:
    if lang == "ko":  # "국방정보총국(HUR)은 ... 냈다"
        sentence = _PARENTHESIS.sub("", sentence)
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
            raw = groups.get("x") or groups.get("ko") or groups.get("ko2") or groups.get("ru") or ""
            source = _trim_source(raw, False, lang)
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
    if not words or not any(len(w) > (1 if lang == "ko" else 2) for w in words):
        return None
    if _NOT_A_SOURCE.search(" ".join(words)):
        return None
    return " ".join(words).strip(" \"“”„'")
