"""The figure reader's shortcuts change no result (issue 16): the claim-word gate, the
per-text sentence and clause breaks, the indexed lexicon, and the searches that
``figures.patterns`` skips or shortens each give what the plain reading gives."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from monitor.figures import clauses, extract, gate, lexicon
from monitor.figures.context import NAMED_BEFORE, VERBS_AFTER, VERBS_BEFORE
from monitor.figures.hedges import _HEDGE_BEFORE
from monitor.figures.lexicon import CASUALTY_BEFORE, DESTROYED_BEFORE, kind_at, vocabulary
from monitor.figures.patterns import Literals, fold, may_match, required, search_end
from monitor.types import ClaimTerms

REPO = Path(__file__).resolve().parents[1]
LANGS = ("de", "en", "ru", "ko")
EXTRA = (
    ClaimTerms("drones", "en", ("drone", "uav")),
    ClaimTerms("drones", "de", ("drohne",)),
    ClaimTerms("drones", "ru", ("беспилотник",)),
    ClaimTerms("drones", "ko", ("드론",)),
    ClaimTerms("troops", "en", ("conscript", "rounds of")),
)


def corpus() -> list[tuple[str, str | None]]:
    """The labelled sentences and articles of the figures and stories benchmarks, and the
    test articles: (text, language)."""
    texts: list[tuple[str, str | None]] = []
    for path in sorted((REPO / "bench" / "data").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            for key in ("text", "title"):
                if isinstance(row.get(key), str):
                    texts.append((row[key], row.get("lang")))
    for path in sorted((REPO / "tests" / "fixtures").rglob("*.txt")):
        texts.append((path.read_text(encoding="utf-8"), None))
    return texts


def read(text: str, lang: str | None, claims: tuple[ClaimTerms, ...] = ()) -> list[tuple]:
    return [tuple(vars(f).values()) for f in extract(text, lang, all_numbers=True, claims=claims)]


def test_the_gate_is_read_from_the_rules() -> None:
    # every rule the gate stands for gives the literals its matches hold: none leaves it open
    for pattern in (*NAMED_BEFORE, *VERBS_BEFORE, *VERBS_AFTER):
        assert required(pattern), pattern.pattern[:60]
    for lang in LANGS:
        assert gate._triggers(vocabulary(lang, EXTRA)).always == 0


def test_the_gate_changes_no_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = corpus()
    assert len(texts) > 1000
    # each text in its own language and in another, with words added under claims:
    cases = [(t, lang or "en", ()) for t, lang in texts]
    cases += [(t, LANGS[i % 4], EXTRA) for i, (t, _) in enumerate(texts)]
    gated = [read(t, lang, claims) for t, lang, claims in cases]
    passed = []
    monkeypatch.setattr(gate.Gate, "may_count", lambda self, *args: True)
    for (t, lang, claims), before in zip(cases, gated, strict=True):
        if read(t, lang, claims) != before:
            passed.append(t[:80])
    assert passed == []


def test_the_gate_lets_through_only_what_could_count() -> None:
    filler = " Er wohnt seit langem in der Stadt am Fluss." * 8  # more than a clause's reach
    text = f"Der 45-Jährige hat 3 Kinder.{filler} Bei dem Angriff wurden 12 Menschen getötet."
    g = gate.Gate(text, vocabulary("de"))
    three = text.index("3 Kinder")
    twelve = text.index("12 Menschen")
    assert not g.may_count(three, three, three + 1)
    assert g.may_count(twelve, twelve, twelve + 2)  # "getötet" follows in its clause
    # a letter that lower-cases to two ("İ") leaves the gate open
    assert gate.Gate("İstanbul: 3 Kinder", vocabulary("de")).may_count(10, 10, 11)


def adversarial_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = list('ab A. ,;:!?()\n\n  –—-"“”»’„«1234x\t') + [
        "Mio.",
        " – ",
        "ca.",
        "4. Juni",
        "\n ",
        '. "A',
        "천\n명",
        "über ",
        "etwa ",
        "killed ",
        "погибли ",
        "May ",
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))) for _ in range(count)]


def test_sentence_and_clause_breaks_looked_up_are_those_searched() -> None:
    texts = [t for t, _ in corpus()[::40]] + adversarial_texts(400, 7)
    rng = random.Random(3)
    for text in texts:
        positions = (
            range(-2, len(text) + 3) if len(text) < 200 else rng.sample(range(len(text)), 30)
        )
        for pos in positions:
            assert clauses.sentence_span(text, pos) == clauses._sentence_span_scan(text, pos)
            for end in (pos, pos + 1, pos + rng.randint(0, 30)):
                assert clauses.clause_span(text, pos, end) == clauses._clause_span_scan(
                    text, pos, end
                ), (text, pos, end)


def kind_at_by_scan(
    tokens: list[tuple[str, int, int]], i: int, lang: str, vocab: lexicon.Vocabulary
) -> tuple[str | None, int]:
    """``kind_at`` as it read every stem for every token, before issue 16."""
    word = tokens[i][0].lower()
    best: tuple[int, str | None, int] = (0, None, 1)
    for stem, kind in vocab:
        if " " in stem:
            n = stem.count(" ") + 1
            words = " ".join(t[0].lower() for t in tokens[i : i + n])
            if i + n - 1 < len(tokens) and words.startswith(stem) and len(stem) > best[0]:
                best = (len(stem), kind, n)
            continue
        if lexicon._stem_matches(word, stem, lang) and len(stem) > best[0]:
            best = (len(stem), kind, 1)
    if best[1] == "killed_or_wounded" and best[2] == 2:
        return best[1], min(3, len(tokens) - i)
    return best[1], best[2]


def test_the_indexed_lexicon_names_what_every_stem_did() -> None:
    odd = (ClaimTerms("odd", "en", ("", " ", "killed or", "combat", "rounds of")),)
    vocabs = [(lang, vocabulary(lang, extra)) for lang in LANGS for extra in ((), EXTRA, odd)]
    for text, _ in corpus()[::15]:
        words = re.findall(r"[^\W\d_][\w'’\-]*|[^\w\s]", text)[:200]
        tokens = [(w if w[0].isalpha() else "", 0, 0) for w in words]
        for lang, vocab in vocabs:
            for i in range(len(tokens)):
                assert kind_at(tokens, i, lang, vocab) == kind_at_by_scan(tokens, i, lang, vocab)


@pytest.mark.parametrize(
    "pattern",
    [_HEDGE_BEFORE, CASUALTY_BEFORE, DESTROYED_BEFORE],
    ids=["hedge", "casualty", "destroyed"],
)
def test_a_search_at_the_end_finds_what_the_search_finds(pattern: re.Pattern[str]) -> None:
    texts = [t for t, _ in corpus()[::9]] + adversarial_texts(2000, 11)
    rng = random.Random(5)
    for text in texts:
        for _ in range(4):
            a = rng.randint(0, len(text))
            b = rng.randint(a, min(len(text), a + 120))
            for got, want in (
                (search_end(pattern, text, a, b), pattern.search(text, a, b)),
                (search_end(pattern, text[a:b]), pattern.search(text[a:b])),
            ):
                assert (got and (got.span(), got.groups())) == (
                    want and (want.span(), want.groups())
                )


def test_required_strings_and_the_quick_test() -> None:
    assert required(re.compile(r"\b(?:killed|dead)\s+(?:or|and)\s+wounded")) == {"wounded"}
    assert required(re.compile(r"다[쳤친치]")) == {"다쳤", "다친", "다치"}
    assert required(re.compile(r"(?:a|b)?c*")) is None  # nothing every match holds
    assert required(re.compile(r"x+|y{2,3}")) == {"x", "y"}
    ignorecase = re.compile(r"soldier", re.I)
    assert may_match(ignorecase, "SOLDIERS") and may_match(ignorecase, "ſoldier")
    assert not may_match(ignorecase, "troops")
    assert may_match(re.compile("soldier"), "soldiers")
    assert not may_match(re.compile("soldier"), "SOLDIERS")  # case counts without re.I
    assert fold("Straße ſ") == "straße s" and fold("İ") is None
    assert Literals(["half", "Hälfte"]).found_in("DIE HÄLFTE")
