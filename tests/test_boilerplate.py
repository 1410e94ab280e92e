"""Boilerplate's quick pre-check (``_may_be_boilerplate``) must never turn a sentence
that some kind's pattern matches away: the kinds of sentences of every kind and of news
sentences that come close are as the kind-by-kind reading gives them."""

from __future__ import annotations

import re
import re._parser as sre_parse

import pytest

from monitor.stories import boilerplate

CASES = [
    ("(Reporting by J. Smith; Editing by K. Lee)", "credit"),
    ("Reporting by the BBC showed the troops had left.", None),
    ("Mit Material von dpa", "credit"),
    ("Редактор: Иван Петров", "credit"),
    ("홍길동 기자 hong@yna.co.kr", "credit"),
    ("Copyright 2025 Eastwire. All rights reserved.", "copyright"),
    ("Copyright laws were changed in 2019 after a long debate in parliament.", None),
    ("Sign up for our free newsletter.", "plug"),
    ("The ministry's newsletter said 1,000 troops had left.", None),
    ("Abonnieren Sie unseren Newsletter!", "plug"),
    ("Подписывайтесь на наш канал в Telegram", "plug"),
    ("구독하세요", "plug"),
    ("Lesen Sie auch: Kim besucht Moskau", "read more"),
    ("Читайте также: Путин встретился с Кимом", "read more"),
    ("관련기사 더보기", "read more"),
    ("Share on Facebook", "share"),
    ("Share Tweet Email", "share"),
    ("Поделиться", "share"),
    ("Foto: dpa", "photo"),
    ("Источник: ТАСС", "photo"),
    ("[연합뉴스 자료사진]", "photo"),
    ("Advertisement", "note"),
    ("This story has been updated.", "note"),
    ("By Tuesday, the troops had left the border region.", None),
    ("By our world desk", "credit"),
    ("North Korean troops fought in Kursk, the agency said on Tuesday.", None),
    ("Северокорейские военные воевали в Курской области.", None),
    ("Wladimir Putin empfing Kim Jong Un in Moskau.", None),
    ("(서울=연합뉴스) 북한군이 쿠르스크에서 싸웠다.", None),
    ("Follow us on Instagram", "plug"),
    ("© Elbkurier", "copyright"),
    ("He said the photo: it showed a burning tank near the front.", None),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_kind(sentence: str, expected: str | None) -> None:
    assert boilerplate.kind(sentence) == expected


@pytest.mark.parametrize("sentence", [sentence for sentence, _ in CASES])
def test_the_pre_check_passes_whatever_a_kind_matches(sentence: str) -> None:
    matched = any(pattern.search(sentence) for _, pattern, _ in boilerplate._KIND_PARTS)
    assert boilerplate._may_be_boilerplate(sentence, None) or not matched


def _opens_at_start(items: list[tuple[object, object]]) -> bool:
    return bool(items) and items[0] == (sre_parse.AT, sre_parse.AT_BEGINNING)


@pytest.mark.parametrize("source", boilerplate._ANCHORED)
def test_anchored_alternatives_only_match_at_the_start(source: str) -> None:
    """``_ANY_ANCHORED`` is tried with ``match``: exact only if each alternative of each
    pattern in it opens with "^"."""
    items = list(sre_parse.parse(source, re.IGNORECASE))
    if len(items) == 1 and items[0][0] == sre_parse.BRANCH:
        branches = items[0][1][1]
        assert all(_opens_at_start(list(branch)) for branch in branches)
    else:
        assert _opens_at_start(items)
