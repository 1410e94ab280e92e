"""Boilerplate an outlet wraps around a copied text, removed before the text is compared.

An outlet that runs a wire copy adds lines of its own: a credit line ("(Reporting by ...;
Editing by ...)", "Mit Material von dpa", "Редактор: ...", "홍길동 기자"), a copyright line,
a newsletter plug ("Sign up for our free newsletter", "Abonnieren Sie ...",
"Подписывайтесь на наш канал", "구독하세요"), "Read more" links ("Lesen Sie auch",
"Читайте также", "관련 기사"), share and follow buttons ("Share on Facebook", "Teilen",
"Поделиться", "공유하기") and photo credits ("Foto: dpa", "Фото: ТАСС", "사진=연합뉴스").
None of it says which event a text reports, so it must decide neither way: a copy with a
footer added is still a copy, and two reports sharing one outlet's footer are not one story.

``strip`` drops whole lines and sentences that match one of these patterns and nothing
else. It is conservative on purpose: a pattern must match the sentence from its start (the
plugs: a short sentence that speaks to the reader about a newsletter or subscription), so a
news sentence that mentions a newsletter, a photo or a subscription stays. A dateline's date
("SEOUL, April 30 (Wire) -") is news and stays: a copy that drops it loses two words, which
the alignment in ``matching`` allows for.

Why patterns and not a library: jusText and trafilatura (a dependency, used on article
pages in ``feeds.parse``) classify HTML blocks by markup, link density and length; feed text
has no markup, and jusText keeps a credit line or a plug that sits between two good
paragraphs as "good". What a wire copy adds is a small, known vocabulary per language.
"""

from __future__ import annotations

import re

from monitor.figures.patterns import fold, may_match

__all__ = ["is_boilerplate", "kind", "strip"]

# A boilerplate sentence is short; anything longer is read as text whatever it starts with.
MAX_WORDS = 40
# A lead-in that may also open a news sentence ("Photo: ...", "Источник: ...") counts only
# in a sentence this short: a credit or a caption, not a report.
MAX_CAPTION_WORDS = 20

_FLAGS = re.IGNORECASE | re.UNICODE


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (long lists stay readable)."""
    return frozenset(words.split())


def _any(*patterns: str) -> re.Pattern[str]:
    found = re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS)
    anchored = [p for p in patterns if p.startswith("^")]
    parts = [re.compile(p, _FLAGS) for p in patterns if not p.startswith("^")]
    _ANCHORED.extend(anchored)
    _UNANCHORED.extend(parts)
    if anchored:
        parts.insert(0, re.compile("|".join(f"(?:{p})" for p in anchored), _FLAGS))
    _PARTS[found] = tuple(parts)
    return found


# Each pattern in parts: its alternatives that open with "^" together (tried at the start
# only), each other alternative alone (searched one by one they cost about half as much
# as within the whole). One part matches exactly when the pattern does.
_PARTS: dict[re.Pattern[str], tuple[re.Pattern[str], ...]] = {}
# Every kind's alternatives that open with "^" (each of whose own alternatives opens with
# "^" too: tests/test_boilerplate.py), and the others, compiled: see _may_be_boilerplate.
_ANCHORED: list[str] = []
_UNANCHORED: list[re.Pattern[str]] = []


def _matches(
    pattern: re.Pattern[str], parts: tuple[re.Pattern[str], ...], text: str, folded: str | None
) -> bool:
    """Whether ``pattern`` (made by ``_any``; ``parts``: its parts) matches somewhere in
    ``text`` (``folded``: ``patterns.fold(text)``). Where it has many parts, first one
    search for the strings one of which every match holds (it costs about what two parts
    do): most sentences hold none of them, and no part is searched."""
    if len(parts) > 2 and not may_match(pattern, text, folded):
        return False
    return any(part.search(text) for part in parts)


# What a credit line names when it is nothing else: an agency, a desk, a person.
_AGENCY = (
    r"dpa|afp|ap|rtr|reuters|kna|epd|sid|apa|dts|ddp|tass|тасс|ria|риа|interfax|интерфакс|"
    r"yonhap|연합뉴스|뉴시스|뉴스1"
)

# Credit lines, bylines, agency tags. English credits are checked against _NEWS_VERB too:
# "Reporting by the BBC showed ..." is a sentence of the report.
CREDIT = _any(
    # (Reporting by X; Editing by Y) / Additional reporting by X / Writing by ...
    r"^[(\[]?\s*(?:additional |further )?(?:reporting|writing|editing|compiled|"
    r"produced|research|translation|translated|fact-checking|graphics?)"
    r"(?: and (?:writing|editing|reporting))? by\b",
    r"^[(\[]?\s*with (?:additional )?(?:reporting|files|material|contributions) (?:from|by)\b",
    r"\bcontributed (?:reporting|to this (?:report|story|article))\W*$",
    r"^[(\[]?\s*(?:editing|editor|writer|author|reporter|correspondent)\s*[:|]",
    # Mit Material von dpa / (mit dpa) / Quelle: dpa
    r"^[(\[]?\s*mit (?:material|informationen|agenturmaterial|inhalten|agenturen)\b",
    rf"^[(\[]?\s*mit (?:{_AGENCY})\b",
    r"^[(\[]?\s*(?:redaktion|autor|autorin|bearbeitung)\s*:",
    # Редактор: / Автор: / По материалам ТАСС / С использованием материалов ...
    r"^[(\[]?\s*(?:редактор|автор|текст|корреспондент|подготовил[аи]?|редакция)\s*[:—–-]",
    r"^[(\[]?\s*(?:по материалам|с использованием материалов|при участии)\b",
    # 홍길동 기자 / 홍길동·김철수 기자 hong@example.com / ○○○ 특파원
    r"^[(\[]?\s*[가-힣○]{2,4}(?:\s?[·ㆍ,]\s?[가-힣○]{2,4})*\s?(?:기자|특파원|통신원|객원기자)"
    r"(?:\s*[=:])?(?:\s+[\w.+-]+@[\w.-]+)?\W*$",
    # An e-mail address or a run of agency tags alone: "hong@yna.co.kr", "(dpa/AFP/jf)".
    r"^[(\[<]?\s*[\w.+-]+@[\w-]+\.[\w.-]+\s*[)\]>]?\W*$",
    rf"^[(\[]?\s*(?:[a-zäöü]{{1,4}}\s?/\s?)*(?:{_AGENCY})(?:\s?[/,]\s?[\w]{{1,10}})*\s*[)\]]?\W*$",
    # A bracketed tag alone ("[한빛통신]"), a reporter's page.
    r"^[\[【][^\[\]【】]{1,20}[\]】]\W*$",
    r"^기자\s?(?:프로필|정보|페이지|구독)",
)
# "By ...": a byline only when every word is a name or a byline word ("By our world desk",
# "By Eastwire staff", "Von Hans Müller"), not "By Tuesday, the troops had left".
_BYLINE_OPENER = re.compile(r"^[(\[]?\s*(?:by|von|от)\s+(?=\S)", _FLAGS)
_BYLINE_WORDS = _word_set(
    """
    our the staff desk world foreign news correspondent correspondents reporter reporters
    writer bureau bureaus wire service in and of de van von der und unserem unserer
    korrespondenten korrespondentin redaktion nachrichtendienst наш нашего корреспондента
    """
)
_BYLINE_MAX_WORDS = 8
# Verbs of a report: a credit line has none.
_NEWS_VERB = re.compile(
    r"\b(?:said|says|say|showed|shows|found|finds|suggests?|suggested|revealed?|reveals|"
    r"was|were|is|are|has|have|had|will|would)\b",
    _FLAGS,
)

COPYRIGHT = _any(
    # "Copyright 2025 Eastwire", "© Elbkurier", not "Copyright laws were changed ..."
    r"^[(\[<]?\s*(?:copyright\s*(?:©|\(c\)|\d{4})|copyright\b[^.]{0,60}\d{4}\W*$|©|ⓒ|\(c\)\s|"
    r"all rights reserved|alle rechte vorbehalten|все права защищены|저작권자)",
    r"©|ⓒ|무단\s?전재|재배포\s?금지",
    r"^(?:image|photo|picture|bild|foto)\s+(?:copyright|credit|source|quelle)\b",
    r"^this (?:material|article|story) may not be (?:published|reproduced|redistributed)",
    r"^(?:nachdruck|vervielfältigung)\b.{0,80}\b(?:genehmigung|untersagt|verboten)",
    r"^(?:при (?:полном или частичном )?(?:использовании|перепечатке|цитировании)|"
    r"перепечатка|использование материалов)\b.{0,120}(?:обязательна|запрещен[аo]?|разрешени)",
)

# Plugs: a short sentence that speaks to the reader about a newsletter, a subscription or a
# channel. Each alternative needs the reader addressed ("our", "your", "Sie", "наш") or an
# imperative at the start, so "the ministry's newsletter said" stays.
PLUG = _any(
    r"^(?:sign up|subscribe)\b",
    r"^join (?:our|us)\b.{0,40}\b(?:channel|newsletter|community|mailing list|telegram|whatsapp)",
    r"\b(?:sign up|subscribe)\s+(?:(?:for|to|now|today|here)\s+)?(?:our|my)\b",
    r"\b(?:sign up|subscribe)\b.{0,40}\b(?:newsletters?|briefings?|digest|inbox|podcast)\b",
    r"\bsubscribe (?:now|today|here)\b",
    r"\b(?:our|your)\b.{0,40}\b(?:newsletters?|inbox)\b",
    r"\bnewsletters?\b.{0,60}\b(?:sign up|subscribe|inbox|your|you)\b",
    r"^(?:like what you (?:read|see)|enjoy(?:ed)? (?:this|reading)|want more\b|don't miss|"
    r"never miss|stay (?:informed|up to date|in the know)|click here|tap here|"
    r"download (?:our|the) app|follow us\b)",
    # German
    r"^(?:jetzt|hier|gleich)\s+(?:[\w-]+\s+){0,3}(?:abonnieren|anmelden|bestellen|registrieren)\b",
    r"^(?:(?:unseren |den )?newsletter\s+)(?:abonnieren|anmelden|bestellen)\b",
    r"^(?:abonnieren|anmelden|registrieren)\W*$|^anmeldung zum newsletter",
    r"\b(?:abonnieren|bestellen|registrieren) (?-i:Sie)\b|\bmelden (?-i:Sie) sich\b.{0,60}\ban\b",
    r"\b(?:unser\w*|(?-i:Ihr\w*))\b.{0,40}\bnewsletter\b",
    r"\bnewsletter\b.{0,40}\b(?:abonnieren|anmelden|bestellen)\b|\bnewsletter\b.{0,60}(?-i:\bSie\b)",
    r"^(?:folgen sie uns|hier geht'?s zum|jetzt (?:lesen|testen|weiterlesen)|gefällt ihnen)\b",
    # Russian
    r"^(?:подписывайтесь|подпишитесь|подписаться|следите за|читайте нас|присоединяйтесь|"
    r"оформите подписку|узнавайте первыми)\b",
    r"\bнаш\w*\s+(?:\w+\s+)?(?:рассылк\w*|telegram|телеграм\w*|дзен\w*|канал\w* в\b)",
    # Korean
    r"구독\s?(?:하세요|하기|해\s?주세요|신청|버튼|하시면|하고)|뉴스레터|제보는\s?카카오톡|"
    r"(?:채널|친구)\s?추가",
    r"^[▶☞►→■□◆◇]\s?.{0,40}(?:구독|제보|바로가기|채널|앱 설치|다운로드)",
)

# "Read more" and related links, alone or with the linked headline after a colon or dash.
_LINK_TAIL = r"(?:(?:\s*[:|>»]|\s+[-–—/])\s*.*)?$"
READ_MORE = _any(
    r"^(?:read (?:more|also|next)|also read|see also|more on this(?: story| topic)?|"
    r"more (?:stories|news)|related(?: stories| articles?| coverage| content| news| links?)?|"
    r"recommended(?: stories| reading| for you)?|further reading|top stories|"
    r"most (?:read|popular)|trending|watch|listen|you (?:might|may) also like)" + _LINK_TAIL,
    r"^(?:lesen sie (?:auch|mehr|hier|weiter)|mehr (?:zum thema|dazu|lesen|zu diesem thema)|"
    r"auch interessant|zum thema|weitere (?:artikel|nachrichten|meldungen)|siehe auch|"
    r"lesetipp|weiterlesen|das könnte sie auch interessieren|meistgelesen)" + _LINK_TAIL,
    r"^weitere \w+(?: \w+){0,3} (?:lesen|finden) sie hier\W*$",
    r"^(?:читайте (?:также|тоже|подробнее|еще|ещё)|смотрите также|по теме|ещё по теме|"
    r"еще по теме|материалы по теме|подробнее|читать (?:далее|полностью)|"
    r"самое читаемое|главное за день)" + _LINK_TAIL,
    r"^[▶☞►→■□◆◇]?\s?(?:관련\s?기사|기사\s?더\s?보기|더\s?보기|추천\s?기사|많이 본 기사|"
    r"함께 (?:읽으면 좋은|보면 좋은) 기사|주요\s?뉴스|이 시각 (?:주요|많이 본) 뉴스)"
    r"(?:\s?(?:더\s?보기|보기|바로\s?가기))?" + _LINK_TAIL,
)

# Share and follow buttons: a line made of nothing but their words ("Share Tweet Email"),
# or "Share on Facebook", "Auf Facebook teilen", "Поделиться в Telegram", "기사 공유하기".
_SOCIAL = (
    r"facebook|twitter|x|whatsapp|telegram|viber|vk|вконтакте|одноклассники|ok|linkedin|"
    r"reddit|pinterest|threads|bluesky|xing|flipboard|e-?mail|mail|sms|kakao(?:talk)?|"
    r"카카오톡|카카오스토리|페이스북|트위터|밴드|네이버|텔레그램"
)
_BUTTON = (
    r"share|shares|tweet|print|copy link|comments?|teilen|drucken|link kopieren|kommentare|"
    r"поделиться|печать|скопировать ссылку|комментарии|공유|공유하기|인쇄|스크랩|"
    r"링크\s?복사|댓글|글자\s?크기|" + _SOCIAL
)
SHARE = _any(
    rf"^(?:(?:{_BUTTON})\b[\s,|/·•:]*)+$",
    rf"^(?:share|tweet)\b.{{0,30}}\b(?:on|via|to|with)\s+(?:{_SOCIAL})\b",
    r"^share (?:this|the) (?:article|story|post|page)\b|^share this\W*$",
    r"^(?:print|e-?mail|save) (?:this|the) (?:article|story|page)\W*$",
    rf"^(?:(?:auf|per|via|bei) (?:{_SOCIAL})|artikel|beitrag|seite) teilen\b",
    rf"^поделиться\b.{{0,30}}(?:{_SOCIAL}|\bв\b|\bс\b)",
    r"^(?:기사|sns|페이스북|카카오톡|트위터)\s?공유",
    r"^(?:follow|join us|folgen sie|подписывайтесь на нас|следите за нами)\b.{0,40}"
    rf"\b(?:on|auf|bei|в|на)\s+(?:{_SOCIAL}|instagram|youtube|tiktok|ютуб\w*|дзен\w*)",
)

# Photo credits and captions: "Photo: ...", "Foto: dpa", "Фото: ТАСС", "사진=연합뉴스".
PHOTO = _any(
    r"^[(\[]?\s*(?:photo|photos|photograph|picture|image|file photo|video|credit|"
    r"foto|fotos|bild|bilder|quelle|фото|фотография|снимок|видео|источник|иллюстрация)"
    r"\s*(?:[:=|/©]|by\b|credit\b)",
    r"^[(\[]?\s*(?:사진|영상|그래픽|자료사진)\s?(?:제공)?\s?[=:]",
    r"^[(\[]\s*[^()\[\]]{0,30}(?:자료사진|제공|사진)\s*[)\]]\W*$",
)

# An advertisement's label alone; an update note.
NOTE = _any(
    r"^(?:advertisement|sponsored|anzeige|werbung|реклама|광고)\W*$",
    r"^this (?:story|article) (?:has been|was) (?:updated|corrected|amended)\W*$",
)

# Photo first: "[연합뉴스 자료사진]" is a photo credit before it is a bracketed tag.
_KINDS = (
    ("photo", PHOTO),
    ("credit", CREDIT),
    ("copyright", COPYRIGHT),
    ("plug", PLUG),
    ("read more", READ_MORE),
    ("share", SHARE),
    ("note", NOTE),
)
# ... with each one's parts, looked up once: a pattern's hash reads its compiled code.
_KIND_PARTS = tuple((name, pattern, _PARTS[pattern]) for name, pattern in _KINDS)

# Most sentences are news, and match no kind's pattern: first one match of every kind's
# anchored alternatives at the start, and one search for the strings one of which every
# match of the others holds (most sentences hold none of them). Only a sentence that
# passes is read kind by kind.
_ANY_ANCHORED = re.compile("|".join(f"(?:{p})" for p in _ANCHORED), _FLAGS)
_ANY_UNANCHORED = re.compile("|".join(f"(?:{p.pattern})" for p in _UNANCHORED), _FLAGS)
_UNANCHORED_PARTS = tuple(_UNANCHORED)


def _may_be_boilerplate(text: str, folded: str | None) -> bool:
    """False only when no kind's pattern matches ``text`` (``folded``: its ``fold``)."""
    if _ANY_ANCHORED.match(text) is not None:  # each alternative can only match at 0
        return True
    return may_match(_ANY_UNANCHORED, text, folded) and any(
        part.search(text) for part in _UNANCHORED_PARTS
    )


# Credits inside a paragraph, whatever the sentence splitting does with the initials in
# them: "(Reporting by J. Smith; Editing by K. Lee)", "(Mit Material von dpa)".
_INLINE_CREDIT = re.compile(
    r"[(\[]\s*(?:(?:additional |further )?(?:reporting|writing|editing|compiled) by|"
    r"mit (?:material|informationen|agenturmaterial) (?:von|der|des)|"
    r"по материалам|с использованием материалов)\b[^()\[\]]{0,300}[)\]]",
    _FLAGS,
)
# A Korean byline before the text: "(서울=연합뉴스) 홍길동 기자 = 러시아와 ..." keeps the
# dateline, drops "홍길동 기자 =".
_KO_BYLINE_WORDS = ("기자", "특파원", "통신원")
_KO_BYLINE = re.compile(
    r"(?:^|(?<=[)\]]))\s*[가-힣○]{2,4}(?:\s?[·ㆍ,]\s?[가-힣○]{2,4})*\s?"
    rf"(?:{'|'.join(_KO_BYLINE_WORDS)})\s?=\s*",
    re.MULTILINE,
)
# Sentence ends; not after an initial ("J. Smith", "Reuters/K. Lee") or a one-digit ordinal
# ("3. Mai"). Each sentence is judged on its own: a line may hold news and a plug.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])(?<![\s(/][^\W\d_]\.)(?<![\s(]\d\.)\s+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _is_byline(sentence: str) -> bool:
    opener = _BYLINE_OPENER.match(sentence)
    if opener is None:
        return False
    words = _WORD.findall(sentence[opener.end() :])
    return (
        0 < len(words) <= _BYLINE_MAX_WORDS
        and not any(w.isdigit() for w in words)
        and all(w[0].isupper() or w.casefold() in _BYLINE_WORDS for w in words)
    )


def kind(sentence: str) -> str | None:
    """Which kind of boilerplate ``sentence`` is ("credit", "plug", ...), or None."""
    text = sentence.strip()
    if not text:
        return None
    folded = fold(text)
    if _BYLINE_OPENER.match(text) is None and not _may_be_boilerplate(text, folded):
        return None  # neither a byline nor any kind, however long: most sentences
    words = len(_WORD.findall(text))
    if words > MAX_WORDS:
        return None
    if _is_byline(text):
        return "credit"
    for name, pattern, parts in _KIND_PARTS:
        if not _matches(pattern, parts, text, folded):
            continue
        if name == "credit" and _NEWS_VERB.search(text) and not text.startswith(("(", "[")):
            continue  # "Reporting by the BBC showed ...": a sentence of the report
        if name == "photo" and words > MAX_CAPTION_WORDS:
            continue  # "Источник: ..." opening a long sentence is a report
        return name
    return None


def is_boilerplate(sentence: str) -> bool:
    """Whether ``sentence`` (a line, or one sentence of one) is boilerplate as a whole."""
    return kind(sentence) is not None


def strip(text: str) -> str:
    """``text`` without its boilerplate lines and sentences; the rest as it was written.

    Each sentence of each line is judged on its own. Lines are kept in order; a line whose
    sentences all go disappears, and the sentences kept in a line are joined by one space.
    A text without boilerplate is returned as it came, so its words and keys do not change.
    """
    cleaned = _INLINE_CREDIT.sub(" ", text)
    if any(word in cleaned for word in _KO_BYLINE_WORDS):  # else it cannot match: 1/100 the cost
        cleaned = _KO_BYLINE.sub(" ", cleaned)
    changed = cleaned != text
    kept_lines = []
    for line in cleaned.splitlines():
        sentences = _SENTENCE_BREAK.split(line.strip())
        kept = [s for s in sentences if not is_boilerplate(s)]
        if len(kept) < len(sentences):
            changed = True
            line = " ".join(kept)
        if line.strip():
            kept_lines.append(line.strip())
    return "\n".join(kept_lines) if changed else text
