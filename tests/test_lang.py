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
