"""A dispatch announced, not the count already in place: does a personnel count stand for a
dispatch pledged, announced or planned ("will send", "zu entsenden", "направит",
"파견하기로"), which gets the modifier ``DEPLOYMENT``, or for a count in place ("are
fighting", "im Einsatz") or a past dispatch ("has sent")?
"""

from __future__ import annotations

import re

from monitor.figures.clauses import clause_span, sentence_span

DEPLOYMENT = "deployment"

# Cues that say whether a personnel count is a dispatch pledged, announced or planned
# ("go": "will send 1,000 deminers", "zu entsenden", "направит", "파견하기로") or a count
# already in place ("done": "have sent", "kämpfen", "находятся", "주둔"). The cue nearest
# to the count decides. Longer forms come first in each alternation, so "will be sent" is
# read as one cue before "sent" could be. Participles ("part") depend on their auxiliary.
_DISPATCH: dict[str, re.Pattern[str]] = {
    "de": re.compile(
        r"(?P<go>\bentsendung\w*|\bverlegung\w*|\bzu\s+(?:entsenden|schicken|senden|verlegen)"
        r"|\b(?:entsenden|schicken|senden|verlegen|schickt|sendet|entsendenden|liefern|liefert"
        r"|zu\s+liefern)\b"
        r"|\b(?:zugesagt(?:e[nmrs]?)?|zusagen|sagte\w*\s+zu|versprochen(?:e[nmrs]?)?|verspr(?:i|e)ch\w*|genehmig\w*"
        r"|beschl(?:ossen|oss|ießt)|vereinbar\w*|angekündigt|in\s+aussicht|bereit(?:stellen)?)\b"
        r")|(?P<arrive>\b(?:kommen|eintreffen|folgen|nachrücken)\b)"
        r"|(?P<part>\b(?:entsandt|entsendet|geschickt|gesandt|gesendet|verlegt|eingesetzt"
        r"|stationiert)\b)"
        r"|(?P<done>\b(?:entsandte[nmrs]?|geschickte[nmrs]?|stationierte[nmrs]?|kämpf\w*"
        r"|im\s+einsatz|befinden|befanden|dienen|dienten|eingetroffen|angekommen|stehen|standen"
        r"|geblieben|bleiben)\b)",
        re.I,
    ),
    "en": re.compile(
        r"(?P<go>\b(?:could|might|may|can)\s+(?:soon\s+)?(?:be\s+)?(?:send|dispatch|deploy|ship"
        r"|sent|dispatched|deployed|shipped)\b"
        r"|\b(?:will|would|shall|to|(?:is|are)\s+(?:set|due|expected)\s+to)\s+(?:soon\s+)?"
        r"(?:be\s+)?(?:send|dispatch|deploy|sent|dispatched|deployed|arrive|follow|join)\b"
        r"|\b(?:being\s+(?:sent|dispatched|deployed)|sends|dispatches|deploys|sending"
        r"|dispatching|deploying|pledg\w*|promis\w*|offer(?:s|ed|ing)?|approv\w*|agree[ds]?"
        r"|commit(?:s|ted)?|(?:dispatch|deployment)\s+of"
        # a verb of sending in its base form is not done yet: "Should Pyongyang deploy"
        r"|send|dispatch|deploy|ship|ships|shipping)\b)"
        r"|(?P<done>\b(?:sent|dispatched|deployed|fight\w*|fought|stationed|serving|based\s+in"
        r"|(?:are|were)\s+(?:now\s+)?in|remain\w*|arrived)\b)",
        re.I,
    ),
    "ru": re.compile(
        r"(?P<go>\b(?:(?:может|могут|могли\s+бы|будет|будут)\s+быть\s+(?:направлен\w*"
        r"|отправлен\w*|переброшен\w*)|отправ(?:ит|ят|ить|ку|ки|ка|ке|ляет|ляют)|направ(?:ит|ят|ить|ляет|ляют)"
        r"|пошл(?:ёт|ет|ют)|послать|пришл(?:ёт|ет|ют)|прислать|перебро(?:сит|сят|сить)"
        r"|постав(?:ит|ят|ить)|переда(?:ст|дут|ть)"
        r"|будут\s+(?:направлены|отправлены"
        r"|переброшены)|прибуд\w*|пообеща\w*|обеща\w*|одобри\w*|соглас\w*|договори\w*"
        r"|решил\w*|планиру\w*|намерен\w*)\b)"
        r"|(?P<done>\b(?:отправил\w*|направил\w*|перебросил\w*|отправлен\w*|направлен[аоы]?"
        r"|переброшен\w*|наход\w*|воюют|воевал\w*|сражают\w*|сражал\w*|участвуют|участвовал\w*"
        r"|дислоцирован\w*|размещен\w*|прибыл\w*)\b)",
        re.I,
    ),
    "ko": re.compile(
        r"(?P<go>(?:파견|파병)(?:할|하기로|키로|하겠|한다|될\s?예정|\s?예정|\s?계획|을\s?승인)"
        r"|보내기로|보낼|보내겠|보낸다|투입될\s?예정|약속|합의|승인|기로\s?했)"
        r"|(?P<done>(?:파견|파병)(?:했|한|된|돼|되어)|보냈|보낸|주둔|배치(?:돼|된|되어)|싸우|싸운"
        r"|참전|전투\s?중|머물|도착)"
    ),
}
# German and English auxiliaries that make a participle a past dispatch ("hat ... geschickt")
# or a future one ("soll ... geschickt werden").
_PART_PAST_AFTER = re.compile(r"^\s+(?:worden|haben|hat|habe|sind|seien|sein|wurden|wurde)\b", re.I)
_PART_FUTURE_AFTER = re.compile(r"^\s+(?:werden|würden|würde)\b", re.I)
# A dispatch in a condition is imagined, not done: "If 50,000 troops were sent",
# "Если бы в Россию отправили 50 тысяч", "Wenn 50.000 Soldaten entsandt worden wären".
_CONDITION_BEFORE = re.compile(r"\b(?:if|unless|wenn|falls|если|в\s+случае)\b", re.I)
_PART_PAST_BEFORE = re.compile(
    r"\b(?:hat|haben|habe|hatte|hatten|wurde|wurden|ist|sind|war|waren|seien)\b", re.I
)
_PART_FUTURE_BEFORE = re.compile(r"\b(?:wird|werden|soll|sollen|will|wollen)\b", re.I)
_MODAL_AFTER = re.compile(r"^\s+(?:sollen|soll|werden|wird)\b", re.I)
# A count "in Kursk", "in Russland", "на фронте" is in place unless a dispatch verb says more.
_IN_PLACE: dict[str, re.Pattern[str]] = {
    "de": re.compile(
        r"\bin\s+(?:der\s+)?(?:[^\W\d_]+en\s+)*(?:region\s+|grenzregion\s+|gebiet\s+)?kursk\b"
        r"|\bin\s+russland\b|\ban\s+der\s+front\b|\bauf\s+russischer\s+seite\b",
        re.I,
    ),
    "en": re.compile(
        r"\bin\s+(?:the\s+|russia's\s+)?kursk\b|\bin\s+russia\b|\bat\s+the\s+front\b"
        r"|\bon\s+russia's\s+side\b|\bon\s+the\s+front\s?lines?\b",
        re.I,
    ),
    "ru": re.compile(
        r"\bв\s+курск(?:ой|е)\b|\bв\s+росси[ию]\b|\bна\s+фронте\b|\bна\s+стороне\s+росси", re.I
    ),
    "ko": re.compile(r"(?:쿠르스크|러시아)\s?(?:지역)?에서|전선에서"),
}
# "Die Hilfe umfasst 1.000 Pioniere": a sentence that lists what a dispatch consists of
# takes its meaning from the sentence before (or after) it in the paragraph.
_COMPOSITION: dict[str, re.Pattern[str]] = {
    "de": re.compile(r"\b(?:umfass\w*|besteh\w*\s+aus|bestand\w*\s+aus|darunter)\b", re.I),
    "en": re.compile(r"\b(?:compris\w*|consist\w*\s+of|includ\w*|made\s+up\s+of)\b", re.I),
    "ru": re.compile(r"\b(?:включа\w*|состо\w*\s+из|в\s+том\s+числе)\b", re.I),
    "ko": re.compile(r"포함|구성"),
}


def is_deployment(
    text: str,
    span: tuple[int, int],
    number: tuple[int, int],
    neighbours: tuple[int, int],
    lang: str,
) -> bool:
    """Is the personnel count at text[span] a dispatch announced, pledged or planned
    (True), rather than a count already in place or of unknown status (False)?

    The count's own clause speaks first, then its sentence: the nearest dispatch cue
    decides, else a place it is in ("in Kursk"). A cue beyond a neighbouring number speaks
    for this one only when the two are coordinated ("1.000 Pioniere und 5.000 Bauarbeiter
    entsenden"), not in "zu den 11.000 Soldaten sollen weitere 3.000 kommen". A sentence
    with no cue at all that lists a dispatch's parts ("Die Hilfe umfasst ...") follows the
    sentence before or after it in its paragraph.
    """
    start, end = span
    s_start, s_end = sentence_span(text, start)
    c_start, c_end = clause_span(text, start, end)
    reach = (
        s_start if _coordinated_numbers(text[neighbours[0] : number[0]], lang) else neighbours[0],
        s_end if _coordinated_numbers(text[number[1] : neighbours[1]], lang) else neighbours[1],
    )
    for left, right in ((max(c_start, s_start), min(c_end, s_end)), (s_start, s_end)):
        verdict = _nearest_cue(text, left, right, span, reach, lang)
        if verdict is not None:
            return verdict
        if _IN_PLACE[lang].search(text, left, right):
            return False
    if not _COMPOSITION[lang].search(text, s_start, s_end):
        return False
    line_start = text.rfind("\n", 0, s_start) + 1
    line_end = text.find("\n", s_end)
    line_end = len(text) if line_end < 0 else line_end
    adjacent = []
    if s_start - 2 > line_start:
        adjacent.append(sentence_span(text, s_start - 2))
    if s_end + 2 < line_end:
        # (sentence_span cannot find a break right before its pos: the break looks ahead)
        adjacent.append((s_end + 1, sentence_span(text, s_end + 2)[1]))
    for n_start, n_end in adjacent:
        verdicts = _cues(text, n_start, n_end, lang)
        if verdicts and all(verdicts):
            return True
        if verdicts:
            return False
    return False


# Between two coordinated counts: a few words with "und", "and", "и", "과" or a comma.
_COORDINATION = re.compile(
    r"(?:^|\s)(?:und|and|sowie|plus|oder|or|и|или|а\s+также|as\s+well\s+as)\s|,|및|[명발]\s?[과와]\s"
    r"|[명발]\s?[과와]$",
    re.I,
)
_COORDINATION_MAX_WORDS = 5


def _coordinated_numbers(gap: str, lang: str) -> bool:
    """Are two numbers with ``gap`` between them one list ("1.000 Pioniere und 5.000")?"""
    if len(gap.split()) > _COORDINATION_MAX_WORDS or re.search(r"[.;:!?]", gap):
        return False
    return bool(_COORDINATION.search(gap)) and not _DISPATCH[lang].search(gap)


def _cues(text: str, left: int, right: int, lang: str) -> list[bool]:
    return [go for _, _, go in _cue_spans(text, left, right, lang)]


def _cue_spans(text: str, left: int, right: int, lang: str) -> list[tuple[int, int, bool]]:
    """Every dispatch cue in text[left:right]: (start, end, True for an announced dispatch)."""
    found = []
    for m in _DISPATCH[lang].finditer(text, left, right):
        kind = m.lastgroup
        if kind == "arrive":  # "sollen ... kommen" is to come; "kommen" alone says little
            after = text[m.end() : m.end() + 12]
            if _PART_FUTURE_BEFORE.search(text, left, m.start()) or _MODAL_AFTER.match(after):
                found.append((m.start(), m.end(), True))
        elif kind == "part":
            go = _participle_go(text, m, left) or bool(
                _CONDITION_BEFORE.search(text, left, m.start())
            )
            found.append((m.start(), m.end(), go))
        elif (
            kind == "done"
            and _sending(m.group(0), lang)
            and _CONDITION_BEFORE.search(text, left, m.start())
        ):
            found.append((m.start(), m.end(), True))
        else:
            found.append((m.start(), m.end(), kind == "go"))
    return found


_SENDING = re.compile(
    r"^(?:sent|dispatched|deployed|отправил\w*|направил\w*|перебросил\w*|отправлен\w*"
    r"|направлен\w*|переброшен\w*)$",
    re.I,
)


def _sending(word: str, lang: str) -> bool:
    """Is a "done" cue a verb of sending (not of being there: "fighting", "находятся")?"""
    return lang in ("en", "ru") and bool(_SENDING.match(word))


def _participle_go(text: str, m: re.Match[str], clause_start: int) -> bool:
    """ "sollen ... geschickt werden" is a dispatch to come; "hat ... geschickt", "entsandt
    haben" and the adjective "geschickte" are done; "Nordkorea entsendet" is the present."""
    after = text[m.end() : m.end() + 12]
    if _PART_FUTURE_AFTER.match(after):
        return True
    before = text[clause_start : m.start()]
    if _PART_PAST_AFTER.match(after) or _PART_PAST_BEFORE.search(before):
        return False
    return bool(_PART_FUTURE_BEFORE.search(before)) or m.group(0).lower() == "entsendet"


def _nearest_cue(
    text: str,
    left: int,
    right: int,
    span: tuple[int, int],
    reach: tuple[int, int],
    lang: str,
) -> bool | None:
    best: tuple[int, bool] | None = None
    for c_start, c_end, go in _cue_spans(text, left, right, lang):
        if c_start < span[1] and c_end > span[0] and not (go and c_end < span[1] - 1):
            # the counted noun itself ("5,000 fighters", "Kämpfer"); a pledge before the
            # noun speaks for it ("1.000 zugesagten Minenräumer")
            continue
        if c_end <= reach[0] or c_start >= reach[1]:
            continue  # it speaks for another number
        distance = max(span[0] - c_end, c_start - span[1], 0)
        if best is None or distance < best[0]:
            best = (distance, go)
    return None if best is None else best[1]
