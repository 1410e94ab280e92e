"""Number forms news uses (issue 12, item 5): dozens and halves, fractions of scale words,
abbreviations, truncated German ranges, hyphenated strengths, hard line wraps, "만여 명",
Russian case forms, a year after a verb of change, and counts whose noun comes first.

The handed cases (../shared/cases/figures/sentences.jsonl) come first, each its own test;
then our own sentences per family and language (none taken from any article).
"""

from __future__ import annotations

import pytest

from monitor.figures import extract
from monitor.figures.numbers import find_numbers
from monitor.figures.numbers_ko import sino_korean
from monitor.figures.numbers_ru import russian_number

Claim = tuple[str | None, int | None, int | None, str | None]


def claims(text: str, lang: str) -> list[Claim]:
    return [(f.claim, f.low, f.high, f.hedge) for f in extract(text, lang)]


def values(text: str, lang: str) -> list[tuple[int | None, int | None]]:
    return [(f.low, f.high) for f in extract(text, lang, all_numbers=True)]


# The handed cases: (id, lang, text, expected (claim, low, high, hedge); "*" is any hedge).
HANDED: list[tuple[str, str, str, list[tuple[str, int, int | None, str | None]]]] = [
    (
        "A01",
        "en",
        "A dozen North Korean soldiers were captured near Sudzha on Sunday.",
        [("captured", 12, 12, "*")],
    ),
    (
        "A04",
        "ru",
        "Десятки северокорейских военных попали в плен.",
        [("captured", 20, 99, "several")],
    ),
    (
        "A05",
        "en",
        "North Korea has shipped half a million artillery shells to Russia.",
        [("shells", 500000, 500000, "*")],
    ),
    (
        "A08",
        "de",
        "Nordkorea hat eine halbe Million Granaten an Russland geliefert.",
        [("shells", 500000, 500000, "*")],
    ),
    (
        "A10",
        "de",
        "Rund anderthalbtausend nordkoreanische Soldaten wurden verwundet.",
        [("wounded", 1500, 1500, "about")],
    ),
    (
        "A14",
        "en",
        "North Korea has deployed 10k troops to Russia.",
        [("troops", 10000, 10000, "*")],
    ),
    (
        "A16",
        "de",
        "Rund 12 Tsd. nordkoreanische Soldaten sind in Kursk im Einsatz.",
        [("troops", 12000, 12000, "about")],
    ),
    (
        "A21",
        "de",
        "Die Zahl der getöteten Nordkoreaner stieg 2025 auf 600.",
        [("killed", 600, 600, "*")],
    ),
    (
        "A28",
        "de",
        "Zwei- bis dreitausend nordkoreanische Soldaten wurden verwundet.",
        [("wounded", 2000, 3000, "between")],
    ),
    (
        "A42",
        "en",
        "A 12,000-strong North Korean force is fighting in Kursk.",
        [("troops", 12000, 12000, "*")],
    ),
    (
        "A57",
        "en",
        "North Korea has sent about 11,000\nNorth Korean soldiers to Kursk.",
        [("troops", 11000, 11000, "about")],
    ),
    ("A62", "ko", "북한군 만여 명이 러시아에 있다.", [("troops", 10000, None, "*")]),
]


@pytest.mark.parametrize(("case", "lang", "text", "want"), HANDED, ids=[c[0] for c in HANDED])
def test_handed_case(case: str, lang: str, text: str, want: list[Claim]) -> None:
    got = claims(text, lang)
    assert [(c, lo, hi) for c, lo, hi, _ in got] == [(c, lo, hi) for c, lo, hi, _ in want]
    for (_, _, _, hedge), (_, _, _, wanted) in zip(got, want, strict=True):
        assert wanted == "*" or hedge == wanted


# Our own sentences: (lang, text, expected claims), grouped by family.
FAMILIES: dict[str, list[tuple[str, str, list[Claim]]]] = {
    "dozens": [
        (
            "en",
            "Two dozen North Korean soldiers were taken prisoner.",
            [("captured", 24, 24, None)],
        ),
        (
            "en",
            "Half a dozen North Korean soldiers were killed on Tuesday.",
            [("killed", 6, 6, None)],
        ),
        (
            "en",
            "Dozens of North Korean soldiers were captured near the border.",
            [("captured", 20, 99, "several")],
        ),
        ("en", "Several dozen North Korean soldiers were killed.", [("killed", 20, 99, "several")]),
        (
            "de",
            "Ein Dutzend nordkoreanische Soldaten wurde gefangen genommen.",
            [("captured", 12, 12, None)],
        ),
        ("de", "Drei Dutzend nordkoreanische Soldaten wurden getötet.", [("killed", 36, 36, None)]),
        (
            "de",
            "Dutzende nordkoreanische Soldaten wurden verwundet.",
            [("wounded", 20, 99, "several")],
        ),
        ("ru", "Дюжина северокорейских военных попала в плен.", [("captured", 12, 12, None)]),
        ("ru", "Две дюжины северокорейских военных погибли.", [("killed", 24, 24, None)]),
        ("ru", "Десятки северокорейских военных погибли.", [("killed", 20, 99, "several")]),
        ("ru", "Сотни северокорейских военных были ранены.", [("wounded", 200, 999, "several")]),
        ("ru", "Пхеньян направил полтора десятка военных.", [("troops", 15, 15, None)]),
        ("ko", "북한군 수십 명이 포로로 잡혔다.", [("captured", 20, 99, "several")]),
        ("ko", "북한군 수백 명이 부상했다.", [("wounded", 200, 999, "several")]),
    ],
    "fractions of large units": [
        (
            "en",
            "Pyongyang has delivered a quarter of a million shells to Moscow.",
            [("shells", 250000, 250000, None)],
        ),
        (
            "en",
            "Pyongyang has delivered one and a half million shells.",
            [("shells", 1500000, 1500000, None)],
        ),
        (
            "en",
            "Pyongyang has delivered a million and a half shells.",
            [("shells", 1500000, 1500000, None)],
        ),
        (
            "de",
            "Pjöngjang lieferte eine Viertelmillion Granaten.",
            [("shells", 250000, 250000, None)],
        ),
        (
            "de",
            "Pjöngjang lieferte anderthalb Millionen Granaten.",
            [("shells", 1500000, 1500000, None)],
        ),
        (
            "de",
            "Rund zweieinhalbtausend nordkoreanische Soldaten wurden verletzt.",
            [("wounded", 2500, 2500, "about")],
        ),
        (
            "de",
            "Etwa eineinhalbtausend nordkoreanische Soldaten wurden getötet.",
            [("killed", 1500, 1500, "about")],
        ),
        ("ru", "Пхеньян передал полмиллиона снарядов.", [("shells", 500000, 500000, None)]),
        ("ru", "Пхеньян передал четверть миллиона снарядов.", [("shells", 250000, 250000, None)]),
        (
            "ru",
            "Пхеньян передал два с половиной миллиона снарядов.",
            [("shells", 2500000, 2500000, None)],
        ),
        (
            "ru",
            "Около полутора тысяч северокорейских военных были ранены.",
            [("wounded", 1500, 1500, "about")],
        ),
    ],
    "abbreviations": [
        ("en", "Pyongyang has sent 12K troops to the front.", [("troops", 12000, 12000, None)]),
        ("en", "Pyongyang has delivered 1.5m shells so far.", [("shells", 1500000, 1500000, None)]),
        (
            "en",
            "Pyongyang has delivered 3bn shells, officials said.",
            [("shells", 3000000000, 3000000000, None)],
        ),
        ("de", "Pjöngjang schickte 5 Tsd. Soldaten nach Kursk.", [("troops", 5000, 5000, None)]),
        ("ru", "Пхеньян направил 5 тыс. военных.", [("troops", 5000, 5000, None)]),
        ("ru", "Пхеньян направил пять тыс. военных.", [("troops", 5000, 5000, None)]),
        ("ru", "Пхеньян направил 3 млн 500 тыс. снарядов.", [("shells", 3500000, 3500000, None)]),
        ("ko", "북한군 1.2만 명이 러시아에 있다.", [("troops", 12000, 12000, None)]),
    ],
    "ranges": [
        (
            "en",
            "Ten- to twelve-thousand troops are stationed in Kursk.",
            [("troops", 10000, 12000, "between")],
        ),
        (
            "de",
            "Zehn- bis zwölftausend nordkoreanische Soldaten sind in Kursk.",
            [("troops", 10000, 12000, "between")],
        ),
        (
            "de",
            "Zwei- oder dreihundert nordkoreanische Soldaten wurden gefangen genommen.",
            [("captured", 200, 300, "between")],
        ),
        (
            "de",
            "10- bis 12.000 nordkoreanische Soldaten sind in Kursk.",
            [("troops", 10000, 12000, "between")],
        ),
        (
            "ru",
            "Две-три тысячи северокорейских военных были ранены.",
            [("wounded", 2000, 3000, "between")],
        ),
        ("ko", "북한군 이천~삼천 명이 부상했다.", [("wounded", 2000, 3000, "between")]),
        ("ko", "북한군 2~3천 명이 부상했다.", [("wounded", 2000, 3000, "between")]),
    ],
    "hyphenated strengths": [
        (
            "en",
            "A 3,000-strong North Korean contingent has arrived.",
            [("troops", 3000, 3000, None)],
        ),
        (
            "en",
            "A 10,000-plus force of North Korean troops has arrived.",
            [("troops", 10000, None, "at least")],
        ),
        (
            "de",
            "Eine 5.000-Mann-Truppe aus Nordkorea ist in Kursk eingetroffen.",
            [("troops", 5000, 5000, None)],
        ),
        ("ru", "Пхеньян направил 12-тысячный контингент.", [("troops", 12000, 12000, None)]),
    ],
    "line breaks": [
        (
            "en",
            "Some 11,000\nNorth Korean troops are in Kursk.",
            [("troops", 11000, 11000, "about")],
        ),
        (
            "de",
            "Rund 11.000\nnordkoreanische Soldaten sind in Kursk.",
            [("troops", 11000, 11000, "about")],
        ),
        (
            "ru",
            "Пхеньян направил около 11 000\nвоенных в Курск.",
            [("troops", 11000, 11000, "about")],
        ),
    ],
    "open upper bound": [
        ("ko", "북한군 천여 명이 사망했다.", [("killed", 1000, None, "more than")]),
        ("ko", "북한군 오백여 명이 부상했다.", [("wounded", 500, None, "more than")]),
        ("ko", "북한군 12만여 명이 러시아에 있다.", [("troops", 120000, None, "more than")]),
    ],
    "Korean numerals": [
        ("ko", "북한군 삼천 명이 부상했다.", [("wounded", 3000, 3000, None)]),
    ],
    "Russian case forms": [
        (
            "ru",
            "Россия воюет вместе с двенадцатью тысячами северокорейских военных.",
            [("troops", 12000, 12000, None)],
        ),
        ("ru", "Пхеньян направил две сотни военных.", [("troops", 200, 200, None)]),
    ],
    "year after a verb of change": [
        (
            "en",
            "The number of North Korean troops killed rose in 2025 to 600.",
            [("killed", 600, 600, None)],
        ),
        ("de", "Die Zahl der getöteten Soldaten lag 2024 bei 300.", [("killed", 300, 300, None)]),
        ("ru", "Число погибших выросло в 2025 году до 600.", [("killed", 600, 600, None)]),
    ],
    "noun first": [
        (
            "en",
            "The number of North Korean casualties, according to Seoul, has reached about 3,000.",
            [("killed_or_wounded", 3000, 3000, "about")],
        ),
        (
            "en",
            "The death toll among North Korean troops rose to 600.",
            [("killed", 600, 600, None)],
        ),
        ("de", "Die Zahl der Todesopfer stieg auf 600.", [("killed", 600, 600, None)]),
        (
            "de",
            "Die Zahl der Verwundeten, so der Geheimdienst, ist auf etwa 2.700 gestiegen.",
            [("wounded", 2700, 2700, "about")],
        ),
        (
            "ru",
            "Число погибших северокорейских военных выросло до 600.",
            [("killed", 600, 600, None)],
        ),
        (
            "ru",
            "Количество раненых, по данным разведки, составило около 4700.",
            [("wounded", 4700, 4700, "about")],
        ),
    ],
}
_FAMILY_CASES = [(family, *case) for family, cases in FAMILIES.items() for case in cases]


@pytest.mark.parametrize(("family", "lang", "text", "want"), _FAMILY_CASES)
def test_number_form_family(family: str, lang: str, text: str, want: list[Claim]) -> None:
    assert claims(text, lang) == want


# A form that is not understood gives no claim rather than a guessed one.
NO_CLAIM = [
    ("en", "Two thirds of the soldiers were killed."),
    ("en", "Temperatures fell to -5 overnight as soldiers dug in."),
    ("en", "A 12,000-strong crowd gathered in the capital."),
    ("de", "Die Zahl stieg 2025 deutlich."),
    ("ru", "Тысячи лет назад здесь жили люди."),
]


@pytest.mark.parametrize(("lang", "text"), NO_CLAIM)
def test_forms_not_understood_give_no_claim(lang: str, text: str) -> None:
    assert claims(text, lang) == []


def test_a_year_after_a_verb_of_change_is_no_count() -> None:
    (year, count) = extract("Die Zahl der Toten stieg 2025 auf 600.", "de", all_numbers=True)
    assert (year.claim, count.claim, count.low) == (None, "killed", 600)
    assert claims("2025 Soldaten wurden verlegt.", "de") == [("troops", 2025, 2025, None)]


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("10k", "en", [10000]),
        ("2.33 k", "en", [2330]),
        ("1.2b", "en", [1200000000]),
        ("10M and 1MM", "en", [10000000, 1000000]),
        ("2mil", "en", [2000000]),
        ("13 lakh and 1 crore", "en", [1300000, 10000000]),
        ("3 Billionen und 2 Bio.", "de", [3 * 10**12, 2 * 10**12]),
        ("3 trillion", "en", [3 * 10**12]),
        ("4 thousand 3 hundred and 21", "en", [4321]),
        ("322 hundred", "en", [32200]),
        ("a thousand and one", "en", [1001]),
        ("one billion and a half million", "en", [1000500000]),
        ("five billion and three quarters", "en", [5750000000]),
        ("fünf und drei Viertel Milliarden", "de", [5750000000]),
        ("Zwei Millionen dreihundertneunundneunzigtausendfuenfhundert", "de", [2399500]),
        ("fifty - two", "en", [52]),
        ("twenty fifths", "en", [4]),
        ("three-nought-four", "en", [3, 0, 4]),
        ("minus 5 and -12", "en", [-5, -12]),
        ("5 m and 10 g", "en", [5, 10]),  # metres and grams, not millions and billions
    ],
)
def test_number_values(text: str, lang: str, want: list[int]) -> None:
    assert [n.low for n in find_numbers(text, lang)] == want


def test_russian_case_forms() -> None:
    for words, value in (
        ("двенадцатью тысячами", 12000),
        ("пятьюстами", 500),
        ("двумстам пятидесяти", 250),
        ("тремястами тысячами", 300000),
        ("пятьюдесятью миллионами", 50_000_000),
        ("полутора тысячах", 1500),
        ("две с половиной тысячи", 2500),
        ("полмиллиона", 500000),
    ):
        assert russian_number(words.split()) == value, words
    assert russian_number(["с", "половиной"]) is None


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Газета писала о 15 тысячах военных КНДР.", [("troops", 15000, 15000, None)]),
        (
            "Россия располагает 12 тысячами солдат КНДР в Курской области.",
            [("troops", 12000, 12000, None)],
        ),
        ("К 3 тысячам раненых добавились новые.", [("wounded", 3000, 3000, None)]),
        ("Речь шла о 1,5 миллионах снарядов.", [("shells", 1500000, 1500000, None)]),
    ],
)
def test_russian_scale_words_after_digits_in_every_case(text: str, want: list[Claim]) -> None:
    """ "о 15 тысячах" is 15,000, not 15: the scale word after digits in any case."""
    assert claims(text, "ru") == want


def test_sino_korean_numerals() -> None:
    assert [sino_korean(w) for w in ("만", "삼천오백", "이만", "십", "이억오천만")] == [
        10000,
        3500,
        20000,
        10,
        250_000_000,
    ]
    assert sino_korean("삼삼") is None
    assert values("병력 일명 폭풍군단", "ko") == []  # "일명" is "a.k.a.", not one person


def test_vague_and_open_amounts_keep_their_range() -> None:
    assert values("Tausende Soldaten", "de") == [(2000, 9999)]
    assert values("Десятки тысяч военных воюют.", "ru") == [(20000, 99999)]
    assert values("Погибли сотни тысяч людей.", "ru") == [(200000, 999999)]
    assert claims("Около сотни военных погибли.", "ru") == [("killed", 100, 100, "about")]
    assert values("북한군 만여 명", "ko") == [(10000, None)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("포탄 2천300만 발", [23_000_000]),
        ("포탄 4천만 발", [40_000_000]),
        ("1천 명과 300만 발", [1000, 3_000_000]),
        ("1만3천 명", [13_000]),
    ],
)
def test_korean_thousands_of_ten_thousands(text: str, want: list[int]) -> None:
    assert [n.low for n in find_numbers(text, "ko")] == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("러시아군 포로 수는 2024년 들어 900명을 넘었다.", ("captured", 900)),
        ("북한군 부상자는 지난해 2천 명이었다.", ("wounded", 2000)),
        ("러시아는 2022년 이후 모두 2천300만 발 이상의 포탄을 쏘았다.", ("shells", 23_000_000)),
    ],
)
def test_korean_a_year_or_the_number_of_between_noun_and_count(
    text: str, want: tuple[str, int]
) -> None:
    assert [(f.claim, f.low) for f in extract(text, "ko") if f.claim] == [want]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Москва может перебросить в Брянскую область до 30 тысяч военных.", "up to"),
        ("Генштаб ВСУ оценил потери россиян под Суджей почти в 2500 убитых.", "about"),
        ("Киев оценивает число пленных примерно в 700.", "about"),
    ],
)
def test_russian_hedge_after_a_name_or_before_v(text: str, want: str) -> None:
    assert [f.hedge for f in extract(text, "ru") if f.claim] == [want]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Под Суджей погибли семеро российских военных.", [("killed", 7)]),
        ("Трое военных пропали без вести, четверо ранены.", [("missing", 3), ("wounded", 4)]),
        ("Украинские силы взяли в плен пятерых российских военных.", [("captured", 5)]),
        ("Бои у Суджи шли трое суток.", []),
    ],
)
def test_russian_collective_numerals_count_people(text: str, want: list[tuple[str, int]]) -> None:
    assert [(f.claim, f.low) for f in extract(text, "ru") if f.claim] == want


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "North Korea sent 240mm rocket launchers and 170 mm guns to Russia."),
        ("de", "Nordkorea lieferte 240-mm-Raketenwerfer und 170-Millimeter-Geschütze."),
        ("ru", "КНДР передала России 240-мм реактивные системы залпового огня."),
        ("ko", "북한은 240㎜ 방사포와 170mm 자주포를 러시아에 보냈다."),
        ("en", "Kim Jong Un, 41, met soldiers wounded in Kursk."),
        ("de", "Der 41-jährige Kim besuchte die Truppen."),
        ("ru", "Ким Чен Ын, 41, встретился с ранеными военными."),
        ("ko", "김정은(41) 위원장은 부상 병사들을 만났다."),
    ],
)
def test_a_calibre_or_an_age_is_no_count(lang: str, text: str) -> None:
    assert claims(text, lang) == []


@pytest.mark.parametrize(
    ("lang", "text", "want"),
    [
        ("en", "Two dozen North Korean soldiers were captured.", [("captured", 24, 24, None)]),
        (
            "de",
            "Zwei Dutzend nordkoreanische Soldaten wurden gefangen genommen.",
            [("captured", 24, 24, None)],
        ),
        (
            "de",
            "Zwischen acht- und neuntausend nordkoreanische Soldaten sind in Kursk.",
            [("troops", 8_000, 9_000, "between")],
        ),
        (
            "en",
            "Between eight and nine thousand North Korean soldiers are in Kursk.",
            [("troops", 8_000, 9_000, "between")],
        ),
        ("ru", "Украина сообщила о двух пленных северокорейцах.", [("captured", 2, 2, None)]),
        (
            "ru",
            "Украина сообщила о трёх пленных северокорейских военных.",
            [("captured", 3, 3, None)],
        ),
    ],
)
def test_dozens_truncated_between_ranges_and_russian_prisoners(
    lang: str, text: str, want: list[Claim]
) -> None:
    assert claims(text, lang) == want
