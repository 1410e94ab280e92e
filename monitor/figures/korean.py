"""Korean word order: the counted noun comes before the number ("북한군 1만 명") or after a
genitive ("5천 명의 노동자"), and the hedge after the count ("600명 이상", "1만여 명").
"""

from __future__ import annotations

import re

from monitor.figures.clauses import clause_span, sentence_span, tokens_after
from monitor.figures.lexicon import CASUALTY_VERBS, PERSONNEL, Vocabulary, kind_at

# After a Korean count: an optional "여" ("10,000-odd"), a counter, then a hedge word.
KO_HEDGE_AFTER = re.compile(
    r"^(?P<yeo>여)?\s?(?:명|발|기|개|대|척)?\s?"
    r"(?P<h>이상|이하|미만|가량|정도|쯤|안팎|내외|넘게|넘는|남짓)?"
    r"|^(?P<yeo2>여)"
)
KO_HEDGES = {
    "이상": "at least",
    "이하": "up to",
    "미만": "up to",
    "가량": "about",
    "정도": "about",
    "쯤": "about",
    "안팎": "about",
    "내외": "about",
    "남짓": "about",
    "넘게": "more than",
    "넘는": "more than",
    "여": "more than",
}
# "명의 노동자", "명 규모의 병력": the counted noun follows the genitive 의.
_KO_GENITIVE = re.compile(r"^(?:여)?\s?(?:명|발|기|개|대|척)?\s?(?:[가-힣]{1,3}\s?)?의\s+")
_KO_COUNTER = re.compile(r"^(?:여)?\s?(?:명|발|기|개|대|척)[가-힣]*")
_KO_CONNECTIVE = re.compile(r"(?:며|고|지만|는데|으나|면서)(?=\s)")
_KO_HEDGE_BEFORE = frozenset({"약", "최대", "최소", "총", "모두", "무려", "대략", "추가", "추가로"})
# Adverbs of time that may stand between the noun and its count: "사상자는 지금까지 모두".
_KO_ADVERBS = frozenset({"지금까지", "현재까지", "그동안", "이제까지", "현재", "이미", "이번에"})
# "사망자 수는 2025년 들어 600명": "the number of", and when (a year, "올해 들어", "지난해"),
# also stand between the noun and its count.
_KO_BETWEEN = re.compile(
    r"^(?:수|수는|수가|숫자는|규모는|\d{4}년(?:에|에는|도)?|들어|들어서|이후|이래|올해|지난해|작년"
    r"|올해에만|지난달|이달|\d{1,2}월(?:에|까지)?)$"
)
# A word ending in a connective or final verb ending is the verb of the count before
# ("1천 명이 사망하고 3천 명이 부상했으며"), not the noun of this one.
_KO_VERB_ENDING = re.compile(r"(?:하고|했으며|하며|되고|됐으며|되며|했고|됐고|했다|됐다|했지만)$")
# Generic nouns a modifier before them makes specific: "지뢰제거 인력" are deminers.
_KO_GENERIC = re.compile(r"^(?:인력|인원|병력|노동자|근로자|요원)(?:[은는이가을를의]|도|만)?$")


# past adnominal endings of the verbs that modify a noun: 된 한 진 친 힌 린 ("잡힌")
_ADNOMINAL_ENDINGS = frozenset("된한진친힌린")


def _modified(words: list[str], vocab: Vocabulary) -> str | None:
    """Deminers or builders named by the words before a generic noun ("지뢰 제거 인력")."""
    tokens = [(w, 0, 0) for w in words]
    found = [kind_at(tokens, i, "ko", vocab)[0] for i in range(len(tokens))]
    return next((k for k in reversed(found) if k in ("deminers", "builders")), None)


def _casualty_modifier(words: list[str]) -> str | None:
    """A casualty named by the modifier before the noun ("숨진", "다친", "실종된", "생포된",
    "포로가 된"): the nearest verb in its adnominal form and the word before it."""
    for j in range(len(words) - 1, -1, -1):
        word = words[j]
        if not _adnominal(word):
            continue
        phrase = " ".join(words[max(0, j - 1) : j + 1])
        return next((kind for pattern, kind in CASUALTY_VERBS if pattern.search(phrase)), None)
    return None


def _adnominal(word: str) -> bool:
    return word[-1:] in _ADNOMINAL_ENDINGS


def counted_ko(
    text: str, start: int, end: int, vocab: Vocabulary, left_limit: int
) -> tuple[list[str], int, bool]:
    """Korean names the counted thing before the number ("북한군 1만 명") or after a
    genitive ("5천 명의 노동자"); "추가" (additional) anywhere in the clause is an increment."""
    clause_start, clause_end = clause_span(text, start, end)
    after = text[end : end + 30]
    # a connective ending ("명이며", "명이고") closes the clause of this count
    link = _KO_CONNECTIVE.search(after)
    own_after = after[: link.start()] if link else after
    increment = "추가" in text[max(clause_start, left_limit) : start] or "추가" in own_after
    genitive = _KO_GENITIVE.match(after)
    if genitive is not None:
        tokens = tokens_after(text, end + genitive.end(), 3)
        for i in range(len(tokens)):
            kind, used = kind_at(tokens, i, "ko", vocab)
            if kind is not None:
                return [kind], tokens[i + used - 1][2], increment
    counter = _KO_COUNTER.match(after)
    span_end = end + counter.end() if counter else end
    # the noun right before the number, skipping hedge words: "북한군 약 1만"
    words = text[max(clause_start, left_limit, start - 30) : start].split()
    while words and (
        words[-1] in _KO_HEDGE_BEFORE or words[-1] in _KO_ADVERBS or _KO_BETWEEN.match(words[-1])
    ):
        words.pop()
    if words and not _KO_VERB_ENDING.search(words[-1]):
        kind, _ = kind_at([(words[-1], 0, 0)], 0, "ko", vocab)
        if len(words) > 1 and _KO_GENERIC.match(words[-1]):
            kind = _modified(words[-3:-1], vocab) or kind
        if kind in PERSONNEL:  # "숨진 북한 병사는", "실종된 북한군 병사 30명"
            kind = _casualty_modifier(words[-4:-1]) or kind
        if kind is not None:
            return [kind], span_end, increment
    # a bare count: what follows the counter ("300명이 포로로")
    tokens = tokens_after(text, span_end, 3)
    for i in range(len(tokens)):
        if not tokens[i][0]:
            break
        kind, used = kind_at(tokens, i, "ko", vocab)
        if kind is not None:
            return [kind], tokens[i + used - 1][2], increment
    return [], span_end, increment


def people_before(text: str, start: int, end: int, vocab: Vocabulary) -> str | None:
    """People counted with no noun of their own ("1만여 명이") are those the sentence named
    before: "북한군 50여 명이 전사했고 1만여 명이 ... 주둔" (troops). For a count that nothing
    else (a whole, a correction, a gapped place) gave a kind."""
    if "명" not in text[start : end + 2]:
        return None
    s_start, _ = sentence_span(text, start)
    for word in reversed(text[s_start:start].split()):
        kind, _ = kind_at([(word, 0, 0)], 0, "ko", vocab)
        if kind in PERSONNEL:
            return kind
    return None
