"""Issue 12: what kind of statement each figure is. Modality (asserted, projected, denied,
hypothetical, retracted), time basis (running total, per-period toll, dispatch, in place),
part and whole, and who said it, in German, English, Russian and Korean.

The first tests are the real-world cases (shared/cases/claims): each article body must
yield figures whose modality, basis and role make the expected alert behaviour possible.
The rest are families of other wordings, several per language.
"""

from __future__ import annotations

from typing import Any

import pytest

from monitor.figures import extract
from monitor.types import (
    ASSERTED,
    CUMULATIVE,
    DENIED,
    DISPATCH,
    HYPOTHETICAL,
    IN_PLACE,
    PART,
    PER_PERIOD,
    PROJECTED,
    RETRACTED,
    WHOLE,
    Figure,
)


def one(text: str, lang: str, claim: str, value: int) -> Figure:
    """The one figure of ``claim`` whose value (low, or high for "up to") is ``value``."""
    found = [f for f in extract(text, lang) if f.claim == claim and value in (f.low, f.high)]
    assert len(found) == 1, (claim, value, extract(text, lang))
    return found[0]


def claims_of(text: str, lang: str) -> list[tuple[str | None, int | None]]:
    return [(f.claim, f.low if f.low is not None else f.high) for f in extract(text, lang)]


def article(title: str, body: str) -> str:
    return f"{title}\n\n{body}"  # as the pipeline reads an item


# --- the cases -------------------------------------------------------------------------


def test_case_denial_english_dismissed_as_fakes() -> None:
    body = (
        "MOSCOW - Kremlin spokesman Dmitry Peskov on Tuesday dismissed as fakes Western "
        "reports that 10,000 North Korean soldiers were fighting in the Kursk region."
    )
    assert one(body, "en", "troops", 10_000).modality == DENIED


def test_case_denial_russian_called_fake() -> None:
    body = (
        "Песков назвал фейком сообщения о том, что в Курской области воюют 10 тысяч военных КНДР."
    )
    assert one(body, "ru", "troops", 10_000).modality == DENIED


def test_case_denial_the_claim_denied_stays_asserted() -> None:
    body = (
        "KYIV - Ukraine's military intelligence said on Monday that 12,000 North Korean "
        "soldiers are now in Russia's Kursk region."
    )
    figure = one(body, "en", "troops", 12_000)
    assert (figure.modality, figure.basis) == (ASSERTED, IN_PLACE)
    assert figure.attribution == "Ukraine's military intelligence"  # no dateline


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        (
            "en",
            "KYIV - Pyongyang could eventually send as many as 100,000 soldiers to fight for "
            "Russia, the head of Ukraine's military intelligence said on Wednesday.",
            100_000,
        ),
        (
            "de",
            "Bis zu 100.000 nordkoreanische Soldaten könnten in den kommenden Monaten nach "
            "Russland geschickt werden, warnte der ukrainische Geheimdienst.",
            100_000,
        ),
        (
            "ru",
            "КНДР может отправить в Россию до 100 тысяч военных, заявил представитель "
            "украинской разведки.",
            100_000,
        ),
        ("en", "North Korea could send 100,000 soldiers to Russia, Kyiv warns", 100_000),
    ],
)
def test_case_speculative_figures_are_projected(lang: str, text: str, value: int) -> None:
    assert one(text, lang, "troops", value).modality == PROJECTED


def test_case_speculative_the_count_in_place_is_asserted() -> None:
    body = (
        "SEOUL - North Korea has 11,000 soldiers in Russia, South Korea's National "
        "Intelligence Service said on Tuesday."
    )
    figure = one(body, "en", "troops", 11_000)
    assert (figure.modality, figure.basis) == (ASSERTED, IN_PLACE)


def test_case_per_period_week_and_day() -> None:
    week = (
        "KYIV - Ukrainian forces killed 150 North Korean soldiers in Kursk over the past "
        "week, the general staff said on Friday."
    )
    day = (
        "Allein in den vergangenen 24 Stunden seien in der russischen Region Kursk 40 "
        "nordkoreanische Soldaten getötet worden, teilte der ukrainische Generalstab mit."
    )
    figure = one(week, "en", "killed", 150)
    assert (figure.basis, figure.period, figure.claim_key) == (
        PER_PERIOD,
        "week",
        "killed/per_week",
    )
    figure = one(day, "de", "killed", 40)
    assert (figure.basis, figure.period, figure.claim_key) == (PER_PERIOD, "day", "killed/per_day")


def test_case_per_period_the_running_total_is_cumulative() -> None:
    body = (
        "SEOUL - About 300 North Korean soldiers have been killed in Russia since they "
        "joined the fighting, South Korea's spy agency said on Friday."
    )
    figure = one(body, "en", "killed", 300)
    assert (figure.basis, figure.claim_key) == (CUMULATIVE, "killed")


def test_case_per_period_headline_takes_the_period_of_its_body() -> None:
    text = article(
        "Kiew meldet 40 getötete Nordkoreaner",
        "In den vergangenen 24 Stunden wurden 40 nordkoreanische Soldaten getötet, teilte "
        "der ukrainische Generalstab mit.",
    )
    headline = extract(text, "de")[0]
    assert (headline.basis, headline.period) == (PER_PERIOD, "day")
    assert headline.attribution == "ukrainische Generalstab"


def test_case_cumulative_growth_german_and_english() -> None:
    de = (
        "Insgesamt hat Nordkorea nach Angaben des südkoreanischen Geheimdienstes bislang "
        "rund 14.000 Soldaten nach Russland entsandt."
    )
    assert one(de, "de", "troops", 14_000).basis == CUMULATIVE
    en = (
        "SEOUL - North Korea sent about 3,000 more troops to Russia in January and February, "
        "bringing the total it has deployed to around 14,000, South Korea's spy agency said."
    )
    increment = [f for f in extract(en, "en") if f.modifier == "increment"]
    assert [(f.low, f.basis) for f in increment] == [(3_000, None)]
    total = one(en, "en", "troops", 14_000)
    assert (total.modifier, total.basis, total.hedge) == (None, CUMULATIVE, "about")


def test_case_partitive_english_never_11000_killed() -> None:
    body = (
        "KYIV - Some 300 of the 11,000 North Korean soldiers sent to Russia have been killed, "
        "Ukraine's military said on Monday."
    )
    killed = one(body, "en", "killed", 300)
    troops = one(body, "en", "troops", 11_000)
    assert (killed.role, killed.hedge, killed.scope) == (PART, "about", "north_korean")
    assert troops.role == WHOLE
    assert ("killed", 11_000) not in claims_of(body, "en")


def test_case_partitive_german_source_word_is_not_whose() -> None:
    body = (
        "Von den rund 11.000 nordkoreanischen Soldaten in Russland sind nach ukrainischen "
        "Angaben etwa 300 gefallen."
    )
    killed = one(body, "de", "killed", 300)
    troops = one(body, "de", "troops", 11_000)
    assert (killed.role, killed.scope) == (PART, "north_korean")
    assert (troops.role, troops.hedge) == (WHOLE, "about")


def test_case_correction_note() -> None:
    body = (
        "An earlier version of this article said 15,000 North Korean troops were in Kursk. "
        "The correct figure is 11,000."
    )
    assert one(body, "en", "troops", 15_000).modality == RETRACTED
    corrected = one(body, "en", "troops", 11_000)
    assert (corrected.modality, corrected.scope) == (ASSERTED, "north_korean")


def test_case_correction_headline_takes_the_body_source() -> None:
    text = article(
        "Channel claims 15,000 North Korean soldiers in Kursk",
        "A Russian military Telegram channel claimed on Friday that 15,000 North Korean "
        "soldiers are in Kursk.",
    )
    assert [f.attribution for f in extract(text, "en")] == [
        "Russian military Telegram channel",
        "Russian military Telegram channel",
    ]


# --- modality, by family ---------------------------------------------------------------

MODALITY: list[tuple[str, str, str, int, str]] = [
    # projected
    (
        "en",
        "Pyongyang might deploy 20,000 soldiers, officials believe.",
        "troops",
        20_000,
        PROJECTED,
    ),
    (
        "en",
        "As many as 30,000 North Korean troops may be sent by spring.",
        "troops",
        30_000,
        PROJECTED,
    ),
    (
        "de",
        "Nordkorea könnte bis zu 30.000 Soldaten nach Russland schicken.",
        "troops",
        30_000,
        PROJECTED,
    ),
    (
        "de",
        "Möglicherweise werden 20.000 nordkoreanische Soldaten entsandt.",
        "troops",
        20_000,
        PROJECTED,
    ),
    ("ru", "Пхеньян мог бы отправить 20 тысяч солдат.", "troops", 20_000, PROJECTED),
    (
        "ru",
        "В Курскую область могут перебросить 15 тысяч военных КНДР.",
        "troops",
        15_000,
        PROJECTED,
    ),
    ("ko", "북한이 러시아에 최대 3만 명의 병력을 파견할 수도 있다.", "troops", 30_000, PROJECTED),
    (
        "ko",
        "북한이 병력 3만 명을 보낼 가능성이 있다고 국정원은 밝혔다.",
        "troops",
        30_000,
        PROJECTED,
    ),
    # a pledged dispatch stays an asserted dispatch; "May" is a month
    ("en", "North Korea will send 1,000 deminers to Kursk.", "deminers", 1_000, ASSERTED),
    ("de", "Nordkorea wird 1.000 Pioniere nach Kursk schicken.", "deminers", 1_000, ASSERTED),
    ("ru", "КНДР направит в Курскую область 1000 саперов.", "deminers", 1_000, ASSERTED),
    ("ko", "북한은 공병 1천 명을 쿠르스크에 파견하기로 했다.", "deminers", 1_000, ASSERTED),
    ("en", "In May, 11,000 North Korean soldiers were in Kursk.", "troops", 11_000, ASSERTED),
    # denied
    (
        "en",
        "The Kremlin denied reports that 12,000 North Korean soldiers were in Kursk.",
        "troops",
        12_000,
        DENIED,
    ),
    (
        "en",
        "Moscow rejected claims that 5,000 North Korean troops had been killed.",
        "killed",
        5_000,
        DENIED,
    ),
    (
        "en",
        "Reports of 10,000 North Korean soldiers in Russia were dismissed as propaganda.",
        "troops",
        10_000,
        DENIED,
    ),
    (
        "en",
        "Seoul said 11,000 North Korean soldiers are in Kursk, but Moscow denied it.",
        "troops",
        11_000,
        ASSERTED,
    ),
    (
        "de",
        "Der Kreml bestritt, dass 10.000 nordkoreanische Soldaten in Kursk kämpfen.",
        "troops",
        10_000,
        DENIED,
    ),
    (
        "de",
        "Moskau wies Berichte über 12.000 nordkoreanische Soldaten zurück.",
        "troops",
        12_000,
        DENIED,
    ),
    (
        "de",
        "Peskow dementierte Meldungen, wonach 10.000 Soldaten aus Nordkorea in Russland seien.",
        "troops",
        10_000,
        DENIED,
    ),
    (
        "ru",
        "Песков отверг данные о том, что в России находятся 10 тысяч северокорейских солдат.",
        "troops",
        10_000,
        DENIED,
    ),
    (
        "ru",
        "МИД опроверг информацию, что в Курской области погибли 500 военных КНДР.",
        "killed",
        500,
        DENIED,
    ),
    ("ko", "러시아는 북한군 1만 명 파병설을 부인했다.", "troops", 10_000, DENIED),
    (
        "ko",
        "크렘린궁은 북한군 1만2천 명이 쿠르스크에 있다는 보도를 일축했다.",
        "troops",
        12_000,
        DENIED,
    ),
    # hypothetical
    (
        "en",
        "If 50,000 North Korean soldiers were sent, the front could shift.",
        "troops",
        50_000,
        HYPOTHETICAL,
    ),
    (
        "en",
        "Should Pyongyang deploy 30,000 troops, Russia could retake Kursk.",
        "troops",
        30_000,
        HYPOTHETICAL,
    ),
    (
        "de",
        "Wenn 50.000 nordkoreanische Soldaten kämen, würde sich die Lage ändern.",
        "troops",
        50_000,
        HYPOTHETICAL,
    ),
    (
        "de",
        "Sollten 20.000 Soldaten entsandt werden, wäre das ein Wendepunkt.",
        "troops",
        20_000,
        HYPOTHETICAL,
    ),
    (
        "ru",
        "Если КНДР отправит 50 тысяч военных, ситуация изменится.",
        "troops",
        50_000,
        HYPOTHETICAL,
    ),
    ("ko", "북한이 병력 5만 명을 파병한다면 전황이 바뀔 것이다.", "troops", 50_000, HYPOTHETICAL),
    ("ko", "만약 북한군 3만 명이 투입되면 전선이 흔들릴 것이다.", "troops", 30_000, HYPOTHETICAL),
    # retracted
    (
        "en",
        "An earlier version of this story incorrectly said 20,000 North Korean soldiers had been "
        "killed.",
        "killed",
        20_000,
        RETRACTED,
    ),
    (
        "de",
        "In einer früheren Version dieses Artikels hieß es, 15.000 nordkoreanische Soldaten seien "
        "in Kursk.",
        "troops",
        15_000,
        RETRACTED,
    ),
    (
        "ru",
        "В предыдущей версии материала ошибочно говорилось, что в Курской области 15 тысяч "
        "военных КНДР.",
        "troops",
        15_000,
        RETRACTED,
    ),
    ("ko", "앞선 기사에서 북한군 1만5천 명으로 잘못 보도했습니다.", "troops", 15_000, RETRACTED),
]


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "expected"), MODALITY, ids=[m[1][:40] for m in MODALITY]
)
def test_modality(lang: str, text: str, claim: str, value: int, expected: str) -> None:
    assert one(text, lang, claim, value).modality == expected


def test_dispatch_pledged_is_asserted_dispatch() -> None:
    figure = one("North Korea will send 1,000 deminers to Kursk.", "en", "deminers", 1_000)
    assert (figure.modifier, figure.basis) == ("deployment", DISPATCH)


@pytest.mark.parametrize(
    ("lang", "text", "claim", "wrong", "right"),
    [
        (
            "en",
            "This article previously misstated the number of wounded as 3,000; the correct "
            "figure is 300.",
            "wounded",
            3_000,
            300,
        ),
        (
            "de",
            "In einer früheren Version hieß es, 15.000 nordkoreanische Soldaten seien in "
            "Kursk. Richtig ist: 11.000.",
            "troops",
            15_000,
            11_000,
        ),
        (
            "ru",
            "В предыдущей версии ошибочно говорилось, что в Курской области 15 тысяч военных "
            "КНДР. Правильная цифра — 11 тысяч.",
            "troops",
            15_000,
            11_000,
        ),
        (
            "ko",
            "앞선 기사에서 북한군 1만5천 명으로 잘못 보도했습니다. 정확한 수치는 1만1천 명입니다.",
            "troops",
            15_000,
            11_000,
        ),
    ],
)
def test_correction_retracts_the_old_figure_and_asserts_the_new(
    lang: str, text: str, claim: str, wrong: int, right: int
) -> None:
    assert one(text, lang, claim, wrong).modality == RETRACTED
    assert one(text, lang, claim, right).modality == ASSERTED


# --- time basis, by family -------------------------------------------------------------

BASIS: list[tuple[str, str, str, int, str | None, str | None]] = [
    # running totals
    (
        "en",
        "So far, about 3,000 North Korean soldiers have been killed or wounded.",
        "killed_or_wounded",
        3_000,
        CUMULATIVE,
        None,
    ),
    (
        "en",
        "In total, 14,000 North Korean troops have been sent to Russia.",
        "troops",
        14_000,
        CUMULATIVE,
        None,
    ),
    (
        "en",
        "A total of 1,200 North Korean soldiers have been captured since October.",
        "captured",
        1_200,
        CUMULATIVE,
        None,
    ),
    (
        "de",
        "Bislang sind rund 4.000 nordkoreanische Soldaten gefallen oder verwundet worden.",
        "killed_or_wounded",
        4_000,
        CUMULATIVE,
        None,
    ),
    (
        "de",
        "Insgesamt wurden 1.200 nordkoreanische Soldaten gefangen genommen.",
        "captured",
        1_200,
        CUMULATIVE,
        None,
    ),
    (
        "de",
        "Seit Oktober wurden 300 nordkoreanische Soldaten getötet.",
        "killed",
        300,
        CUMULATIVE,
        None,
    ),
    (
        "ru",
        "Всего с начала боев погибли около 1000 военных КНДР.",
        "killed",
        1_000,
        CUMULATIVE,
        None,
    ),
    (
        "ru",
        "В общей сложности в Россию отправлены 14 тысяч военных КНДР.",
        "troops",
        14_000,
        CUMULATIVE,
        None,
    ),
    (
        "ru",
        "По данным Минобороны, погибли всего 250 военных КНДР.",
        "killed",
        250,
        None,
        None,
    ),  # only 250
    (
        "ko",
        "지금까지 북한군 약 4천 명이 사상한 것으로 추정된다.",
        "killed_or_wounded",
        4_000,
        CUMULATIVE,
        None,
    ),
    ("ko", "총 1만4천 명의 북한군이 러시아에 파견됐다.", "troops", 14_000, CUMULATIVE, None),
    # per-period tolls
    (
        "en",
        "Ukrainian forces killed 150 North Korean soldiers in the past 24 hours.",
        "killed",
        150,
        PER_PERIOD,
        "day",
    ),
    (
        "en",
        "About 40 North Korean soldiers are killed every day, Kyiv says.",
        "killed",
        40,
        PER_PERIOD,
        "day",
    ),
    (
        "en",
        "Last week, 200 North Korean soldiers were wounded.",
        "wounded",
        200,
        PER_PERIOD,
        "week",
    ),
    (
        "en",
        "Over the past month, 1,000 North Korean soldiers were killed.",
        "killed",
        1_000,
        PER_PERIOD,
        "month",
    ),
    (
        "de",
        "Pro Tag werden rund 50 nordkoreanische Soldaten getötet.",
        "killed",
        50,
        PER_PERIOD,
        "day",
    ),
    (
        "de",
        "In der vergangenen Woche wurden 200 nordkoreanische Soldaten verwundet.",
        "wounded",
        200,
        PER_PERIOD,
        "week",
    ),
    (
        "de",
        "Innerhalb eines Monats fielen 1.000 nordkoreanische Soldaten.",
        "killed",
        1_000,
        PER_PERIOD,
        "month",
    ),
    ("ru", "За сутки погибли 40 военных КНДР.", "killed", 40, PER_PERIOD, "day"),
    (
        "ru",
        "За последнюю неделю ранены 200 северокорейских военных.",
        "wounded",
        200,
        PER_PERIOD,
        "week",
    ),
    (
        "ru",
        "За прошлый месяц погибли около 1000 военных КНДР.",
        "killed",
        1_000,
        PER_PERIOD,
        "month",
    ),
    ("ko", "하루 동안 북한군 40명이 사망했다.", "killed", 40, PER_PERIOD, "day"),
    ("ko", "지난 일주일 사이 북한군 200명이 부상했다.", "wounded", 200, PER_PERIOD, "week"),
    ("ko", "지난달 북한군 1천 명이 전사했다.", "killed", 1_000, PER_PERIOD, "month"),
    # a period that dates the saying, or a count that is no event, is no per-period toll
    (
        "en",
        "Seoul said last week that 300 North Korean soldiers had been killed.",
        "killed",
        300,
        None,
        None,
    ),
    (
        "de",
        "Der Geheimdienst teilte vergangene Woche mit, 300 nordkoreanische Soldaten seien "
        "gefallen.",
        "killed",
        300,
        None,
        None,
    ),
    ("en", "11,000 North Korean soldiers were in Kursk last week.", "troops", 11_000, None, None),
    # counts in place
    (
        "en",
        "About 11,000 North Korean soldiers are now in Kursk.",
        "troops",
        11_000,
        IN_PLACE,
        None,
    ),
    ("en", "North Korea has 12,000 troops in Russia.", "troops", 12_000, IN_PLACE, None),
    (
        "en",
        "Some 11,000 North Korean soldiers remain in the Kursk region.",
        "troops",
        11_000,
        IN_PLACE,
        None,
    ),
    (
        "de",
        "Rund 11.000 nordkoreanische Soldaten befinden sich in der Region Kursk.",
        "troops",
        11_000,
        IN_PLACE,
        None,
    ),
    (
        "de",
        "Derzeit sind 12.000 nordkoreanische Soldaten in Russland im Einsatz.",
        "troops",
        12_000,
        IN_PLACE,
        None,
    ),
    (
        "ru",
        "В Курской области находятся около 11 тысяч военных КНДР.",
        "troops",
        11_000,
        IN_PLACE,
        None,
    ),
    ("ko", "북한군 1만1천 명이 쿠르스크에 주둔하고 있다.", "troops", 11_000, IN_PLACE, None),
    # dispatches
    ("de", "Nordkorea wird 1.000 Pioniere nach Kursk schicken.", "deminers", 1_000, DISPATCH, None),
    ("ru", "КНДР направит в Курскую область 1000 саперов.", "deminers", 1_000, DISPATCH, None),
    ("ko", "북한은 공병 1천 명을 쿠르스크에 파견하기로 했다.", "deminers", 1_000, DISPATCH, None),
]


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "expected", "period"), BASIS, ids=[b[1][:40] for b in BASIS]
)
def test_basis(
    lang: str, text: str, claim: str, value: int, expected: str | None, period: str | None
) -> None:
    figure = one(text, lang, claim, value)
    assert (figure.basis, figure.period) == (expected, period)


# --- part and whole --------------------------------------------------------------------

PARTITIVE: list[tuple[str, str, tuple[str, int, str | None], tuple[str, int]]] = [
    (
        "en",
        "Of the 11,000 North Korean soldiers in Kursk, about 300 have been killed.",
        ("killed", 300, "about"),
        ("troops", 11_000),
    ),
    (
        "en",
        "About 1,000 out of 12,000 North Korean troops were wounded.",
        ("wounded", 1_000, "about"),
        ("troops", 12_000),
    ),
    (
        "en",
        "Some 200 of the 11,000 North Korean soldiers were captured.",
        ("captured", 200, "about"),
        ("troops", 11_000),
    ),
    (
        "en",
        "40 percent of the 11,000 North Korean soldiers have been wounded.",
        ("wounded", 4_400, "about"),
        ("troops", 11_000),
    ),
    (
        "de",
        "300 der 11.000 nordkoreanischen Soldaten wurden getötet.",
        ("killed", 300, None),
        ("troops", 11_000),
    ),
    (
        "de",
        "40 Prozent der 11.000 nordkoreanischen Soldaten sind verwundet.",
        ("wounded", 4_400, "about"),
        ("troops", 11_000),
    ),
    (
        "de",
        "Von den 12.000 nordkoreanischen Soldaten wurden nach russischen Angaben 500 gefangen "
        "genommen.",
        ("captured", 500, None),
        ("troops", 12_000),
    ),
    (
        "ru",
        "Из 11 тысяч военных КНДР в Курской области погибли около 300.",
        ("killed", 300, "about"),
        ("troops", 11_000),
    ),
    (
        "ru",
        "300 из 11 тысяч северокорейских военных погибли.",
        ("killed", 300, None),
        ("troops", 11_000),
    ),
    (
        "ko",
        "북한군 1만1천 명 가운데 약 300명이 사망했다.",
        ("killed", 300, "about"),
        ("troops", 11_000),
    ),
    (
        "ko",
        "파병된 북한군 1만2천 명 중 2천 명이 부상했다.",
        ("wounded", 2_000, None),
        ("troops", 12_000),
    ),
]


@pytest.mark.parametrize(
    ("lang", "text", "part", "whole"), PARTITIVE, ids=[p[1][:40] for p in PARTITIVE]
)
def test_partitive(
    lang: str, text: str, part: tuple[str, int, str | None], whole: tuple[str, int]
) -> None:
    kind, value, hedge = part
    found = one(text, lang, kind, value)
    assert (found.role, found.hedge, found.scope) == (PART, hedge, "north_korean")
    assert one(text, lang, *whole).role == WHOLE
    # the whole is never counted as the part's kind
    assert (kind, whole[1]) not in claims_of(text, lang)


def test_no_partitive_without_of() -> None:
    figures = extract("11,000 North Korean soldiers are in Kursk and 300 were killed.", "en")
    assert [(f.claim, f.role) for f in figures] == [("troops", None), ("killed", None)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "About 200 North Korean soldiers are missing, Ukraine's military said."),
        ("de", "Rund 200 nordkoreanische Soldaten werden vermisst."),
        ("ru", "Около 200 военных КНДР пропали без вести."),
        ("ko", "북한군 200명이 실종됐다."),
    ],
)
def test_missing_is_its_own_claim(lang: str, text: str) -> None:
    assert one(text, lang, "missing", 200).scope == "north_korean"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Some 40 North Korean soldiers were captured near Sudzha."),
        ("de", "Rund 40 nordkoreanische Soldaten wurden gefangen genommen."),
        ("ru", "Около 40 военных КНДР попали в плен."),
        ("ko", "북한군 40명이 포로로 잡혔다."),
    ],
)
def test_captured_is_its_own_claim(lang: str, text: str) -> None:
    one(text, lang, "captured", 40)


# --- who said it -----------------------------------------------------------------------

ATTRIBUTION: list[tuple[str, str, str, int, str | None]] = [
    (
        "en",
        "The NIS briefed lawmakers on Tuesday. It said 300 North Korean soldiers had been killed.",
        "killed",
        300,
        "NIS",
    ),
    (
        "en",
        "Ukraine's intelligence chief briefed reporters. He estimated that 12,000 North Korean "
        "troops are in Kursk.",
        "troops",
        12_000,
        "Ukraine's intelligence chief",
    ),
    (
        "en",
        "South Korea's spy agency briefed lawmakers on Friday. About 300 soldiers have been "
        "killed, the agency told them.",
        "killed",
        300,
        "South Korea's spy agency",
    ),
    (
        "en",
        "KYIV - Ukraine's general staff said 150 North Korean soldiers were killed.",
        "killed",
        150,
        "Ukraine's general staff",
    ),
    (
        "en",
        "12,000 North Korean soldiers are in Kursk, Ukraine's military intelligence warned.",
        "troops",
        12_000,
        "Ukraine's military intelligence",
    ),
    (
        "en",
        "Moscow rejected claims that 5,000 North Korean troops had been killed.",
        "killed",
        5_000,
        None,
    ),
    (
        "de",
        "Der südkoreanische Geheimdienst NIS teilte am Dienstag mit, Nordkorea habe neue Truppen "
        "geschickt. Nach seinen Angaben sind 300 nordkoreanische Soldaten gefallen.",
        "killed",
        300,
        "südkoreanische Geheimdienst NIS",
    ),
    (
        "de",
        "Der Geheimdienst teilte vergangene Woche mit, 300 nordkoreanische Soldaten seien "
        "gefallen.",
        "killed",
        300,
        "Geheimdienst",
    ),
    (
        "de",
        "Bis zu 50.000 Soldaten könnten folgen, warnte der ukrainische Geheimdienst.",
        "troops",
        50_000,
        "ukrainische Geheimdienst",
    ),
    (
        "ru",
        "Представитель ГУР Андрей Юсов заявил журналистам о новых потерях. По его словам, погибли "
        "около 300 военных КНДР.",
        "killed",
        300,
        "Представитель ГУР Андрей Юсов",
    ),
    (
        "ru",
        "Около 200 военных КНДР попали в плен, заявил Генштаб ВСУ.",
        "captured",
        200,
        "Генштаб ВСУ",
    ),
    ("ru", "По украинским данным, погибли 300 военных.", "killed", 300, "украинским данным"),
    (
        "ko",
        "국정원은 22일 국회 정보위원회에 보고했다. 북한군 300명이 사망했다고 밝혔다.",
        "killed",
        300,
        "국정원",
    ),
    ("ko", "국정원에 따르면 북한군 200명이 포로로 잡혔다.", "captured", 200, "국정원"),
]


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "expected"),
    ATTRIBUTION,
    ids=[a[1][:40] for a in ATTRIBUTION],
)
def test_attribution(lang: str, text: str, claim: str, value: int, expected: str | None) -> None:
    assert one(text, lang, claim, value).attribution == expected


def test_no_carry_over_without_a_pronoun() -> None:
    text = "The NIS briefed lawmakers on Tuesday. 300 North Korean soldiers have been killed."
    assert one(text, "en", "killed", 300).attribution is None


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"),
    [
        ("de", "Nach ukrainischen Angaben wurden etwa 300 Soldaten getötet.", "killed", 300),
        ("en", "According to Ukrainian intelligence, 300 soldiers were killed.", "killed", 300),
        ("ru", "По украинским данным, погибли 300 военных.", "killed", 300),
        ("ko", "우크라이나 정보당국에 따르면 병사 300명이 사망했다.", "killed", 300),
    ],
)
def test_the_source_word_is_not_whose(lang: str, text: str, claim: str, value: int) -> None:
    assert one(text, lang, claim, value).scope is None


def test_headline_takes_the_body_source_and_basis() -> None:
    text = article(
        "11,000 North Korean troops in Kursk",
        "11,000 North Korean soldiers are in Kursk, South Korea's spy agency said.",
    )
    headline, body = extract(text, "en")
    assert headline.start < body.start
    assert headline.attribution == body.attribution == "South Korea's spy agency"
    assert headline.basis == IN_PLACE


def test_headline_keeps_its_own_figure_when_the_body_differs() -> None:
    text = article(
        "12,000 North Korean troops in Kursk",
        "11,000 North Korean soldiers are in Kursk, South Korea's spy agency said.",
    )
    headline = extract(text, "en")[0]
    assert (headline.low, headline.attribution) == (12_000, None)


def test_extract_cli_prints_the_new_fields(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from monitor.cli import cli

    path = tmp_path / "a.txt"
    path.write_text("Some 300 of the 11,000 North Korean soldiers have been killed.", "utf-8")
    result = CliRunner().invoke(
        cli, ["--state", str(tmp_path), "extract", "--lang", "en", str(path)]
    )
    assert result.exit_code == 0, result.output
    for key in ('"modality"', '"basis"', '"period"', '"role": "part"', '"role": "whole"'):
        assert key in result.output


# --- issue 12 tuning: families fixed in the reader ----------------------------------------

# The casualty verb before the count (Russian word order, German verb second, Korean
# compound verbs) decides the kind; a count of soldiers is not what they suffered.
CASUALTY_KINDS: list[tuple[str, str, str, int]] = [
    ("ru", "Ранения получили около 500 российских военных под Суджей.", "wounded", 500),
    ("ru", "Убиты или ранены 2500 военных КНДР, считают в Киеве.", "killed_or_wounded", 2500),
    ("ru", "Пропали без вести 70 военных КНДР после боя.", "missing", 70),
    ("ru", "Каждую неделю гибнут около 200 северокорейских военных.", "killed", 200),
    ("ru", "ВСУ взяли в плен в общей сложности 12 военных КНДР.", "captured", 12),
    ("de", "Jede Woche fallen laut Kiew rund 150 nordkoreanische Soldaten.", "killed", 150),
    ("de", "Täglich sterben an der Front etwa 40 Nordkoreaner.", "killed", 40),
    ("en", "Kyiv says it has captured a total of 7 North Korean soldiers.", "captured", 7),
    ("ko", "지금까지 북한군 약 2천 명이 죽거나 다쳤다.", "killed_or_wounded", 2000),
    ("ko", "북한군 수백 명이 다쳤다고 정보당국이 밝혔다.", "wounded", 200),
]


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"), CASUALTY_KINDS, ids=[c[1][:40] for c in CASUALTY_KINDS]
)
def test_casualty_verb_before_the_count(lang: str, text: str, claim: str, value: int) -> None:
    assert one(text, lang, claim, value).claim == claim


def test_korean_list_of_casualty_kinds_keeps_each_verb_with_its_count() -> None:
    text = "북한군 500명이 사망하고 1천500명이 부상했으며 30명이 실종되고 5명이 생포됐다."
    assert claims_of(text, "ko") == [
        ("killed", 500),
        ("wounded", 1500),
        ("missing", 30),
        ("captured", 5),
    ]


def test_korean_months_are_no_counts() -> None:
    assert claims_of("3월 사상자는 20% 줄었다.", "ko") == []
    assert claims_of("북한은 11월에 병력 3천 명을 추가로 파견할 계획이다.", "ko") == [
        ("troops", 3000)
    ]


def test_korean_noun_before_an_adverb_and_a_modifier_before_a_generic_noun() -> None:
    assert one("북한군 사상자는 현재까지 모두 3천 명에 이른다.", "ko", "killed_or_wounded", 3000)
    figure = one("북한은 지뢰제거 인력 500명을 보내기로 했다.", "ko", "deminers", 500)
    assert figure.modifier == "deployment"


# A dispatch imagined or possible with a verb of sending is a dispatch (claims_README).
DISPATCH_IMAGINED: list[tuple[str, str, str, int, str]] = [
    (
        "en",
        "Pyongyang might send as many as 40,000 soldiers next spring.",
        "troops",
        40_000,
        PROJECTED,
    ),
    (
        "en",
        "If 20,000 more engineers were sent, Kursk could be cleared.",
        "deminers",
        20_000,
        HYPOTHETICAL,
    ),
    (
        "en",
        "If 8,000 North Korean soldiers were dispatched, the front would hold.",
        "troops",
        8_000,
        HYPOTHETICAL,
    ),
    (
        "ru",
        "Если бы КНДР отправила 20 тысяч солдат, фронт бы сдвинулся.",
        "troops",
        20_000,
        HYPOTHETICAL,
    ),
    (
        "ru",
        "В Курскую область могут быть переброшены 7 тысяч строителей.",
        "builders",
        7_000,
        PROJECTED,
    ),
    (
        "de",
        "Wenn 8.000 Soldaten geschickt würden, bräche die Versorgung zusammen.",
        "troops",
        8_000,
        HYPOTHETICAL,
    ),
]


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "mode"),
    DISPATCH_IMAGINED,
    ids=[c[1][:40] for c in DISPATCH_IMAGINED],
)
def test_dispatch_imagined_is_a_dispatch(
    lang: str, text: str, claim: str, value: int, mode: str
) -> None:
    figure = one(text, lang, claim, value)
    assert (figure.modality, figure.basis) == (mode, DISPATCH)
    assert figure.modifier in ("deployment", "increment")


def test_going_is_no_dispatch_even_when_possible() -> None:
    figure = one("Up to 9,000 workers could come to Russia this year.", "en", "workers", 9_000)
    assert figure.modifier is None


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"),
    [
        ("en", "Moscow will send a further 2,000 sappers in October.", "deminers", 2_000),
        ("de", "Nordkorea will weitere 4.000 Arbeiter nach Russland schicken.", "workers", 4_000),
        ("ru", "КНДР направит ещё 2 тысячи саперов.", "deminers", 2_000),
        ("ko", "북한은 병력 2천 명을 추가로 파병할 계획이다.", "troops", 2_000),
    ],
)
def test_an_increment_sent_is_a_dispatch(lang: str, text: str, claim: str, value: int) -> None:
    figure = one(text, lang, claim, value)
    assert (figure.modifier, figure.basis) == ("increment", DISPATCH)


def test_an_increment_not_sent_has_no_basis() -> None:
    assert one("Another 400 soldiers were killed.", "en", "killed", 400).basis is None


def test_expected_is_projected() -> None:
    text = "Moscow is expected to receive up to 500 missiles this year."
    assert one(text, "en", "missiles", 500).modality == PROJECTED


# Reported speech and modal verbs keep a count in place; a past "were in" alone does not.
@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "expected"),
    [
        (
            "en",
            "Moscow denied claims that 9,000 North Korean troops were stationed in Kursk.",
            "troops",
            9_000,
            IN_PLACE,
        ),
        (
            "en",
            "Up to 20,000 North Korean soldiers could be in Russia by winter.",
            "troops",
            20_000,
            IN_PLACE,
        ),
        ("en", "In May 9,000 North Korean soldiers were in Kursk.", "troops", 9_000, None),
        (
            "en",
            "Altogether, 13,000 North Korean soldiers are now in Russia.",
            "troops",
            13_000,
            IN_PLACE,
        ),
        (
            "de",
            "Ein Blogger schreibt, 7.000 nordkoreanische Soldaten seien in Russland.",
            "troops",
            7_000,
            IN_PLACE,
        ),
        (
            "ko",
            "쿠르스크에 북한군 8천 명이 있다고 현지 매체가 보도했다.",
            "troops",
            8_000,
            IN_PLACE,
        ),
    ],
)
def test_count_in_place(lang: str, text: str, claim: str, value: int, expected: str | None) -> None:
    assert one(text, lang, claim, value).basis == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "en",
            "A previous version of this story said 13,000 North Korean troops were in Kursk; "
            "the correct figure is 10,000.",
        ),
        (
            "ko",
            "바로잡습니다: 이전 기사에서 북한군 1만3천 명이 쿠르스크에 있다고 "
            "보도했으나 1만 명이 맞습니다.",
        ),
    ],
)
def test_a_correction_pair_shares_its_basis_and_the_new_figure_is_asserted(
    lang: str, text: str
) -> None:
    old, new = one(text, lang, "troops", 13_000), one(text, lang, "troops", 10_000)
    assert (old.modality, new.modality) == (RETRACTED, ASSERTED)
    assert old.basis == new.basis == IN_PLACE


@pytest.mark.parametrize(
    ("lang", "text", "part", "whole"),
    [
        (
            "en",
            "Of the 9,000 North Korean soldiers in Russia, about 6,000 are fighting in Kursk.",
            6_000,
            9_000,
        ),
        (
            "de",
            "Von den 9.000 Soldaten aus Nordkorea in Russland kämpfen 6.000 in Kursk.",
            6_000,
            9_000,
        ),
        ("ko", "러시아에 있는 북한군 9천 명 중 6천 명이 쿠르스크에 있다.", 6_000, 9_000),
    ],
)
def test_part_and_whole_each_keep_their_place_and_the_whole_is_held_nowhere(
    lang: str, text: str, part: int, whole: int
) -> None:
    p, w = one(text, lang, "troops", part), one(text, lang, "troops", whole)
    assert (p.role, p.place, p.basis) == (PART, "kursk", IN_PLACE)
    assert (w.role, w.place, w.basis) == (WHOLE, "russia", None)


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "whole"),
    [
        (
            "ru",
            "Из примерно 3 тысяч выбывших из строя военных КНДР около 800 погибли.",
            "killed",
            800,
            ("killed_or_wounded", 3_000),
        ),
        (
            "ru",
            "Ранения получили 20% из 5 тысяч военных КНДР.",
            "wounded",
            1_000,
            ("troops", 5_000),
        ),
        (
            "ko",
            "북한군 사상자 3천 명 가운데 사망자는 800명이다.",
            "killed",
            800,
            ("killed_or_wounded", 3_000),
        ),
        (
            "ko",
            "약속된 공병 500명 중 지금까지 100명만 도착했다.",
            "deminers",
            100,
            ("deminers", 500),
        ),
        (
            "de",
            "Von den 500 zugesagten Pionieren sind bislang 100 eingetroffen.",
            "deminers",
            100,
            ("deminers", 500),
        ),
    ],
)
def test_partitive_families(
    lang: str, text: str, claim: str, value: int, whole: tuple[str, int]
) -> None:
    p, w = one(text, lang, claim, value), one(text, lang, *whole)
    assert (p.role, w.role) == (PART, WHOLE)
    if claim == "deminers":
        assert (w.modifier, w.basis) == ("deployment", DISPATCH)
        assert (p.modifier, p.basis) == (None, CUMULATIVE)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Allein am Freitag sind nach Kiewer Angaben 90 Nordkoreaner gefallen."),
        ("ru", "Только в пятницу погибли 90 военных КНДР, сообщили в Киеве."),
        ("en", "On Friday alone 90 North Korean soldiers were killed, Kyiv said."),
    ],
)
def test_a_single_named_day_is_a_daily_toll(lang: str, text: str) -> None:
    figure = one(text, lang, "killed", 90)
    assert (figure.basis, figure.period) == (PER_PERIOD, "day")


def test_whole_first_with_a_hedge_and_no_article() -> None:
    text = "Of roughly 6,000 North Korean casualties, about 1,500 were killed."
    assert one(text, "en", "killed", 1_500).role == PART
    assert one(text, "en", "killed_or_wounded", 6_000).role == WHOLE


@pytest.mark.parametrize(
    ("lang", "text", "part", "whole"),
    [
        (
            "en",
            "About half of the 1,000 deminers have been wounded.",
            ("wounded", 500),
            ("deminers", 1_000),
        ),
        (
            "en",
            "A quarter of the 8,000 soldiers were killed.",
            ("killed", 2_000),
            ("troops", 8_000),
        ),
        (
            "de",
            "Ein Drittel der 9.000 Soldaten ist gefallen.",
            ("killed", 3_000),
            ("troops", 9_000),
        ),
        (
            "de",
            "Die Hälfte der 2.000 Bauarbeiter wurde verletzt.",
            ("wounded", 1_000),
            ("builders", 2_000),
        ),
        ("ru", "Треть из 9 тысяч военных КНДР погибла.", ("killed", 3_000), ("troops", 9_000)),
        ("ru", "Половина из 4 тысяч солдат ранена.", ("wounded", 2_000), ("troops", 4_000)),
    ],
)
def test_a_fraction_of_a_whole_is_its_share_never_the_whole(
    lang: str, text: str, part: tuple[str, int], whole: tuple[str, int]
) -> None:
    """ "a third of the 9,000 ... killed" is about 3,000 killed and 9,000 troops, never
    "9,000 killed" (the percentage rule, for fractions in words)."""
    p, w = one(text, lang, *part), one(text, lang, *whole)
    assert (p.role, p.hedge, w.role) == (PART, "about", WHOLE)
    assert part[0] not in {f.claim for f in extract(text, lang) if f.low == whole[1]}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The first version of this report said 16,000 North Korean troops were in Kursk."),
        ("en", "Our original version said 16,000 North Korean soldiers were in Kursk."),
        ("ru", "В первой версии материала говорилось о 16 тысячах военных КНДР в Курской области."),
    ],
)
def test_the_first_or_original_version_retracts_its_figure(lang: str, text: str) -> None:
    assert one(text, lang, "troops", 16_000).modality == RETRACTED


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"),
    [
        ("en", "Roughly 9,500 Russian soldiers\nare deployed near Sudzha.", "troops", 9500),
        ("de", "Etwa 8.000 russische Soldaten\nbefinden sich derzeit bei Sudscha.", "troops", 8000),
        ("ru", "Около 7 тысяч военных\nнаходятся сейчас под Суджей.", "troops", 7000),
        ("ko", "북한군 8천\n명이 수드자 인근에 주둔하고 있다.", "troops", 8000),
    ],
)
def test_a_hard_wrap_inside_a_sentence_ends_no_clause(
    lang: str, text: str, claim: str, value: int
) -> None:
    assert one(text, lang, claim, value).basis == IN_PLACE


def test_a_line_break_before_a_capital_still_ends_the_sentence() -> None:
    text = "Kursk front update\nIn all, 3,000 soldiers have arrived."
    assert one(text, "en", "troops", 3000).basis == CUMULATIVE
    headline = "9,000 troops\n\nare there, officials say"  # a blank line is a paragraph
    assert one(headline, "en", "troops", 9000).basis is None


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"),
    [
        ("en", "Some 300,000 shells are stored in depots near Belgorod.", "shells", 300000),
        ("en", "About 40 ballistic missiles are held in reserve, officials said.", "missiles", 40),
        ("de", "Rund 200.000 Artilleriegranaten liegen in Depots bei Belgorod.", "shells", 200000),
        ("ru", "На складах под Белгородом хранится около 300 тысяч снарядов.", "shells", 300000),
        ("ko", "포탄 30만 발이 벨고로드 인근에 비축돼 있다.", "shells", 300000),
    ],
)
def test_a_stock_held_now_is_in_place(lang: str, text: str, claim: str, value: int) -> None:
    assert one(text, lang, claim, value).basis == IN_PLACE


def test_shells_fired_are_no_stock() -> None:
    assert one("Russia fired 40,000 shells at the town.", "en", "shells", 40000).basis is None


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"),
    [
        ("en", "Russian losses near Sudzha have risen to 900 killed, Kyiv said.", "killed", 900),
        ("de", "Die Zahl der verwundeten Russen kletterte im Winter auf 2.500.", "wounded", 2500),
        ("ru", "Число убитых российских военных под Суджей возросло до 700.", "killed", 700),
        ("ko", "러시아군 부상자는 올해 들어 3천 명으로 증가했다.", "wounded", 3000),
    ],
)
def test_a_toll_that_grew_to_the_count_is_a_running_total(
    lang: str, text: str, claim: str, value: int
) -> None:
    assert one(text, lang, claim, value).basis == CUMULATIVE


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"),
    [
        ("en", "The number of wounded rose by 300 in a week.", "wounded", 300),
        ("de", "Die Zahl der Toten stieg um 150, während 400 verwundet wurden.", "wounded", 400),
    ],
)
def test_a_step_of_growth_or_another_clause_is_no_running_total(
    lang: str, text: str, claim: str, value: int
) -> None:
    assert one(text, lang, claim, value).basis != CUMULATIVE


def test_korean_modu_before_a_count_is_a_running_total() -> None:
    text = "러시아는 2022년 이후 모두 2천300만 발의 포탄을 쏘았다."
    assert one(text, "ko", "shells", 23_000_000).basis == CUMULATIVE


@pytest.mark.parametrize(
    ("lang", "text", "want"),
    [
        (
            "en",
            "Kyiv puts the number of Russian troops near Sudzha at 9,000, in Ukraine at 600,000.",
            [("troops", 9000), ("troops", 600000)],
        ),
        (
            "de",
            "Kiew zählt 800 getötete Russen in Belgorod, in ganz Russland 5.000.",
            [("killed", 800), ("killed", 5000)],
        ),
        (
            "ru",
            "Под Суджей воюют 9 тысяч российских военных, а по всей Украине — 600 тысяч.",
            [("troops", 9000), ("troops", 600000)],
        ),
        (
            "ko",
            "우크라이나는 수드자의 러시아 병력을 9천 명, 우크라이나 전체로는 60만 명으로 추산했다.",
            [("troops", 9000), ("troops", 600000)],
        ),
    ],
)
def test_a_second_place_with_a_bare_count_counts_the_same_kind(
    lang: str, text: str, want: list[tuple[str, int]]
) -> None:
    assert claims_of(text, lang) == want


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "1,000 soldiers were sent to Kursk in October, aged 18 to 25."),
        ("en", "9,000 troops are in Kursk, in Sudzha 40 km away."),
        ("de", "11.000 Soldaten sind in Kursk, im Jahr 2025."),
        ("ru", "В Курской области находятся 11 тысяч военных, в Москве 3 часа."),
    ],
)
def test_a_bare_number_that_is_no_count_takes_no_kind(lang: str, text: str) -> None:
    assert len(claims_of(text, lang)) == 1


def test_vsego_in_another_clause_is_no_running_total() -> None:
    text = "Под Суджей находятся 9 тысяч военных, а всего в России — 20 тысяч."
    assert one(text, "ru", "troops", 9000).basis == IN_PLACE


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "whose"),
    [
        ("en", "Moscow may deploy 30,000 troops to Belgorod.", "troops", 30000, "russian"),
        ("en", "Russia has roughly 600,000 troops in Ukraine.", "troops", 600000, "russian"),
        ("de", "Kiew will 5.000 Soldaten nach Sumy schicken.", "troops", 5000, "ukrainian"),
        ("ru", "Москва может перебросить 20 тысяч военных.", "troops", 20000, "russian"),
        ("ko", "러시아는 벨고로드에 병력 2만 명을 투입했다.", "troops", 20000, "russian"),
    ],
)
def test_the_country_that_sends_or_has_the_soldiers_is_whose(
    lang: str, text: str, claim: str, value: int, whose: str
) -> None:
    assert one(text, lang, claim, value).scope == whose


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"),
    [
        ("en", "Ukraine has captured 120 soldiers near Sudzha.", "captured", 120),
        ("de", "Die Ukraine hat 120 Soldaten gefangen genommen.", "captured", 120),
        ("ko", "우크라이나는 병사 120명을 생포했다.", "captured", 120),
    ],
)
def test_the_captor_is_not_whose(lang: str, text: str, claim: str, value: int) -> None:
    assert one(text, lang, claim, value).scope is None


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "source"),
    [
        (
            "de",
            "Das ukrainische Militär informierte am Montag die Presse. Demzufolge sind 700 "
            "russische Soldaten bei Sudscha gefallen.",
            "killed",
            700,
            "ukrainische",
        ),
        (
            "en",
            "The Pentagon testified before Congress on Tuesday. It said 500 Russian soldiers "
            "were killed near Sudzha.",
            "killed",
            500,
            "pentagon",
        ),
        (
            "ru",
            "Командующий ВСУ доложил президенту в среду. По его словам, под Суджей погибли 700 "
            "российских военных.",
            "killed",
            700,
            "командующий",
        ),
        (
            "ru",
            "Министерство обороны Украины сообщило, что в плен взяты 90 российских военных.",
            "captured",
            90,
            "министерство",
        ),
        (
            "ko",
            "미국 국방부는 수요일 의회에 현황을 보고했다. "
            "수드자에서 러시아군 700명이 전사했다고 한다.",
            "killed",
            700,
            "미국",
        ),
        (
            "ko",
            "미국 국방부 당국자에 따르면 러시아군 700명이 전사했다.",
            "killed",
            700,
            "미국",
        ),
    ],
)
def test_a_source_without_a_reporting_verb_and_longer_sources(
    lang: str, text: str, claim: str, value: int, source: str
) -> None:
    who = one(text, lang, claim, value).attribution
    assert who is not None and source in who.lower(), who


def test_vsego_with_a_comma_opens_a_running_total_for_the_sentence() -> None:
    text = "Всего, по оценке Киева, под Суджей убиты или ранены около 3000 российских военных."
    assert one(text, "ru", "killed_or_wounded", 3000).basis == CUMULATIVE


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "whose"),
    [
        (
            "en",
            "Kyiv put the number of Russian troops killed near Sudzha at 900.",
            "killed",
            900,
            "russian",
        ),
        (
            "de",
            "Kiew bezifferte die Zahl der russischen Soldaten bei Sudscha auf 9.000.",
            "troops",
            9000,
            "russian",
        ),
        (
            "ru",
            "Киев оценил число российских военных под Суджей в 9 тысяч.",
            "troops",
            9000,
            "russian",
        ),
    ],
)
def test_the_number_of_phrase_names_whose(
    lang: str, text: str, claim: str, value: int, whose: str
) -> None:
    assert one(text, lang, claim, value).scope == whose


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "en",
            "This report previously gave the number of North Korean soldiers killed as 2,700; "
            "it is 1,700.",
        ),
        (
            "de",
            "Dieser Bericht hatte zuvor die Zahl der getöteten nordkoreanischen Soldaten mit "
            "2.700 angegeben; es sind 1.700.",
        ),
        (
            "ru",
            "В этой заметке ранее указывалось, что погибли 2700 северокорейских военных; на "
            "самом деле погибли 1700.",
        ),
        ("ko", "당초 기사에서 북한군 사망자를 2천700명으로 잘못 적었습니다. 1천700명이 맞습니다."),
        (
            "en",
            "We previously reported that 2,700 North Korean soldiers had died. The correct "
            "number is 1,700.",
        ),
        (
            "de",
            "Wir hatten zunächst von 2.700 getöteten Nordkoreanern berichtet. Richtig ist: 1.700.",
        ),
        (
            "ru",
            "Ранее в материале ошибочно говорилось о 2700 погибших северокорейцах. Правильная "
            "цифра — 1700.",
        ),
        ("ko", "앞서 북한군 사망자가 2천700명이라고 보도했으나 1천700명으로 바로잡습니다."),
    ],
)
def test_a_retraction_without_earlier_version_retracts_old_and_asserts_new(
    lang: str, text: str
) -> None:
    assert one(text, lang, "killed", 2_700).modality == RETRACTED
    assert one(text, lang, "killed", 1_700).modality == ASSERTED


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        (
            "en",
            "The Kremlin rejected as pure invention claims that 7,000 North Korean soldiers "
            "were fighting in Kursk.",
            7_000,
        ),
        (
            "en",
            "Moscow called the reports that 7,000 North Korean soldiers were there baseless.",
            7_000,
        ),
        (
            "de",
            "Der Kreml nannte Berichte über 6.000 nordkoreanische Soldaten frei erfunden.",
            6_000,
        ),
        (
            "de",
            "Moskau bezeichnete Meldungen über 6.000 nordkoreanische Soldaten als haltlos.",
            6_000,
        ),
        ("ru", "Песков назвал выдумкой сообщения о 7 тысячах северокорейских военных.", 7_000),
        ("ru", "Сообщения о 7 тысячах северокорейских военных Песков назвал чушью.", 7_000),
        ("ko", "북한은 병력 7천 명을 파견했다는 보도를 날조라고 반박했다.", 7_000),
        ("ko", "북한은 병력 7천 명 파견 보도가 날조된 것이라고 밝혔다.", 7_000),
    ],
)
def test_reports_called_invention_are_denied(lang: str, text: str, value: int) -> None:
    assert one(text, lang, "troops", value).modality == DENIED


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("en", "Should Pyongyang dispatch 20,000 more troops, the front could shift.", 20_000),
        ("en", "Were Pyongyang to send another 20,000 troops, Kyiv would struggle.", 20_000),
        ("de", "Würde Nordkorea weitere 8.000 Mann schicken, könnte sich die Lage ändern.", 8_000),
        (
            "de",
            "Sollte Nordkorea weitere 8.000 Soldaten entsenden, wäre die Front in Gefahr.",
            8_000,
        ),
        ("ru", "Если КНДР пришлет еще 20 тысяч военных, ситуация изменится.", 20_000),
        ("ko", "북한이 병력 2만 명을 추가로 보낼 경우 전황이 바뀔 것이다.", 20_000),
        ("en", "In case Pyongyang sends another 10,000 troops, Kyiv will respond.", 10_000),
        ("de", "Im Falle, dass Nordkorea weitere 10.000 Soldaten schickt, reagiert Kiew.", 10_000),
        ("ru", "В случае если КНДР направит еще 10 тысяч военных, Киев ответит.", 10_000),
    ],
)
def test_an_imagined_increment_is_hypothetical(lang: str, text: str, value: int) -> None:
    figure = one(text, lang, "troops", value)
    assert (figure.modality, figure.modifier) == (HYPOTHETICAL, "increment")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Kyiv does not rule out that North Korea will send up to 200,000 troops."),
        ("de", "Kiew schließt nicht aus, dass Nordkorea bis zu 200.000 Soldaten schickt."),
        ("ru", "В Киеве не исключают, что КНДР отправит до 200 тысяч военных."),
        ("ko", "북한이 최대 20만 명의 병력을 보낼 가능성도 배제할 수 없다."),
    ],
)
def test_a_dispatch_not_ruled_out_is_projected(lang: str, text: str) -> None:
    assert one(text, lang, "troops", 200_000).modality == PROJECTED


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Nearly half of the 12,000 North Korean troops are now out of action."),
        (
            "de",
            "Knapp die Hälfte der 12.000 nordkoreanischen Soldaten ist nicht mehr einsatzfähig.",
        ),
        ("ru", "Почти половина из 12 тысяч северокорейских военных выбыла из строя."),
        ("ko", "북한군 1만2천 명 가운데 절반 가까이가 전투력을 상실했다."),
        ("en", "More than half of the 12,000 North Korean soldiers are out of action."),
    ],
)
def test_a_hedged_fraction_out_of_action_is_a_casualty_part(lang: str, text: str) -> None:
    part = one(text, lang, "killed_or_wounded", 6_000)
    assert (part.role, part.hedge) == (PART, "about")
    assert one(text, lang, "troops", 12_000).role == WHOLE


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "en",
            "Of the roughly 2,000 North Korean soldiers reported missing, at least 500 are "
            "believed dead.",
        ),
        ("de", "Unter den 2.000 vermissten Nordkoreanern sollen mindestens 500 tot sein."),
        ("ru", "Из 2 тысяч пропавших без вести северокорейских военных не менее 500 погибли."),
        ("ko", "실종된 북한군 2천 명 중 최소 500명은 숨진 것으로 추정된다."),
    ],
)
def test_a_whole_named_first_keeps_its_casualty_kind(lang: str, text: str) -> None:
    assert one(text, lang, "missing", 2_000).role == WHOLE
    part = one(text, lang, "killed", 500)
    assert (part.role, part.hedge) == (PART, "at least")


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "period"),
    [
        ("en", "Every day up to 40 North Korean soldiers are killed.", "killed", 40, "day"),
        ("de", "Jeden Tag sterben bis zu 40 nordkoreanische Soldaten.", "killed", 40, "day"),
        (
            "ru",
            "Каждые сутки в Курской области гибнут до 40 северокорейских военных.",
            "killed",
            40,
            "day",
        ),
        ("ko", "매일 북한군 최대 40명이 사망하고 있다.", "killed", 40, "day"),
        (
            "de",
            "Jede Woche geraten etwa 10 Nordkoreaner in Gefangenschaft.",
            "captured",
            10,
            "week",
        ),
        ("ru", "Каждую неделю в плен попадают около 10 северокорейцев.", "captured", 10, "week"),
    ],
)
def test_every_day_or_week_is_a_per_period_count(
    lang: str, text: str, claim: str, value: int, period: str
) -> None:
    figure = one(text, lang, claim, value)
    assert (figure.basis, figure.period) == (PER_PERIOD, period)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "About a third of the 12,000 North Korean troops have been killed or wounded."),
        ("de", "Rund ein Drittel der 12.000 nordkoreanischen Soldaten ist kampfunfähig."),
        ("ru", "Около трети из 12 тысяч северокорейских военных выбыли из строя."),
        ("ko", "북한군 1만2천 명 중 3분의 1가량이 전투력을 상실했다."),
    ],
)
def test_a_third_of_the_whole_out_of_action(lang: str, text: str) -> None:
    assert claims_of(text, lang) in (
        [("killed_or_wounded", 4_000), ("troops", 12_000)],
        [("troops", 12_000), ("killed_or_wounded", 4_000)],
    )
    assert one(text, lang, "killed_or_wounded", 4_000).role == PART


@pytest.mark.parametrize(
    ("lang", "text", "whole", "part"),
    [
        (
            "en",
            "Among the 2,000 North Korean soldiers listed as missing, at least 500 are believed "
            "dead.",
            ("missing", 2_000),
            ("killed", 500),
        ),
        (
            "en",
            "Of the 1,200 North Korean soldiers wounded in Kursk, 300 later died.",
            ("wounded", 1_200),
            ("killed", 300),
        ),
        (
            "de",
            "Von den 1.200 verwundeten nordkoreanischen Soldaten starben später 300.",
            ("wounded", 1_200),
            ("killed", 300),
        ),
        (
            "ru",
            "Из 1200 раненых северокорейских военных 300 позже скончались.",
            ("wounded", 1_200),
            ("killed", 300),
        ),
        (
            "ko",
            "부상한 북한군 1천200명 가운데 300명이 숨졌다.",
            ("wounded", 1_200),
            ("killed", 300),
        ),
        (
            "ko",
            "북한군 실종자 2천 명 중 최소 500명은 사망한 것으로 추정된다.",
            ("missing", 2_000),
            ("killed", 500),
        ),
    ],
)
def test_a_casualty_whole_and_a_part_that_died(
    lang: str, text: str, whole: tuple[str, int], part: tuple[str, int]
) -> None:
    assert one(text, lang, *whole).role == WHOLE
    assert one(text, lang, *part).role == PART


# --- third held-out round: the families it exposed, with sentences of our own -----------


def read(text: str, lang: str) -> list[tuple[object, ...]]:
    """(claim, low, high, scope, place) of each figure, in text order."""
    return [(f.claim, f.low, f.high, f.scope, f.place) for f in extract(text, lang)]


@pytest.mark.parametrize(
    ("lang", "text", "want"),
    [
        (
            "en",
            "Drones killed 35 North Korean soldiers and wounded 80 near Sudzha overnight.",
            [("killed", 35), ("wounded", 80)],
        ),
        (
            "de",
            "Die Einheit tötete 25 russische Soldaten und verletzte 60, hieß es aus Kiew.",
            [("killed", 25), ("wounded", 60)],
        ),
        (
            "ru",
            "Бригада взяла в плен 9 солдат КНДР и уничтожила 44.",
            [("captured", 9), ("killed", 44)],
        ),
        (
            "ru",
            "Ударом дронов убили 15 российских военных и ранили 33.",
            [("killed", 15), ("wounded", 33)],
        ),
    ],
)
def test_each_coordinated_verb_governs_its_own_count(
    lang: str, text: str, want: list[tuple[str, int]]
) -> None:
    assert claims_of(text, lang) == want


@pytest.mark.parametrize(
    ("lang", "text", "want"),
    [
        (
            "de",
            "Nahe Korenewo starben 75 Nordkoreaner und 30 Russen.",
            [("killed", 75, "north_korean"), ("killed", 30, "russian")],
        ),
        (
            "en",
            "Kyiv says 14 North Koreans and 9 Russians were taken prisoner.",
            [("captured", 14, "north_korean"), ("captured", 9, "russian")],
        ),
        (
            "ru",
            "Под Курском погибли 110 северокорейцев и 70 россиян.",
            [("killed", 110, "north_korean"), ("killed", 70, "russian")],
        ),
        (
            "ru",
            "Ранены 18 северокорейских и 6 российских бойцов.",
            [("wounded", 18, "north_korean"), ("wounded", 6, "russian")],
        ),
        (
            "en",
            "Shelling killed 22 North Korean and 11 Russian troops.",
            [("killed", 22, "north_korean"), ("killed", 11, "russian")],
        ),
    ],
)
def test_counts_joined_by_and_share_the_verb_or_noun_only_one_says(
    lang: str, text: str, want: list[tuple[str, int, str]]
) -> None:
    assert [(c, low, scope) for c, low, _, scope, _ in read(text, lang)] == want


def test_people_named_by_nationality_are_no_count_without_a_casualty() -> None:
    assert claims_of("Seoul believes thousands of North Koreans are now in Kursk", "en") == []
    assert claims_of("Nach Angaben Seouls starben 40 Nordkoreaner.", "de") == [("killed", 40)]


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"),
    [
        ("ru", "За сутки в районе Коренево ликвидированы 19 военнослужащих КНДР.", "killed", 19),
        ("ru", "Киев сообщил о гибели 260 солдат КНДР.", "killed", 260),
        ("ru", "Москва опровергла данные о пленении 90 своих военных.", "captured", 90),
        ("en", "Seoul confirmed the deaths of 160 North Korean soldiers.", "killed", 160),
        ("de", "Kiew bestätigte den Tod von 45 nordkoreanischen Soldaten.", "killed", 45),
        ("ru", "За месяц российские части потеряли убитыми 1200 человек.", "killed", 1200),
        ("ru", "КНДР потеряла ранеными около 900 человек.", "wounded", 900),
    ],
)
def test_verbs_of_destroying_and_nouns_of_dying_count_the_dead(
    lang: str, text: str, claim: str, value: int
) -> None:
    assert one(text, lang, claim, value)


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value", "scope"),
    [
        (
            "en",
            "North Korean combat fatalities rose in 2025 to about 1,800.",
            "killed",
            1800,
            "north_korean",
        ),
        (
            "de",
            "Die russischen Verluste kletterten im März auf rund 30.000.",
            "killed_or_wounded",
            30_000,
            "russian",
        ),
        (
            "ru",
            "Потери КНДР убитыми к лету выросли до 2 тысяч человек.",
            "killed",
            2000,
            "north_korean",
        ),
        (
            "ru",
            "Общие потери Пхеньяна убитыми и ранеными достигли 6 тысяч человек.",
            "killed_or_wounded",
            6000,
            "north_korean",
        ),
    ],
)
def test_a_toll_as_subject_of_a_verb_of_growth_names_its_goal(
    lang: str, text: str, claim: str, value: int, scope: str
) -> None:
    figure = one(text, lang, claim, value)
    assert (figure.basis, figure.scope) == (CUMULATIVE, scope)


@pytest.mark.parametrize(
    ("lang", "text", "whole", "part"),
    [
        (
            "de",
            "Von den 6.000 nordkoreanischen Soldaten ist jeder Dritte verwundet worden.",
            ("troops", 6000),
            ("wounded", 2000),
        ),
        ("ru", "Из 5 тысяч военных КНДР погиб каждый пятый.", ("troops", 5000), ("killed", 1000)),
        (
            "en",
            "Of the 800 North Korean sappers, one in ten has been killed.",
            ("deminers", 800),
            ("killed", 80),
        ),
        (
            "de",
            "Von den 4.000 in die Region Kursk verlegten Soldaten sind 500 gefallen.",
            ("troops", 4000),
            ("killed", 500),
        ),
    ],
)
def test_a_share_of_every_n_and_a_participle_phrase_before_the_noun(
    lang: str, text: str, whole: tuple[str, int], part: tuple[str, int]
) -> None:
    assert one(text, lang, *whole).role == WHOLE
    assert one(text, lang, *part).role == PART


@pytest.mark.parametrize(
    ("text", "claim", "value"),
    [
        ("북한군 네 명이 포로로 잡혔다.", "captured", 4),
        ("러시아군 일곱 명이 숨졌다.", "killed", 7),
        ("부상한 북한군은 모두 열다섯 명이다.", "wounded", 15),
    ],
)
def test_korean_native_numerals_before_myeong(text: str, claim: str, value: int) -> None:
    assert one(text, "ko", claim, value)


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"),
    [
        (
            "en",
            "North Korea has delivered some 3 million shells to Russia, Kyiv says.",
            "shells",
            3_000_000,
        ),
        (
            "de",
            "Pjöngjang hat nach Angaben aus Seoul bereits 4 Millionen Granaten geliefert.",
            "shells",
            4_000_000,
        ),
        ("ru", "КНДР уже поставила Москве около 4 млн снарядов.", "shells", 4_000_000),
        ("ru", "Ещё 500 тысяч снарядов Пхеньян намерен передать России.", "shells", 500_000),
        ("ko", "북한이 러시아에 포탄 300만 발을 넘긴 것으로 파악됐다.", "shells", 3_000_000),
        ("en", "Kim Jong Un has agreed to dispatch another 2,000 troops.", "troops", 2000),
        ("en", "Russia still has about 500,000 soldiers in Ukraine.", "troops", 500_000),
    ],
)
def test_whose_by_the_country_that_supplies_or_sends(
    lang: str, text: str, claim: str, value: int
) -> None:
    expected = "russian" if text.startswith("Russia") else "north_korean"
    assert one(text, lang, claim, value).scope == expected


def test_a_country_after_a_preposition_is_no_subject() -> None:
    text = "Pyongyang has shipped 1m shells to Moscow and has about 9,000 soldiers in Russia."
    assert one(text, "en", "troops", 9000).scope == "north_korean"


@pytest.mark.parametrize(
    ("lang", "text", "claim", "value"),
    [
        ("ru", "Только за апрель в Россию въехали 2 тысячи рабочих из КНДР.", "workers", 2000),
        ("en", "In June alone, 1,200 North Korean builders arrived in Russia.", "builders", 1200),
        ("de", "Allein im Mai kamen 900 nordkoreanische Arbeiter nach Russland.", "workers", 900),
        ("ko", "지난달에만 북한 노동자 1천 명이 러시아에 도착했다.", "workers", 1000),
    ],
)
def test_arrivals_in_a_named_month_are_a_monthly_count(
    lang: str, text: str, claim: str, value: int
) -> None:
    figure = one(text, lang, claim, value)
    assert (figure.basis, figure.period) == (PER_PERIOD, "month")


@pytest.mark.parametrize(
    ("lang", "text", "claim", "old", "new"),
    [
        (
            "en",
            "Correction: We earlier reported 700 North Korean soldiers killed. The real "
            "number is 400.",
            "killed",
            700,
            400,
        ),
        (
            "de",
            "Korrektur: In einer früheren Fassung hieß es, 900 Russen seien verwundet "
            "worden. Die tatsächliche Zahl ist 600.",
            "wounded",
            900,
            600,
        ),
        (
            "ru",
            "Исправление: ранее в материале говорилось о 800 погибших военных КНДР. На "
            "самом деле их 500.",
            "killed",
            800,
            500,
        ),
        (
            "ko",
            "정정: 앞선 기사에서 북한군 부상자를 3천 명으로 보도했으나 실제 규모는 2천 명입니다.",
            "wounded",
            3000,
            2000,
        ),
    ],
)
def test_corrected_figures_in_other_words(
    lang: str, text: str, claim: str, old: int, new: int
) -> None:
    assert one(text, lang, claim, old).modality == RETRACTED
    assert one(text, lang, claim, new).modality == ASSERTED


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("ru", "Пхеньян передаст Москве ещё 400 тысяч снарядов.", 400_000),
        ("de", "Nordkorea soll Russland weitere 500.000 Granaten liefern.", 500_000),
        ("en", "North Korea could ship another 700,000 shells, Seoul warned.", 700_000),
    ],
)
def test_more_shells_to_be_sent_are_a_dispatch(lang: str, text: str, value: int) -> None:
    figure = one(text, lang, "shells", value)
    assert (figure.modifier, figure.basis) == ("increment", DISPATCH)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Of the 90 North Korean soldiers missing, 12 are in Ukrainian captivity."),
        ("ru", "Из 90 пропавших без вести военных КНДР 12 оказались в украинском плену."),
    ],
)
def test_captivity_names_the_captor_and_the_part_keeps_its_whole(lang: str, text: str) -> None:
    part = one(text, lang, "captured", 12)
    assert (part.role, part.scope) == (PART, "north_korean")


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("ru", "В Курской области действуют до 7 тысяч бойцов КНДР.", 7000),
        ("ru", "На фронте задействованы 6 тысяч военных КНДР.", 6000),
        ("de", "Im Gebiet Kursk halten sich 8.000 nordkoreanische Soldaten auf.", 8000),
        (
            "en",
            "Some 9,000 North Korean soldiers operating in Kursk are under Russian command.",
            9000,
        ),
    ],
)
def test_counts_in_place_in_other_words(lang: str, text: str, value: int) -> None:
    assert one(text, lang, "troops", value).basis == IN_PLACE


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Nordkorea hat in Kursk bislang etwa 700 Soldaten verloren."),
        ("en", "North Korea has lost about 700 soldiers in Kursk so far."),
        ("ru", "КНДР потеряла около 700 солдат в Курской области."),
        ("ko", "북한은 쿠르스크에서 병사 약 700명을 잃었다."),
    ],
)
def test_soldiers_lost_are_dead_not_troops_in_place(lang: str, text: str) -> None:
    # A German casualty report read "700 Soldaten verloren" as 700 troops and alerted
    # against the 10,000-12,000 deployed.
    assert [(f.claim, f.low) for f in extract(text, lang)] == [("killed", 700)]


@pytest.mark.parametrize(
    ("lang", "text", "claim"),
    [
        ("en", "Kyiv said it had lost contact with 20 soldiers near Sudzha.", "troops"),
        ("ru", "Российская армия потеряла ранеными около 20 тысяч человек.", "wounded"),
    ],
)
def test_lost_contact_and_lost_as_wounded_are_not_deaths(lang: str, text: str, claim: str) -> None:
    assert [f.claim for f in extract(text, lang)] == [claim]
