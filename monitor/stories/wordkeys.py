"""The words of a text and the keys read from them: names (folded to one spelling, with
their bridge keys), places, weekdays and months, number words and rare words
(``word_keys``), and the weekdays its opening names (``lead_weekdays``).

What a word is (its casefolded form, stem, whether it may be a name, which key it gives,
how it moves the reading of a place) depends on the word alone, so it is worked out once
per distinct word (``_read_word``) and looked up for every later occurrence: the reading loop
does dict lookups and the few decisions that depend on the word's neighbours.

The key weights live here (``keys`` uses them for figures too): a key's weight is fixed
by what kind of word it was read from.
"""

from __future__ import annotations

import re
import sys

from monitor.stories.aliases import canonical, hangul_alias, has_hangul, korean_stem
from monitor.stories.bridge import bridge_keys, country, roman_value

__all__ = ["lead_weekdays", "word_keys"]


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (long lists stay readable)."""
    return frozenset(words.split())


# --- key weights ---------------------------------------------------------------------
# Key weights: a figure other than a year is the best evidence that two texts report the
# same event; names come next; a long lowercase word is weak; a year barely counts (many
# stories of one season share it).
WEIGHT_NUMBER = 3.0
WEIGHT_SMALL_NUMBER = 1.5  # 10..99: ages, distances, also "30 years"
WEIGHT_NAME = 2.0
WEIGHT_RARE_WORD = 1.0
WEIGHT_YEAR = 0.5
WEIGHT_CALENDAR = 1.5  # weekdays and months: separate a Tuesday event from a Friday one
# A name's country or sound skeleton (monitor.stories.bridge), compared across languages
# only: weaker than the name itself, since skeletons of different names can collide.
WEIGHT_BRIDGE = 1.0
# Places are read from the opening (title and first sentence) only: that is where a report
# says where it happened; further down, a long article names places in passing, and on
# ECB+ reading them all cost recall (0.74 -> 0.70) and gained no precision.
PLACE_LEAD_CHARS = 200
# Lowercase words at least this long are kept as rare words (length is a cheap rarity proxy).
RARE_WORD_MIN_LEN = 9
# What a word is, cached per distinct word (a few hundred bytes each): the vocabulary of a
# busy week's items fits.
WORD_CACHE_SIZE = 65536

# Words that say nothing about which event a text reports: function words (in German every
# noun is capitalised, so a capitalised word alone is no name), and the topic's own
# vocabulary, present in every item the monitor keeps. Stems, after _stem().
COMMON_WORDS = _word_set(
    """
    the a an and or but of to in on at by for with from as is are was were be been has have
    had it its this that these those he she they we you his her their our not no after before
    over about more than also said says say will would could can may new one two three
    der die das den dem des ein eine einer eines einem und oder aber nicht ist sind war
    wird werden wurde wurden hat haben mit von vom zu zum zur im in am an auf aus bei nach
    für über unter vor seit sich auch als wie noch nur mehr dass es er sie wir ihr diese
    dieser dieses jahr jahre jahren monat monate tag tage woche
    и в на с по не что как из за от о к это его ее их для уже также был была были
    north south korea korean nordkorea südkorea nord süd russia russian russland russisch
    moscow moskau kremlin kreml pyongyang pjöngjang seoul kim jong un putin wladimir vladimir
    ukraine ukrainian ukrainisch krieg war military militär army armee soldier soldat truppe
    troops government regierung minister president präsident state staat official
    korea's dprk kcna yonhap reuters ap afp dpa agency agentur news nachrichten
    mr mrs ms dr gen thousands hundreds dozens tausende hunderte dutzende
    zeit mal land länder welt frage seite hilfe unterstützung entwicklung beziehung
    zusammenarbeit partnerschaft teil ende anfang beginn menschen mensch leute fall falle
    grund weg ziel rolle lage situation bericht berichten angaben quelle quellen erklärung
    sprecher politik sicherheit frieden kampf kämpfe front waffen gebiet region grenze
    stadt hauptstadt führung führer chef staatschef ministerium behörden besuch treffen
    gespräch abkommen vertrag vereinbarung entscheidung schritt zeichen rahmen kontext
    interesse druck folge folgen zukunft geschichte westen osten norden süden europa asien
    ausland bevölkerung wirtschaft medien experten beobachter informationen nachricht zahl
    zahlen hälfte millionen milliarden euro dollar prozent uhr bereich ebene maßnahmen
    punkt problem sorge kritik reaktion möglichkeit ergebnis art form zeitpunkt moment
    stelle aussage angriff einsatz verbindung partner
    according intelligence agency service forces fighting fight killed wounded losses
    casualties deployed deployment region geheimdienst militärgeheimdienst laut zufolge
    getötet verletzt verluste gefallene gefallen nordkoreanisch nordkoreaner südkoreanisch
    россия россии российский российских российские москва москвы кремль кремля кндр
    северная северной кореи корея корею пхеньян пхеньяна путин путина ким чен ын украина
    украины военные военных солдат солдаты войска армия министр президент сообщил
    сообщила заявил заявила данным году года также время страны стран
    북한군 러시아 파병 군인 병력 김정은 위원장 국무위원장 대통령 정부 장관 관계자 보도
    전했다 밝혔다 통신 연합뉴스 우크라이나 전쟁 지역 국가 정보원 북한과 북한의
    """
)
# Dates without a year: weak evidence, but they do separate a March event from a July one.
# Each language's words map to one key (Tuesday / Dienstag / вторник / 화요일 -> "tue").
_CALENDAR_ROWS = (
    "m01 january januar jan января январь",
    "m02 february februar feb февраля февраль",
    "m03 march märz mar марта март",
    "m04 april apr апреля апрель",
    "m05 may mai мая май",
    "m06 june juni jun июня июнь",
    "m07 july juli jul июля июль",
    "m08 august aug августа август",
    "m09 september sep sept сентября сентябрь",
    "m10 october oktober oct okt октября октябрь",
    "m11 november nov ноября ноябрь",
    "m12 december dezember dec dez декабря декабрь",
    "mon monday montag понедельник 월요일",
    "tue tuesday dienstag вторник 화요일",
    "wed wednesday mittwoch среду среда 수요일",
    "thu thursday donnerstag четверг 목요일",
    "fri friday freitag пятницу пятница 금요일",
    "sat saturday samstag субботу суббота 토요일",
    "sun sunday sonntag воскресенье 일요일",
)
CALENDAR_KEYS = {word: row.split()[0] for row in _CALENDAR_ROWS for word in row.split()[1:]}
# German writes the time of day into the weekday: "Montagmorgen", "Mittwochabend".
CALENDAR_KEYS |= {
    word + part: key
    for word, key in list(CALENDAR_KEYS.items())
    if word.endswith(("tag", "woch"))
    for part in ("morgen", "vormittag", "mittag", "nachmittag", "abend", "nacht")
}
CALENDAR_WORDS = frozenset(CALENDAR_KEYS)
# en/de calendar words count only when capitalised: "may" and "march" are also verbs.
_CASED_CALENDAR = frozenset(w for w in CALENDAR_WORDS if w.isascii() or w[0] in "äöü")
CALENDAR_KEY_SET = frozenset(CALENDAR_KEYS.values())
# A designation after a Korean name: 화성-19형.
_KO_DESIGNATION = re.compile(r"-(\d+)")
# Korean months are written "6월".
_KO_MONTH = re.compile(r"(\d{1,2})월")
# Korean words (particles removed) of at least this many syllables are kept as rare words.
KO_RARE_MIN_LEN = 3
# Number words that stand for a figure on their own ("tausend Pioniere", "a thousand").
NUMBER_WORDS = {
    "thousand": 1_000,
    "tausend": 1_000,
    "hundred": 100,
    "hundert": 100,
    "тысяча": 1_000,
    "тысячу": 1_000,
}
# Words that multiply a following number word: "zwei tausend" is not 1000 (nor is "6 tausend",
# which the number pattern reads as 6000).
MULTIPLIER_WORDS = _word_set(
    "two three four five six seven eight nine ten several few zwei drei vier fünf sechs "
    "sieben acht neun zehn mehrere einige две три четыре пять шесть несколько"
)
# Words after which a name is read as a place ("in Wajima", "vor Miyagi", "в Сендае"):
# two texts that place their events in different places report different events.
LOCATIVES = _word_set("in at near off from im bei vor nahe aus в во у под близ около из")
# ... also with articles, adjectives and place nouns between: "from the Wonsan area", "im
# nordkoreanischen Hafen Rajin", "в японской префектуре Мияги".
PLACE_FILLERS = _word_set(
    "the der die dem den des port city town village province area region hafen stadt "
    "dorf provinz präfektur prefecture gebiet порту городе деревне провинции префектуре "
    "области районе"
)
_ADJECTIVE_ENDINGS = (
    "isch",
    "ischen",
    "ischem",
    "ischer",
    "ian",
    "ese",
    "ской",
    "ском",
    "ских",
    "ского",
)
# German capitalises every noun: "in Aussicht", "in Kraft", "in Betrieb" are no places.
_ABSTRACT_ENDINGS = (
    "ung",
    "heit",
    "keit",
    "schaft",
    "sicht",
    "kraft",
    "trieb",
    "tion",
    "tät",
    "nis",
    "ismus",
)
# How many such words may stand between the locative and the place.
PLACE_MAX_GAP = 3
# Korean writes "in/at" as a particle on the place: 와지마에서.
KO_LOCATIVE = "에서"
# Lowercase words that continue a multi-word name ("Joint Chiefs of Staff").
NAME_CONNECTORS = _word_set("of von de")
# A word, with its possessive; a designation ("Hwasong-18", "KN-23", "Su-57") is one word,
# since the family name alone is shared by every launch or deal of its kind.
_TOKEN = re.compile(r"[^\W\d_][^\W_]*-\d[^\W_]*|[^\W_]+(?:['’][^\W\d_]+)?")
# Split at the words (kept): what stands before each word, the word, ..., what follows
# the last. One list of strings, cheaper than a match object per word.
_SPLIT_AT_TOKENS = re.compile(f"({_TOKEN.pattern})")
# A sentence ends in what stands before a word: no word's character is one of these.
_SENTENCE_END = re.compile(r"[.!?:\n]\s*$")
# A possessive ending, dropped before a word is stemmed ("Korea's").
_POSSESSIVE = ("'s", "’s")
# Inflection endings stripped so "Soldaten"/"Soldat", "Pionieren"/"Pioniere" meet.
_SUFFIXES = ("ern", "en", "er", "es", "s", "e")


def _stem(word: str) -> str:
    word = word.casefold()
    if word.endswith(_POSSESSIVE):
        word = word[:-2]
    if len(word) > 5 and word.endswith(_SUFFIXES):  # else none is stripped: the loop is skipped
        for suffix in _SUFFIXES:
            if word.endswith(suffix):
                return word[: -len(suffix)]
    return word


_COMMON_STEMS = frozenset(map(_stem, COMMON_WORDS))
# The same words in the spelling keys are compared in ("moskau" -> "moskva").
_COMMON_KEYS = frozenset(canonical(stem) for stem in _COMMON_STEMS) - CALENDAR_KEY_SET


# What a word does in ``word_keys``: its role, read once per distinct word.
_INERT = 0  # gives no key (function words, short or common words, figures): ends a name
_NAME = 1  # may be a name
_KOREAN = 2  # a Hangul word: its key (if any) and bridge keys, read apart from the rest
# "of", "von", "de": continues a name ("Joint Chiefs of Staff"); where no name goes on, a
# capitalised one may be a name ("De Gaulle": its key is set), else it gives nothing.
_CONNECTOR = 3
# Roles from here on give a key of their own and are never names.
_RARE = 4  # a long lowercase word
_CALENDAR = 5  # a weekday or month ("may" and "march" only capitalised)
_NUMBER_WORD = 6  # "tausend", "thousand": a figure unless multiplied ("zwei tausend")
# How a word moves the reading of a place for the word after it.
_NO_PLACE, _OPENS_PLACE, _CONTINUES_PLACE = 0, 1, 2

# What one distinct word (as ``_TOKEN`` finds it) is, worked out once by ``_read_word``:
#   (lowered, role, place, multiplies, key, weight, bridge, may_be_place, numeral, at_place)
# lowered: casefolded and interned (cached texts share one copy of each word);
# role: _INERT, _NAME, ...; place: _NO_PLACE, _OPENS_PLACE or _CONTINUES_PLACE;
# multiplies: whether a number word after it is no figure of its own ("zwei tausend");
# key, weight: the key it gives (a name's stem; "" and 0.0 for none);
# bridge: (bridge key, name key) pairs (monitor.stories.bridge);
# may_be_place: a name that may be a place (no filler, no abstract German noun);
# numeral: a name that is a Roman numeral, its value as a key ("16"), else "";
# at_place: a Korean word with the locative particle (와지마에서).
# A plain tuple, not an object: a busy week's vocabulary is tens of thousands of words,
# and tuples of strings leave the garbage collector's lists.
_WordInfo = tuple[str, int, int, bool, str, float, tuple[tuple[str, str], ...], bool, str, bool]


def _read_word(token: str) -> _WordInfo:
    """What ``token`` is to ``word_keys``. Capitalised words are compared in one spelling
    across scripts (Курск = Kursk); lowercase words only ever within one language."""
    lowered = sys.intern(token.casefold())
    if lowered in LOCATIVES:
        place = _OPENS_PLACE
    elif lowered in PLACE_FILLERS or lowered.endswith(_ADJECTIVE_ENDINGS):
        place = _CONTINUES_PLACE
    else:
        place = _NO_PLACE
    multiplies = lowered[:1].isdigit() or lowered in MULTIPLIER_WORDS
    if not token.isascii() and has_hangul(token):
        return (lowered, _KOREAN, place, multiplies, *_read_korean(token, lowered))
    upper = token[0].isupper()
    stem = canonical(_stem(token)) if upper else _stem(token)
    role, key, weight = _INERT, "", 0.0
    if (
        upper
        and lowered not in COMMON_WORDS
        and stem not in _COMMON_KEYS
        and lowered not in CALENDAR_WORDS
        and lowered not in NUMBER_WORDS
    ):
        numeral = roman_value(token) if not lowered.strip("ivxl") else None
        return (
            lowered,
            _CONNECTOR if lowered in NAME_CONNECTORS else _NAME,  # "De Gaulle"
            place,
            multiplies,
            stem,
            WEIGHT_NAME,
            tuple((found, stem) for found in bridge_keys(token)),
            lowered not in PLACE_FILLERS and not lowered.endswith(_ABSTRACT_ENDINGS),
            "" if numeral is None else str(numeral),
            False,
        )
    if lowered in NAME_CONNECTORS:
        role = _CONNECTOR
    elif token[0].isdigit() or len(stem) < 2:
        pass
    elif lowered in NUMBER_WORDS:
        role, key, weight = _NUMBER_WORD, str(NUMBER_WORDS[lowered]), WEIGHT_NUMBER
    elif lowered in CALENDAR_WORDS and (upper or lowered not in _CASED_CALENDAR):
        role, key, weight = _CALENDAR, CALENDAR_KEYS[lowered], WEIGHT_CALENDAR
    elif lowered in COMMON_WORDS or stem in _COMMON_STEMS or stem in _COMMON_KEYS:
        pass
    elif len(token) >= RARE_WORD_MIN_LEN and token.isalpha():
        role, key, weight = _RARE, stem, WEIGHT_RARE_WORD
    return (lowered, role, place, multiplies, key, weight, (), False, "", False)


def _read_korean(
    token: str, lowered: str
) -> tuple[str, float, tuple[tuple[str, str], ...], bool, str, bool]:
    """(key, weight, bridge, may_be_place, numeral, at_place) of a Hangul word."""
    nothing = ("", 0.0, (), False, "", False)
    if token[0].isdigit():
        return nothing  # "86분", "1천명": read by the number pattern
    korean = _korean_key(lowered)
    if korean is None:
        code = country(lowered)  # 독일: too short for a key of its own
        return ("", 0.0, ((f"cc:{code}", code),), False, "", False) if code else nothing
    key, weight = korean
    if key in _COMMON_KEYS:
        return nothing  # 러시아 in a Russia monitor
    bridge: tuple[tuple[str, str], ...] = ()
    if weight != WEIGHT_CALENDAR:
        bridge = tuple((found, key) for found in bridge_keys(korean_stem(lowered)))
    at_place = lowered.endswith(KO_LOCATIVE) and weight != WEIGHT_CALENDAR
    return key, weight, bridge, False, "", at_place


# Distinct words read so far (emptied when full: a busy week's vocabulary fits).
_WORDS: dict[str, _WordInfo] = {}


def _word(token: str) -> _WordInfo:
    found = _WORDS.get(token)
    if found is None:
        if len(_WORDS) >= WORD_CACHE_SIZE:
            _WORDS.clear()
        found = _WORDS[token] = _read_word(token)
    return found


def _korean_key(word: str) -> tuple[str, float] | None:
    """A Korean word's key: a known name (any particle attached), else a long word."""
    alias = hangul_alias(word)
    if alias is not None:
        designation = _KO_DESIGNATION.search(word)  # 화성-19형 = Hwasong-19
        return (f"{alias}-{designation.group(1)}" if designation else alias), WEIGHT_NAME
    if word in CALENDAR_KEYS:
        return CALENDAR_KEYS[word], WEIGHT_CALENDAR
    month = _KO_MONTH.fullmatch(word)
    if month is not None and 1 <= int(month.group(1)) <= 12:
        return f"m{int(month.group(1)):02d}", WEIGHT_CALENDAR
    word = korean_stem(word)
    if len(word) >= KO_RARE_MIN_LEN:
        return word, WEIGHT_RARE_WORD
    return None


def word_keys(
    text: str,
) -> tuple[list[str], dict[str, float], set[str], dict[str, set[str]], tuple[str, ...]]:
    """The words in order (casefolded: what alignment compares); names, rare long
    lowercase words, calendar words and number words, stemmed; with the keys bound to the
    text's language (rare words), the bridge keys (compared only across languages) and
    the names read as places.

    A name is a capitalised word that does not open a sentence. The words of one multi-word
    name ("Joint Chiefs of Staff", "Sergei Shoigu") share one name's weight, so that a long
    title counts as one piece of evidence; a word seen alone elsewhere ("Shoigu") keeps
    its full weight.
    """
    words: list[str] = []
    keys: dict[str, float] = {}
    local: set[str] = set()  # keys only ever compared within one language
    bridge: dict[str, set[str]] = {}  # bridge key -> the name keys it was read from
    places: dict[str, None] = {}  # names after "in", "near", "в", ...: where it happened
    sentence_initial: dict[str, None] = {}  # ordered: key order is hash-free
    run: list[str] = []  # stems of the multi-word name being read
    # A capitalised word opening a sentence: a name only if another name follows it
    # ("Sergei Shoigu said"), else probably an ordinary word ("Budget talks ...").
    opener: list[str] = []
    since_locative = PLACE_MAX_GAP + 1  # words since "in", "near", "в", ... (gap allowed)
    prior_place, prior_multiplies = _NO_PLACE, False  # of the word before

    def close_run() -> None:
        for stem in opener:
            sentence_initial[stem] = None
        opener.clear()
        for name in run:
            keys[name] = max(keys.get(name, 0.0), WEIGHT_NAME / len(run))
            local.discard(name)  # also read as a name: not bound to one language
        run.clear()

    def add_bridge(pairs: tuple[tuple[str, str], ...]) -> None:
        for found, key in pairs:
            if found not in keys or found in bridge:
                keys[found] = WEIGHT_BRIDGE
                bridge.setdefault(found, set()).add(key)

    # Words that start in the opening (PLACE_LEAD_CHARS): a text cut there holds as many.
    lead_words = len(_TOKEN.findall(text, 0, PLACE_LEAD_CHARS))
    known = _WORDS.get
    parts = _SPLIT_AT_TOKENS.split(text)  # what stands before each word, the word, ...
    for gap, token in zip(parts[0:-1:2], parts[1::2], strict=True):
        lowered, role, place, multiplies, key, weight, pairs, may_be_place, numeral, at_place = (
            known(token) or _word(token)
        )
        words.append(lowered)
        if prior_place == _OPENS_PLACE:
            since_locative = 1
        elif since_locative <= PLACE_MAX_GAP and prior_place == _CONTINUES_PLACE:
            since_locative += 1
        else:  # past the gap it stays past it
            since_locative = PLACE_MAX_GAP + 1
        after_multiplier = prior_multiplies
        prior_place, prior_multiplies = place, multiplies
        if role == _INERT:
            if run or opener:
                close_run()
            continue
        if role == _KOREAN:
            if run or opener:
                close_run()
            if pairs:
                add_bridge(pairs)
            if key:
                keys[key] = max(keys.get(key, 0.0), weight)
                if weight == WEIGHT_RARE_WORD:
                    local.add(key)
                if at_place and len(words) <= lead_words:
                    places.setdefault(key)
            continue
        if role == _CONNECTOR:
            if run:
                continue  # "Chiefs of Staff": the name goes on
            if not key:
                if opener:
                    close_run()
                continue
        elif role >= _RARE:
            if run or opener:
                close_run()
            if role == _RARE:
                if key not in keys:
                    keys[key] = WEIGHT_RARE_WORD
                    local.add(key)
            elif role == _CALENDAR or not after_multiplier:  # _NUMBER_WORD
                keys[key] = weight
            continue
        # A name goes on only across spaces and dashes ("Kim Jong Un", "Rimsky-Korsakov"):
        # while a name is read, the word before was part of it, so ``gap`` is all between.
        if (run or opener) and gap.strip(" -\u00a0"):
            close_run()
        if run and numeral:
            keys[numeral] = max(keys.get(numeral, 0.0), WEIGHT_SMALL_NUMBER)
            continue  # "Benedict XVI": the numeral belongs to the name
        add_bridge(pairs)
        if (not gap and len(words) == 1) or _SENTENCE_END.search(gap[-3:]):
            if run or opener:
                close_run()
            opener.append(key)
        else:
            run.extend(opener)
            opener.clear()
            run.append(key)
            after_locative = since_locative <= PLACE_MAX_GAP
            if after_locative and len(words) <= lead_words and may_be_place:
                places.setdefault(key)
    if run or opener:
        close_run()
    # A capitalised word seen only at sentence starts is usually an ordinary word; keep it
    # as a rare word when it is long, as names and nouns are.
    for stem in sentence_initial:
        if stem not in keys and len(stem) >= RARE_WORD_MIN_LEN:
            keys[stem] = WEIGHT_RARE_WORD
            local.add(stem)
    return words, keys, local, bridge, tuple(places)


def lead_weekdays(body: str) -> frozenset[str]:
    """The weekdays the opening names ("tue"): the day the reported event happened."""
    found = set()
    for token in _TOKEN.findall(body[:PLACE_LEAD_CHARS]):
        lowered = token.casefold()
        word = korean_stem(lowered) if has_hangul(lowered) else lowered
        key = CALENDAR_KEYS.get(word)
        if key and not key[1:].isdigit() and (token[0].isupper() or word not in _CASED_CALENDAR):
            found.add(key)
    return frozenset(found)
