"""The word-key reader reads each distinct word once (``wordkeys._read_word``, cached):
what it returns must not depend on whether the words were seen before. Expected values
are those of the reader before the cache (one decision per occurrence), on texts that
exercise its branches: a name across a line break, a capitalised connector ("De Gaulle"),
a Roman numeral after a name, designations, number words after a multiplier, Cyrillic
case endings, Korean particles and months."""

from __future__ import annotations

import pytest

from monitor.stories import wordkeys

CASES = [
    (
        "Sergei Shoigu met Kim Jong Un in Pyongyang on Tuesday.\n"
        "The Joint Chiefs of Staff said 6 thousand troops, not zwei tausend.",
        (
            [
                "sergei",
                "shoigu",
                "met",
                "kim",
                "jong",
                "un",
                "in",
                "pyongyang",
                "on",
                "tuesday",
                "the",
                "joint",
                "chiefs",
                "of",
                "staff",
                "said",
                "6",
                "thousand",
                "troops",
                "not",
                "zwei",
                "tausend",
            ],
            {
                "sk:srk": 1.0,
                "sergei": 1.0,
                "shoigu": 1.0,
                "tue": 1.5,
                "sk:snt": 1.0,
                "sk:sps": 1.0,
                "sk:stp": 1.0,
                "ioint": 0.6666666666666666,
                "chief": 0.6666666666666666,
                "staff": 0.6666666666666666,
            },
            set(),
            {"sk:srk": {"sergei"}, "sk:snt": {"ioint"}, "sk:sps": {"chief"}, "sk:stp": {"staff"}},
            (),
        ),
    ),
    (
        "Пхеньян.\nВ Курске министр Белоусов встретился с Шойгу в понедельник; тысяча сапёров.",
        (
            [
                "пхеньян",
                "в",
                "курске",
                "министр",
                "белоусов",
                "встретился",
                "с",
                "шойгу",
                "в",
                "понедельник",
                "тысяча",
                "сапёров",
            ],
            {
                "sk:krsk": 1.0,
                "kursk": 2.0,
                "sk:prsp": 1.0,
                "belousov": 2.0,
                "встретился": 1.0,
                "shoigu": 2.0,
                "mon": 1.5,
                "1000": 3.0,
            },
            {"встретился"},
            {"sk:krsk": {"kursk"}, "sk:prsp": {"belousov"}},
            ("kursk",),
        ),
    ),
    (
        "(서울=연합뉴스) 김정은 국무위원장이 쿠르스크에서 화성-19형을 공개했다. "
        "6월 화요일 독일 일본에서",
        (
            [
                "서울",
                "연합뉴스",
                "김정은",
                "국무위원장이",
                "쿠르스크에서",
                "화성-19형을",
                "공개했다",
                "6월",
                "화요일",
                "독일",
                "일본에서",
            ],
            {
                "sk:krsk": 1.0,
                "kursk": 2.0,
                "hvasong-19": 2.0,
                "sk:knks": 1.0,
                "공개했다": 1.0,
                "tue": 1.5,
                "cc:de": 1.0,
                "cc:jp": 1.0,
                "sk:rpn": 1.0,
                "iapan": 2.0,
            },
            {"공개했다"},
            {
                "sk:krsk": {"kursk"},
                "sk:knks": {"공개했다"},
                "cc:de": {"de"},
                "cc:jp": {"iapan"},
                "sk:rpn": {"iapan"},
            },
            ("kursk", "iapan"),
        ),
    ),
    (
        "Pope Benedict XVI visited\nMunich in May. The Hwasong-18 and KN-23 flew near\n"
        "Wonsan, said Mr. Lee's aide.",
        (
            [
                "pope",
                "benedict",
                "xvi",
                "visited",
                "munich",
                "in",
                "may",
                "the",
                "hwasong-18",
                "and",
                "kn-23",
                "flew",
                "near",
                "wonsan",
                "said",
                "mr",
                "lee's",
                "aide",
            ],
            {
                "sk:pntk": 1.0,
                "16": 1.5,
                "pope": 1.0,
                "benedict": 1.0,
                "sk:mns": 1.0,
                "m05": 1.5,
                "hvasong-18": 2.0,
                "kn-23": 2.0,
                "sk:nsn": 1.0,
            },
            set(),
            {"sk:pntk": {"benedict"}, "sk:mns": {"munich"}, "sk:nsn": {"vonsan"}},
            (),
        ),
    ),
    (
        "Charles De Gaulle spoke. De Gaulle met Chiefs of Staff in Paris on Montagabend, "
        "not drei tausend.",
        (
            [
                "charles",
                "de",
                "gaulle",
                "spoke",
                "de",
                "gaulle",
                "met",
                "chiefs",
                "of",
                "staff",
                "in",
                "paris",
                "on",
                "montagabend",
                "not",
                "drei",
                "tausend",
            ],
            {
                "sk:srs": 1.0,
                "charl": 0.6666666666666666,
                "de": 1.0,
                "gaull": 1.0,
                "sk:sps": 1.0,
                "sk:stp": 1.0,
                "chief": 1.0,
                "staff": 1.0,
                "sk:prs": 1.0,
                "paris": 2.0,
                "mon": 1.5,
            },
            set(),
            {"sk:srs": {"charl"}, "sk:sps": {"chief"}, "sk:stp": {"staff"}, "sk:prs": {"paris"}},
            ("paris",),
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_word_keys_same_cold_and_warm(text: str, expected: tuple[object, ...]) -> None:
    wordkeys._WORDS.clear()
    cold = wordkeys.word_keys(text)
    warm = wordkeys.word_keys(text)
    assert cold == expected
    assert warm == expected
    # Key order is part of the output (sums are taken in it).
    assert list(cold[1]) == list(expected[1])
