"""Whose soldiers and where: the nationality named around a count ("North Korean",
"russische") and the place named in its clause ("Kursk", "in Russland"), so that figures
about different forces or places are not compared. A nationality that names the source
("nach ukrainischen Angaben", "по украинским данным") says nothing about whose; the
country that sends, loses or has the soldiers as the subject ("North Korea could send",
"Pyongyang has lost", "КНДР может направить", "북한은 ... 파견했다") does.
"""

from __future__ import annotations

import re

from monitor.figures.clauses import clause_span

# Whose soldiers: a nationality word in the counted phrase or right around it.
_SCOPE_WHOSE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "north_korean",
        re.compile(
            r"nordkorean|north[- ]korean|северокорейск|северокорейц|\bкндр\b"
            r"|북한군|북한\s?(?:병|군|노동)|북한의"
            r"|dprk\b"
            r"|pyongyang's|\baus nordkorea|\bfrom north korea|\bиз кндр|\bиз северной кореи"
            # the losses of a country: "потери Пхеньяна", "Nordkoreas Verluste"
            r"|потер\w*\s+пхеньяна|nordkoreas\s+verluste|north\s+korea's\s+losses",
            re.I,
        ),
    ),
    # "in die russische Region Kursk", "Russia's Kursk region" name a place, not whose
    (
        "russian",
        re.compile(
            r"\brussisch(?!\w*\s+(?:region|grenzregion|gebiet|territorium))"
            r"|\brussian\b(?!\s+(?:region|territory|soil))|\bроссийск(?!\w*\s+(?:област|территор))"
            r"|러시아군|러시아\s?병|\brussen\b|\brussians\b|\bроссиян|потер\w*\s+(?:россии|москвы)",
            re.I,
        ),
    ),
    (
        "ukrainian",
        re.compile(
            r"ukrainisch|ukrainian|\bukrainer|украинск|украинц|우크라이나군|우크라이나\s?병"
            r"|потер\w*\s+(?:всу|украины|киева)",
            re.I,
        ),
    ),
)
# Where: the place named in the clause. Kursk lies in Russia; the two are compatible.
_SCOPE_WHERE: tuple[tuple[str, re.Pattern[str]], ...] = (
    # the region and its towns and villages the fighting is reported from
    (
        "kursk",
        re.compile(
            r"kursk|курск|쿠르스크|sudzha|sudscha|судж|수자|korenev|коренев|코레네보|plekhov"
            r"|plechow|плехов|플레호보|kurilov|kurilow|куриловк|쿠릴로프카|sverdlikov|свердликов",
            re.I,
        ),
    ),
    ("ukraine", re.compile(r"\bin der ukraine\b|\bin ukraine\b|\bна украин|우크라이나에서", re.I)),
    (
        "russia",
        re.compile(
            r"\b(?:nach|in) (?:ganz )?russland\b|\b(?:to|in|into|entered) russia\b"
            r"|\bв(?:о всей)? росси|러시아에|러시아로|러시아 전체"
            r"|러시아\s(?:[가-힣]+\s)?[가-힣]*현장",
            re.I,
        ),
    ),
)
# A source named by its nationality is not whose soldiers are counted: "nach ukrainischen
# Angaben ... 300 gefallen" are not Ukrainian dead. These phrases are blanked first.
_SOURCE_PHRASE = re.compile(
    r"\b(?:nach|laut)\s+(?:den\s+|dem\s+|der\s+|des\s+)?[^\W\d_]+(?:en|er|em|es)\s+(?:angaben"
    r"|schätzung\w*|erkenntniss\w*|informationen|quellen|geheimdienst\w*|militär\w*|regierung\w*"
    r"|behörde\w*|armee\w*|generalstab\w*|streitkräfte\w*|nachrichtendienst\w*|medien"
    r"|berichte\w*|militärs)\b"
    r"|\b[^\W\d_]+(?:en|er)\s+(?:angaben|quellen|medien|berichten|schätzungen)\s+zufolge\b"
    r"|\baccording\s+to\s+(?:the\s+)?[^\W\d_]+(?:\s+[^\W\d_]+)?\s+(?:intelligence|officials"
    r"|sources|estimates?|media|military|general\s+staff|government|ministry|army|authorities)\b"
    r"|\b(?:ukrainian|russian|south\s+korean)\s+(?:officials|intelligence|sources|estimates"
    r"|media|military|general\s+staff)\s+(?:said|say|says|estimated?|claimed?|reported)\b"
    r"|\bпо\s+[а-яё]+(?:им|ым)\s+(?:данным|оценкам|сведениям|информации)"
    r"|\bпо\s+(?:данным|оценкам|словам|информации|сведениям)\s+[а-яё]+(?:ой|ого|их|ых)\s+[а-яё]+"
    r"|[가-힣]+(?:\s[가-힣]+){0,2}에\s?따르면|[가-힣]+(?:\s[가-힣]+){0,2}\s?(?:측은|당국은)"
    # the captor is not whose: "in Ukrainian captivity", "в украинском плену", "…군에 포로로"
    r"|\bin\s+[^\W\d_]+\s+(?:captivity|gefangenschaft)|\bв\s+[а-яё]+(?:ом|ем)\s+плену"
    r"|[가-힣]+군에(?=\s?(?:포로|생포|붙잡))"
    # a source named by its city: "nach Angaben aus Kiew", "nach Darstellung Moskaus", "по
    # оценке Киева", "according to Kyiv"
    r"|\b(?:nach\s+(?:angaben|erkenntnissen|informationen|darstellung|einschätzung\w*"
    r"|schätzungen)(?:\s+aus)?|laut|по\s+(?:оценке|данным|словам|информации|сведениям)"
    r"|according\s+to)\s+(?:kiew\w*|kyiv|kiev|киев\w*|moskau\w*|moscow|москв\w*|seoul\w*"
    r"|сеул\w*|pjöngjang\w*|pyongyang|пхеньян\w*|washington\w*|вашингтон\w*)",
    re.I,
)
# Forces named by their nationality may be the subject too: "North Korean units have lost".
_FORCES = (
    r"(?:forces|troops|units|soldiers|army|military|truppen|einheiten|soldaten|streitkräfte"
    r"|armee|военн\w*|войск\w*|подразделени\w*|част\w*|солдат\w*|бойц\w*|арми\w*)"
)
# The country that sends, loses or has the soldiers, as the subject of the clause: "North
# Korea could send 25,000 more troops", "Pyongyang has lost 4,000 soldiers", "КНДР может
# направить", "Nordkorea hat 3.000 Soldaten verloren", "북한은 ... 파견했다". Not a verb of
# capturing or killing: the soldiers Ukraine captured are not Ukrainian.
_SUBJECT: tuple[tuple[str, str], ...] = (
    (
        "north_korean",
        r"north\s+korea|pyongyang|nordkorea|pjöngjang|кндр|северная\s+корея|пхеньян"
        r"|kim(?:\s+jong[\s-]un)?|ким(?:\s+чен\s+ын)?"
        rf"|(?:north\s+korean|nordkoreanisch\w*|северокорейск\w*)\s+{_FORCES}",
    ),
    (
        "russian",
        r"russia|moscow|the\s+kremlin|russland|moskau|der\s+kreml|россия|москва|кремль"
        rf"|(?:russian|russisch\w*|российск\w*)\s+{_FORCES}",
    ),
    (
        "ukrainian",
        r"ukraine|kyiv|kiev|die\s+ukraine|kiew|украина|киев"
        rf"|(?:ukrainian|ukrainisch\w*|украинск\w*)\s+{_FORCES}",
    ),
)
_AUX = (
    r"(?:(?:could|can|will|would|may|might|has|have|had|is|was|plans\s+to|intends\s+to"
    r"|könnte|kann|will|wird|soll|dürfte|hat|hatte|plant|может|могла|мог|будет|планирует"
    r"|собирается|намерен\w*|хочет|уже|now|currently|still|already|reportedly|bereits|derzeit|inzwischen"
    r"|сейчас)\s+){0,2}"
)
_OWN_VERB = (
    r"(?:send|sent|sending|deploy\w*|dispatch\w*|commit\w*|ship|ships|shipping|lost|lose"
    r"|loses|losing|entsend\w*|schick\w*|verlor\w*|verlier\w*|stationier\w*|verleg\w*"
    r"|направ\w*|отправ\w*|перебро\w*|пришл\w*|присла\w*|потерял\w*|теряет|ввел\w*"
    # supplying shells and missiles: "has shipped", "geliefert", "передала", "поставит"
    r"|shipped|deliver\w*|suppl(?:y|ies|ied|ying)|provid\w*|transferr?\w*|handed"
    r"|geliefert|liefer\w*|übergeben|übergab\w*|geschickt|entsandt|verlegt|überstellt"
    r"|постав(?:ил|ит|ят|ила|или|ить|ляет|ляют)\w*|переда(?:л|ст|ть|ёт|ет)\w*)"
)
_SUBJECT_BEFORE = tuple(
    (
        name,
        re.compile(
            # not an object: "to Moscow and has", "an Russland"
            rf"(?:^|(?<!\bto)(?<!\bin)(?<!\ban)(?<!\bnach)(?<!\bfrom)(?<!\bwith)(?<!\bfor)[\s,;:])"
            rf"(?:{words})\s+(?:{_AUX}{_OWN_VERB}\b"
            rf"|(?P<aux>{_AUX})(?:[^\W\d_]+\s+){{0,5}}$)",
            re.I,
        ),
    )
    for name, words in _SUBJECT
)
_SUBJECT_AFTER = tuple(
    (name, re.compile(rf"^\S+[^.;:!?]{{0,40}}?\s(?:{words})\s+{_AUX}{_OWN_VERB}\b", re.I))
    for name, words in _SUBJECT
)
# "Russia has (about) 600,000 troops": having them, nothing but a hedge before the count
_HAS = re.compile(
    r"\b(?:has|have|hat|haben)\s+(?:about|around|some|roughly|nearly|almost|over|etwa|rund"
    r"|fast|knapp|über)?\s*$",
    re.I,
)
# "Die Ukraine hat 300 Soldaten gefangen genommen": "hat" is the perfect, not having
_DE_PARTICIPLE = re.compile(r"\b(?:ge[^\W\d_]{2,}(?:t|en)|[^\W\d_]+iert)\b", re.I)
_OWN_VERB_RE = re.compile(rf"\b{_OWN_VERB}\b", re.I)
_KO_SUBJECT = (
    ("north_korean", "북한군?"),
    ("russian", "러시아군?"),
    ("ukrainian", "우크라이나군?"),
)
_KO_OWN_VERB = re.compile(
    r"파견|보냈|보낼|보내|보낸|잃었|잃은|투입|배치했|넘겼|넘긴|넘길|제공|공급"
)
_SCOPE_REACH = 25  # characters of the clause before the number searched for "whose"
_SCOPE_AFTER = 25  # ... and after the counted phrase ("Soldaten aus Nordkorea")


def whose_and_where(
    text: str, start: int, end: int, neighbours: tuple[int, int], *, soldiers: bool = True
) -> tuple[str | None, str | None]:
    """(whose, where) for the count at text[start:end]: a nationality named near it and a
    place named in its clause, neither beyond the neighbouring numbers; None if unnamed.
    For soldiers (not civilian workers) also the country that sends, loses or has them."""
    clause_start, clause_end = clause_span(text, start, end)
    text = _without_sources(text, clause_start, clause_end)
    left = max(clause_start, neighbours[0], start - _SCOPE_REACH)
    right = min(clause_end, neighbours[1])
    near = text[left:end] + " " + text[end : min(right, end + _SCOPE_AFTER)]
    whose = _nearest(near, start - left, end - left)
    clause = text[max(clause_start, neighbours[0]) : right]
    where = next((name for name, pattern in _SCOPE_WHERE if pattern.search(clause)), None)
    if whose is None and soldiers:
        whose = _subject(text, max(clause_start, neighbours[0]), start, right)
    return whose, where


def _nearest(near: str, start: int, end: int) -> str | None:
    """The nationality named nearest to near[start:end] (inside it first): in "Russian troops
    captured 200 Ukrainian soldiers" the soldiers counted are Ukrainian."""
    best: tuple[int, int, str] | None = None
    for order, (name, pattern) in enumerate(_SCOPE_WHOSE):
        for m in pattern.finditer(near):
            distance = max(start - m.end(), m.start() - end, 0)
            if best is None or (distance, order) < best[:2]:
                best = (distance, order, name)
    return best[2] if best else None


def _subject(text: str, left: int, start: int, right: int) -> str | None:
    """Whose soldiers by the country that sends, loses or has them (see ``_SUBJECT``)."""
    before = text[left:start]
    for name, pattern in _SUBJECT_BEFORE:
        m = pattern.search(before)
        if m is None:
            continue
        # "Russia has 600,000 troops"; "Nordkorea könnte weitere 8.000 Soldaten entsenden"
        has = _HAS.search(m.group(0)) and not _DE_PARTICIPLE.search(text, start, right)
        sent = _OWN_VERB_RE.search(m.group(0)) or _OWN_VERB_RE.search(text, start, right)
        if m.group("aux") is None or has or sent:
            return name
    after = text[start:right]  # "Ещё 300 тысяч снарядов Пхеньян может поставить"
    for name, pattern in _SUBJECT_AFTER:
        if pattern.search(after):
            return name
    for name, word in _KO_SUBJECT:
        if re.search(rf"(?:^|\s){word}[은는이]\s", before) and _KO_OWN_VERB.search(
            text, start, right
        ):
            return name
    return None


def whose_named(segment: str) -> str | None:
    """Whose soldiers a noun phrase names ("the number of North Korean troops"), or None."""
    return next((name for name, pattern in _SCOPE_WHOSE if pattern.search(segment)), None)


PLACES = _SCOPE_WHERE


def where_named(segment: str) -> str | None:
    """The place a stretch of text names ("and in Russia as a whole at"), or None."""
    return next((name for name, pattern in _SCOPE_WHERE if pattern.search(segment)), None)


def _without_sources(text: str, start: int, end: int) -> str:
    """``text`` with the source phrases of text[start:end] blanked (offsets kept)."""
    spans = [m.span() for m in _SOURCE_PHRASE.finditer(text, start, end)]
    if not spans:
        return text
    parts, pos = [], 0
    for s_start, s_end in spans:  # in order, none overlapping
        parts += [text[pos:s_start], " " * (s_end - s_start)]
        pos = s_end
    parts.append(text[pos:])
    return "".join(parts)
