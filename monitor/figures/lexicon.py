"""The claim lexicon: which words name which kind of claim, in each language.

``CLAIM_TERMS`` gives each kind ("troops", "killed", ...) its word stems per language and
``CLAIM_LABELS`` its name for people. The patterns here refine a kind from its clause
(soldiers sent for reconstruction are builders, a casualty verb makes a casualty count);
``vocabulary`` adds the words of feeds.yaml's ``claims:`` and ``kind_at`` says which kind
a word names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from monitor.types import ClaimTerms

LANGS = ("de", "en", "ru", "ko")

# kind -> lang -> word stems. German and Korean stems match inside compounds
# ("Militärbauarbeitern"); English and Russian stems match at the start of a word.
# A multi-word stem ("combat engineer") is matched against two consecutive words.
# When several stems match one word, the longest wins ("bauarbeiter" beats "arbeiter").
CLAIM_TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "troops": {
        "de": (
            "soldat",
            "truppe",
            "militärangehörig",
            "mann",  # "12.000 Mann": German counts troops in men
            "militärpersonal",
            "kämpfer",
            "streitkräfte",
            "armeeangehörig",
            "infanterist",
        ),
        "en": (
            "troop",
            "soldier",
            "servicem",
            "service members",
            "military personnel",
            "personnel",
            "fighters",
            "infantry",
        ),
        "ru": ("военнослужащ", "солдат", "военн", "бойц", "боец"),
        "ko": ("병력", "군인", "병사", "장병", "북한군", "우크라이나군", "러시아군"),
    },
    "workers": {
        "de": ("arbeiter", "arbeitskräft", "arbeitskraft", "gastarbeiter"),
        "en": ("worker", "labourer", "laborer", "labour", "labor"),
        "ru": ("рабоч", "трудов", "мигрант"),
        "ko": ("노동자", "근로자", "인력"),
    },
    "deminers": {
        "de": ("minenräumer", "pionier", "kampfingenieur", "sprengmeister", "entminer"),
        "en": (
            "deminer",
            "de-miner",
            "sapper",
            "combat engineer",
            "military engineer",
            "mine clearer",
            "engineers",
        ),
        "ru": ("сапер", "сапёр", "инженерн", "инженер"),
        "ko": ("공병", "지뢰 제거", "지뢰제거"),
    },
    "builders": {
        "de": ("bauarbeiter", "militärbauarbeiter", "bauhelfer", "baukräft", "bausoldat"),
        "en": ("builder", "construction worker", "military builder", "construction troop"),
        "ru": ("строител",),
        "ko": ("건설", "건설인력", "건설 인력", "건설노동자", "복구 인력"),
    },
    "killed": {
        "de": ("getötet", "tote", "todesopfer", "gefallene", "gestorben", "umgekommen"),
        "en": ("killed", "dead", "deaths", "died", "fatalities"),
        "ru": ("погиб", "убит"),
        "ko": ("사망", "전사", "사살"),
    },
    "wounded": {
        "de": ("verletzt", "verwundet"),
        "en": ("wounded", "injured"),
        "ru": ("ранен",),
        "ko": ("부상",),
    },
    "killed_or_wounded": {
        "de": ("verluste", "verlusten", "opfer"),
        "en": (
            "casualties",
            "losses",
            "killed or wounded",
            "killed or injured",
            "killed and wounded",
            "dead or wounded",
            "dead and wounded",
        ),
        "ru": ("потер", "выбывш"),
        "ko": ("사상자", "사상"),
    },
    "captured": {
        "de": ("gefangen", "kriegsgefangen"),
        "en": ("captured", "prisoner", "pows", "taken prisoner"),
        "ru": ("плен",),
        "ko": ("포로", "생포"),
    },
    "missing": {
        "de": ("vermisst", "verschollen"),
        "en": ("missing", "missing in action", "unaccounted for"),
        "ru": ("пропавш", "пропал", "без вести"),
        "ko": ("실종",),
    },
    "missiles": {
        "de": ("rakete", "marschflugkörper"),
        "en": ("missile", "rocket"),
        "ru": ("ракет",),
        "ko": ("미사일",),
    },
    "shells": {
        "de": ("granate", "geschoss", "munition"),
        "en": ("shell", "rounds of ammunition", "artillery rounds"),
        "ru": ("снаряд",),
        "ko": ("포탄",),
    },
}

# People named by their nationality, or as people ("человек"): a claim only as the dead,
# wounded, captured or missing a casualty verb or noun makes of them ("90 Nordkoreaner und
# 40 Russen fielen", "потеряла убитыми 70 человек"); "thousands of North Koreans are in
# Kursk" in a headline is no count of troops.
PEOPLE = "people"
PEOPLE_TERMS: dict[str, tuple[str, ...]] = {
    "de": ("nordkoreaner", "russen", "ukrainer"),
    "en": ("north koreans", "russians", "ukrainians"),
    "ru": ("северокорейц", "россиян", "украинц", "человек"),
    "ko": (),
}

CLAIM_LABELS: dict[str, str] = {
    "troops": "troops",
    "workers": "workers",
    "deminers": "deminers / combat engineers",
    "builders": "military builders",
    "killed": "killed",
    "wounded": "wounded",
    "killed_or_wounded": "killed or wounded",
    "captured": "captured",
    "missing": "missing",
    "missiles": "missiles",
    "shells": "artillery shells",
}

CASUALTIES = ("killed", "wounded", "killed_or_wounded", "captured", "missing")
PERSONNEL = ("troops", "workers", "builders", "deminers")

# Context that turns generic soldiers into builders or deminers (clause-local stems).
RECONSTRUCTION = re.compile(
    r"wiederaufbau|wiederherstell|reconstruct|rebuild|восстановлен|재건|복구", re.I
)
DEMINING = re.compile(
    r"entminung|minenräum|minen zu räumen|demining|de-mining|mine[- ]clear|clear(?:ing)?"
    r" (?:land)?mines|разминир|지뢰",
    re.I,
)

# A casualty verb later in the same clause decides what a bare or personnel number counts.
CASUALTY_VERBS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"(?:getötet|tot|gefallen)\s+(?:oder|und)\s+(?:verletzt|verwundet)"
            r"|(?:killed|dead)\s+(?:or|and)\s+(?:wounded|injured)"
            r"|убит\w*\s+(?:или|и)\s+ранен|выбыл\w*\s+из\s+строя|выбывш\w*|사상|죽거나\s?다[쳤친치]"
            r"|out\s+of\s+action|(?:nicht\s+mehr\s+einsatzfähig|kampfunfähig|außer\s+gefecht)"
            r"|전투력을?\s?상실|전투\s?불능",
            re.I,
        ),
        "killed_or_wounded",
    ),
    # \b at both ends: "Gefallene" (the fallen, a noun) is no verb
    (
        re.compile(
            r"\b(?:getötet|ums leben|gefallen|gestorben|umgekommen|starben|sterben|fielen|tot"
            r"|killed|died|dead|lost their lives|deaths\s+of|tod\s+(?:von|der)|tötete\w*|погиб\w*"
            r"|гибн\w*|гибел\w*|убил\w*"
            r"|убит\w*|скончал\w*|умер\w*"
            # "has lost 700 soldiers", "hat 700 Soldaten verloren", "потеряла 700 солдат":
            # soldiers lost are dead (not "lost contact with", "lost track of")
            r"|(?:has|have|had)\s+lost(?!\s+(?:contact|track|touch|sight))|verloren"
            r"|потерял[аио]?(?!\s+(?:связь|след|ранен|пленн))|потеряли(?!\s+(?:связь|след|ранен|пленн)))\b"
            r"|사망|전사|숨[졌진지]|사살|잃었|잃은",
            re.I,
        ),
        "killed",
    ),
    (
        re.compile(r"\b(?:verletzt|verwundet|wounded|injured|ранен|ранил)|부상|다[쳤친치]", re.I),
        "wounded",
    ),
    (
        re.compile(
            # "nahmen 60 Soldaten gefangen", "took 180 soldiers prisoner"
            r"\b(?:gefangen genommen|in gefangenschaft|gefangen\b|captured|taken prisoner"
            r"|prisoner\b(?!\s+(?:exchange|swap))|в плен|пленени|пленн\w*"
            r"|(?:in\s+)?(?:\w+\s+)?captivity"
            r"|in\s+(?:\w+\s+)?gefangenschaft|в\s+(?:\w+\s+)?плену)|포로|생포",
            re.I,
        ),
        "captured",
    ),
    (
        re.compile(
            r"\b(?:vermisst|verschollen|missing|unaccounted\s+for|пропал\w*\s+без\s+вести"
            r"|пропавш\w*)|실종",
            re.I,
        ),
        "missing",
    ),
)

# A casualty verb right before the count, as German word order puts it ("starben 600"),
# and Russian ("погибли 300", "пропали без вести 200", "взяли в плен в общей сложности 10").
CASUALTY_BEFORE = re.compile(
    r"\b(?:starben|sterben|fielen|getötet|verletzt|verwundet|vermisst|killed|wounded|injured"
    r"|töteten|tötete|verwundeten|verwundete|verletzten|verletzte"
    r"|captured|(?:убиты|погибли)\s+(?:или|и)\s+ранены|погибли|погибло|погибла|погиб|погибают"
    r"|гибнут|ранены"
    r"|убиты|убито|ранено|убил[аио]?|ранил[аио]?"
    r"|(?:получили\s+)?ранения(?:\s+получили)?|пропали\s+без\s+вести"
    r"|(?:в\s+плен\s+)?(?:попали|попадают|взяты|взял[аио]?|захватил[аио]?|захвачены)"
    r"(?:\s+в\s+плен)?"
    # a noun of dying or capture: "о гибели 800", "the deaths of 400", "den Tod von 60"
    r"|(?:the\s+)?deaths\s+of|(?:den\s+)?tod\s+von|гибели|ранении|пленении"
    # "потеряла убитыми 70", "lost as killed": the instrumental names the kind
    r"|потерял\w*\s+(?:убитыми(?:\s+и\s+ранеными)?|ранеными|пленными)"
    # "has lost 700 soldiers", "потеряла 700 солдат": soldiers lost are dead
    r"|(?:has|have|had)\s+lost|потерял[аио]?|потеряли)"
    r"\s+(?:[^\W\d_]+\s+)?(?:a\s+total\s+of\s+|в\s+общей\s+сложности\s+)?$",
    re.I,
)
# Verbs of destroying count the dead only when people are counted: "уничтожены 27
# военнослужащих", "ликвидировали 35", "eliminated 40 soldiers" (not "уничтожены 20 танков").
DESTROYED = re.compile(
    r"\b(?:уничтож\w*|ликвидир\w*|нейтрализ\w*|eliminated|neutrali[sz]ed|liquidated"
    r"|vernichtet\w*|ausgeschaltet|eliminiert)(?![^\W\d_])",
    re.I,
)
DESTROYED_BEFORE = re.compile(rf"(?:{DESTROYED.pattern})\s+(?:[^\W\d_]+\s+){{0,2}}$", re.I)

# German puts the finite verb second, so a short attribution may stand between it and a
# count of soldiers: "Pro Tag fallen nach westlichen Schätzungen etwa 100 Soldaten".
# ("fallen" also means "to drop": only for a count of people.)
CASUALTY_BEFORE_V2 = re.compile(
    r"\b(?P<v>fallen|sterben|starben|fielen|töteten|tötete|verwundeten|verwundete|verletzten)"
    r"\s+(?:[^\W\d_]+\s+){0,4}$",
    re.I,
)

# Verbs of saying, shared by who said it (``attribution``) and by the time basis, where a
# period next to one dates the saying, not the count (``basis``): "said last week that".
REPORTING_VERBS: dict[str, str] = {
    "en": r"said|says|told|reported|announced|stated|estimated|estimates|briefed|claimed|warned"
    r"|warns|assessed|believes|confirmed|testified|published|issued|released",
    "de": r"sagte|teilte|erklärte|warnte|schätzte|schätzt|berichtete|meldete|unterrichtete"
    r"|informierte|äußerte|veröffentlichte",
    "ru": r"заявил\w*|сообщил\w*|сказал\w*|отметил\w*|оценил\w*|предупредил\w*|считает|считают"
    r"|выступил\w*|доложил\w*|проинформировал\w*|рассказал\w*|опубликовал\w*|обнародовал\w*",
    "ko": r"밝혔|말했|전했|발표했|보고했|주장했|공개했",
}
REPORTING = re.compile(
    rf"\b(?:{'|'.join(REPORTING_VERBS[lang] for lang in ('en', 'de', 'ru'))})\b"
    rf"|{REPORTING_VERBS['ko']}",
    re.I,
)
# Percent words after a number ("40 Prozent", "40%", "40 процентов", "40퍼센트").
PERCENT = r"(?:\s?%|\s?(?:prozent|percent|per\s?cent|процент\w*|퍼센트|프로))"

# (stem, kind) pairs of one language, the shipped lexicon plus feeds.yaml's ``claims:``
Vocabulary = tuple[tuple[str, str], ...]


@lru_cache(maxsize=64)
def vocabulary(lang: str, extra: tuple[ClaimTerms, ...] = ()) -> Vocabulary:
    """The (stem, kind) pairs of ``lang``: the shipped lexicon, then ``extra``'s stems."""
    pairs = [
        (stem, kind) for kind, by_lang in CLAIM_TERMS.items() for stem in by_lang.get(lang, ())
    ]
    pairs += [(stem, PEOPLE) for stem in PEOPLE_TERMS.get(lang, ())]
    pairs += [
        (stem.lower(), terms.kind) for terms in extra if terms.lang == lang for stem in terms.stems
    ]
    return tuple(pairs)


def kind_at(
    tokens: list[tuple[str, int, int]], i: int, lang: str, vocab: Vocabulary
) -> tuple[str | None, int]:
    """The kind named at token i, and how many tokens name it (2 for "combat engineers").

    The longest stem that matches wins; of stems of one length, the first in ``vocab``.
    """
    word = tokens[i][0].lower()
    index = _index(vocab, lang)
    best = index.single(word)  # (length, position in vocab, kind) or None
    n = 1
    # a stem of several words can only match where its first word is the token itself
    for length, position, stem, kind, words in index.multi.get(word, ()):
        if i + words - 1 < len(tokens) and (
            best is None or (length, -position) > (best[0], -best[1])
        ):
            joined = " ".join(t[0].lower() for t in tokens[i : i + words])
            if joined.startswith(stem):
                best, n = (length, position, kind), words
    if best is None:
        return None, 1
    # "killed or wounded" spans three tokens
    if best[2] == "killed_or_wounded" and n == 2:
        return best[2], min(3, len(tokens) - i)
    return best[2], n


class _Index:
    """The stems of one vocabulary, for ``kind_at``: one-word stems looked up once per word,
    stems of several words by their first word."""

    def __init__(self, vocab: Vocabulary, lang: str) -> None:
        self.vocab = vocab
        self.lang = lang
        self.stems = [
            (len(stem), position, stem, kind)
            for position, (stem, kind) in enumerate(vocab)
            if " " not in stem
        ]
        # (length, position, stem, kind, words) by the stem's first word
        self.multi: dict[str, list[tuple[int, int, str, str, int]]] = {}
        for position, (stem, kind) in enumerate(vocab):
            if " " in stem:
                entry = (len(stem), position, stem, kind, stem.count(" ") + 1)
                self.multi.setdefault(stem.split(" ")[0], []).append(entry)
        self.words: dict[str, tuple[int, int, str] | None] = {}

    def single(self, word: str) -> tuple[int, int, str] | None:
        """The longest one-word stem matching ``word`` (the first of equal length)."""
        try:
            return self.words[word]
        except KeyError:
            pass
        best: tuple[int, int, str] | None = None
        for length, position, stem, kind in self.stems:
            if length > (best[0] if best else 0) and _stem_matches(word, stem, self.lang):
                best = (length, position, kind)
        if len(self.words) >= _WORDS_KEPT:
            self.words.clear()
        self.words[word] = best
        return best


_WORDS_KEPT = 100_000  # words whose stem ``_Index`` remembers
_INDEXES: dict[tuple[int, str], _Index] = {}


def _index(vocab: Vocabulary, lang: str) -> _Index:
    index = _INDEXES.get((id(vocab), lang))
    if index is None or index.vocab is not vocab:
        index = _Index(vocab, lang)
        if len(_INDEXES) >= 64:
            _INDEXES.clear()
        _INDEXES[(id(vocab), lang)] = index
    return index


def _stem_matches(word: str, stem: str, lang: str) -> bool:
    if word.startswith(stem):
        return True
    # German and Korean compounds put the counted thing last ("Militärbauarbeiter");
    # short stems ("tote") only match whole-word starts to avoid "Totale" and friends.
    # Korean nouns carry particles and compounds ("사망자는", "건설인력") at any length.
    return (lang == "de" and len(stem) >= 6 and stem in word) or (lang == "ko" and stem in word)
