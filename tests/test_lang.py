"""Language guessing: script first, then German vs English stopwords."""

from __future__ import annotations

import pytest

from monitor.lang import SAMPLE_CHARS, guess


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Regierung in Pjöngjang hat nach Angaben aus Seoul weitere Soldaten entsandt.", "de"),
        ("The government in Pyongyang has sent more soldiers, officials in Seoul said.", "en"),
        ("Северная Корея направила в Курскую область ещё тысячу сапёров.", "ru"),
        ("북한이 러시아 쿠르스크 지역에 공병 1000명을 추가로 파견했다.", "ko"),
    ],
)
def test_guesses_each_language(text: str, expected: str) -> None:
    assert guess(text) == expected


def test_korean_with_latin_acronyms_is_still_korean() -> None:
    assert (
        guess("국가정보원(NIS)은 KCNA 보도를 인용해 북한군 파병 규모를 밝혔다 (NATO, UN)") == "ko"
    )


def test_german_text_quoting_english_names_stays_german() -> None:
    text = "Laut der New York Times ist das Treffen mit Kim nicht geplant, sagte ein Sprecher."
    assert guess(text) == "de"


@pytest.mark.parametrize(
    "text", ["", "   ", "1.000 / 5.000", "Kursk", "Pjöngjang, Moskau, Kursk, Seoul"]
)
def test_too_little_to_tell_is_none(text: str) -> None:
    assert guess(text) is None


def test_only_the_opening_is_read() -> None:
    opening = "The troops and the workers of the north arrived with the first trains. " * 30
    assert len(opening) > SAMPLE_CHARS
    tail = "Die Soldaten und die Arbeiter sind mit dem Zug angekommen, sagt der Sprecher. " * 60
    assert guess(opening + tail) == "en"
    assert guess(tail) == "de"


def _guess_letter_by_letter(text: str) -> str | None:
    """``guess`` as it was written before issue 16 (a Python loop per letter)."""
    from monitor.lang import (
        _WORD,
        CYRILLIC_SHARE,
        ENGLISH_STOPWORDS,
        GERMAN_STOPWORDS,
        HANGUL_SHARE,
        MIN_LETTERS,
        MIN_STOPWORDS,
    )

    def hangul(ch: str) -> bool:
        return (
            "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"
        )

    sample = text[:SAMPLE_CHARS]
    letters = [ch for ch in sample if ch.isalpha()]
    if not letters:
        return None
    if sum(map(hangul, letters)) >= HANGUL_SHARE * len(letters):
        return "ko"
    if sum("\u0400" <= ch <= "\u04ff" for ch in letters) >= CYRILLIC_SHARE * len(letters):
        return "ru"
    if len(letters) < MIN_LETTERS:
        return None
    words = [w.casefold() for w in _WORD.findall(sample)]
    german = sum(w in GERMAN_STOPWORDS for w in words)
    english = sum(w in ENGLISH_STOPWORDS for w in words)
    if german + english < MIN_STOPWORDS or german == english:
        return None
    return "de" if german > english else "en"


def test_letters_counted_in_c_guess_as_the_loop_did() -> None:
    import json
    import random
    from pathlib import Path

    texts = [
        json.loads(line)["text"]
        for path in sorted(Path(__file__).parents[1].glob("bench/data/stories/**/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    rng = random.Random(16)
    alphabet = "aeiou der the und and ㄱㅏ가힣ᄀ ДЖж ё 1,000 ß É.\n"
    texts += [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60))) for _ in range(500)
    ]
    texts += [a[: len(a) // 2] + b[len(b) // 2 :] for a, b in zip(texts, texts[::-1], strict=True)]
    assert [guess(text) for text in texts] == [_guess_letter_by_letter(text) for text in texts]


# Texts whose letters are all ASCII take a shorter path (runs of a-z): typographic
# punctuation, letters beyond ASCII (the Kelvin sign, a ligature, an umlaut) and numerals
# that are no digits (Ⅻ, ²) decide which path is taken.
ASCII_PATH_CASES = [
    ("", None),
    ("12345 -- 678", None),
    ("Kim met Putin.", None),
    ("The troops said that they were leaving the region after the talks with the ministry.", "en"),
    ("The troops said “they were leaving” — after the talks … with the ministry’s envoy.", "en"),
    ("Die Truppen sind nach den Gesprächen mit dem Ministerium aus der Region abgezogen.", "de"),
    ("Die Truppen sind nach den Gespraechen mit dem Ministerium aus der Region abgezogen.", "de"),
    ("The K troops said that they were leaving the region after the talks.", "en"),
    ("The ﬁeld troops said that they were leaving the region after the talks.", "en"),
    ("Ⅻ The troops said that they were leaving the region ² after the talks.", "en"),
    ("Северокорейские военные воевали в Курской области, сообщил источник.", "ru"),
    ("북한군이 쿠르스크에서 싸웠다고 국정원이 밝혔다 (Reuters, AP).", "ko"),
    ("DIE TRUPPEN SIND NACH DEN GESPRÄCHEN MIT DEM MINISTERIUM ABGEZOGEN UND DAS IST ES.", "de"),
    ("the the der der die die", None),
]


@pytest.mark.parametrize(("text", "expected"), ASCII_PATH_CASES)
def test_ascii_letters_guess_as_the_loop_did(text: str, expected: str | None) -> None:
    assert guess(text) == expected
    assert _guess_letter_by_letter(text) == expected
