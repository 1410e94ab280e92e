"""One spelling per name across en/de/ru/ko: Kursk / Курск / 쿠르스크 -> "kursk".

Same-story matching compares *keys* (names, figures, rare words). A name written in
another script or another language's spelling would otherwise share nothing with its
English form. Three steps, cheapest first:

1. Cyrillic is transliterated letter by letter (Курск -> kursk, Лавров -> lavrov), after
   a Russian case ending is dropped (Курске, Курской -> курск).
2. Latin spellings are folded so the usual German/English/Russian romanisations meet:
   diacritics dropped, "sch" -> "sh", "ss" -> "s", "w" -> "v", "j" and "y" -> "i",
   a final "ii" -> "i"
   (Schoigu / Shoigu / Шойгу -> shoigu, Pjöngjang / Pyongyang -> piongiang,
   Lawrow / Lavrov / Лавров -> lavrov).
3. What folding cannot reach (Korean, and romanisations that differ in more than
   spelling: Пхеньян, Ким Чен Ын) comes from a small shipped table, ``ALIASES``.

Korean particles attach to the word (쿠르스크에서), so a Hangul word is looked up by its
longest aliased prefix.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["ALIASES", "KO_PARTICLES", "canonical", "hangul_alias", "has_hangul", "korean_stem"]

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "iu",
            "ia",
        ],
        strict=True,
    )
)
_CYRILLIC["ъ"] = _CYRILLIC["ь"] = ""

# Russian case endings, longest first; dropped only when at least RU_MIN_STEM letters
# stay, so short indeclinable names (Шойгу, Сеул) are left whole.
_RU_ENDINGS = [
    "ами",
    "ями",
    "ого",
    "его",
    "ему",
    "ому",
    "ыми",
    "ими",
    "ой",
    "ей",
    "ом",
    "ем",
    "ым",
    "им",
    "ах",
    "ях",
    "ую",
    "юю",
    "ая",
    "яя",
    "ое",
    "ее",
    "ые",
    "ие",
    "ии",
    "ия",
    "ию",
    "а",
    "я",
    "у",
    "ю",
    "е",
    "ы",
    "и",
]
RU_MIN_STEM = 5

# Folds applied in order to Latin text (after transliteration).
# "ss" -> "s": German doubles an s to keep it voiceless (Gerassimow / Gerasimov).
_FOLDS = (
    ("tsch", "ch"),
    ("sch", "sh"),
    ("ck", "k"),
    ("ss", "s"),
    ("w", "v"),
    ("j", "i"),
    ("y", "i"),
)

# Names whose spellings folding does not join. Keys are folded (see ``canonical``) or
# Hangul; values are the canonical key. Kept small: the anchors of the monitor's topic
# and the capitals and leaders its stories name.
ALIASES: dict[str, str] = {
    # places
    "쿠르스크": "kursk",
    "모스크바": "moskva",
    "moscov": "moskva",
    "moskau": "moskva",
    "pkhenian": "piongiang",
    "평양": "piongiang",
    "seul": "seoul",
    "서울": "seoul",
    "kiev": "kiiv",
    "kiiv": "kiiv",
    "kiev's": "kiiv",
    "키이우": "kiiv",
    "vladivostok": "vladivostok",
    "블라디보스토크": "vladivostok",
    "vonsan": "vonsan",
    "원산": "vonsan",
    "tokio": "tokio",
    "도쿄": "tokio",
    "vashington": "vashington",
    "워싱턴": "vashington",
    "iaponi": "iapan",  # Японии
    "iaponia": "iapan",
    "일본": "iapan",
    "khvason": "hvasong",  # Хвасон-19
    "화성": "hvasong",
    "ukraina": "ukraine",
    "우크라이나": "ukraine",
    # people
    "쇼이구": "shoigu",
    "shoigu": "shoigu",
    "라브로프": "lavrov",
    "푸틴": "putin",
    "최선희": "choe",
    "chhve": "choe",
    "choe": "choe",
    "zelenski": "zelenskii",
    "selenski": "zelenskii",
    "젤렌스키": "zelenskii",
    "벨로우소프": "belousov",
    "belousov": "belousov",
    "belousow": "belousov",
    "gerasimov": "gerasimov",
    # organisations
    "조선중앙통신": "kcna",
    "kcna": "kcna",
    "국정원": "nis",
    "nis": "nis",
}

# A Hangul word longer than its alias is the alias plus particles (쿠르스크에서).
_HANGUL_ALIASES = sorted((k for k in ALIASES if k[:1] >= "\uac00"), key=len, reverse=True)


_HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")


def has_hangul(text: str) -> bool:
    """Whether ``text`` holds a Hangul syllable (one scan in C, called for every word)."""
    return _HANGUL_SYLLABLE.search(text) is not None


_CYRILLIC_LETTER = re.compile("[\u0400-\u04ff]")


def _is_cyrillic(word: str) -> bool:
    return _CYRILLIC_LETTER.search(word) is not None  # one scan in C


def _strip_russian_ending(word: str) -> str:
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= RU_MIN_STEM:
            return word[: -len(ending)]
    return word


def _fold_latin(word: str) -> str:
    if not word.isascii():  # ASCII has no diacritics to drop (NFKD leaves it as it is)
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        word = word.replace("ß", "ss")
    for old, new in _FOLDS:
        word = word.replace(old, new)
    # A final "-ii" is the Russian "-ий" (Валерий -> valerii), written "-i" elsewhere (Valeri).
    if word.endswith("ii") and len(word) > 4:
        word = word[:-1]
    return word


@lru_cache(maxsize=65536)
def canonical(word: str) -> str:
    """The shared spelling of a casefolded, already stemmed word (Latin or Cyrillic)."""
    if has_hangul(word):
        return hangul_alias(word) or word  # never folded: NFKD would split the syllables
    if _is_cyrillic(word):
        word = "".join(_CYRILLIC.get(ch, ch) for ch in _strip_russian_ending(word))
    folded = _fold_latin(word)
    if folded in ALIASES:
        return ALIASES[folded]
    family, dash, designation = folded.partition("-")  # Хвасон-19 = Hwasong-19
    if dash and family in ALIASES:
        return f"{ALIASES[family]}-{designation}"
    return folded


def hangul_alias(word: str) -> str | None:
    """The canonical key of a Korean word that starts with a known name, else None."""
    for alias in _HANGUL_ALIASES:
        if word.startswith(alias):
            return ALIASES[alias]
    return None


# Korean particles and endings that attach to a word (쿠르스크에서, 병력을).
KO_PARTICLES = tuple(
    sorted(
        [
            "에서",
            "에게",
            "으로",
            "로",
            "에",
            "은",
            "는",
            "이",
            "가",
            "을",
            "를",
            "의",
            "와",
            "과",
            "도",
            "만",
            "께서",
            "까지",
            "부터",
        ],
        key=len,
        reverse=True,
    )
)


def korean_stem(word: str) -> str:
    """A Korean word without the particle attached to it (쿠르스크에서 -> 쿠르스크)."""
    for particle in KO_PARTICLES:
        if word.endswith(particle) and len(word) > len(particle) + 1:
            return word[: -len(particle)]
    return word
