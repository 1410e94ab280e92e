"""The number pattern of story keys is written so that a search skips to the digits (its
lookbehinds come after the first digit): it must find exactly what the pattern with the
lookbehinds first found, in the same places and with the same groups."""

from __future__ import annotations

import random
import re

from monitor.stories.keys import _NUMBER, SCALE_WORDS, _number_keys

# As written before: the lookbehinds first, tried at every position.
LOOKBEHIND_FIRST = re.compile(
    r"(?<![\w.,])(?<![^\W\d_]-)(\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?)"
    r"(?:\s*(" + "|".join(SCALE_WORDS) + r")\b)?",
    re.IGNORECASE,
)


def _found(
    pattern: re.Pattern[str], text: str
) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def test_same_numbers_as_the_lookbehind_first_pattern() -> None:
    rng = random.Random(16)
    alphabet = "0123456789.,- \u00a0\u202fab-Kx_ThousandMillionтыс\n"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(60))) for _ in range(5000)]
    texts += [
        "1,000 troops; 1.5 million; 6 thousand; Hwasong-18; KN-23 and 2024; 4,4 magnitude",
        "12 345 men, x1,000, .5, 3.000.000 Euro, 7тыс, 10 Millionen, 1 000 000",
    ]
    for text in texts:
        assert _found(_NUMBER, text) == _found(LOOKBEHIND_FIRST, text), text


def test_number_keys_values() -> None:
    text = "1,000 troops, 1.5 million people, Hwasong-18, 2024, 30 years, 6 thousand, 4,4"
    assert _number_keys(text, {}) == {
        "1000": 3.0,
        "1500000": 3.0,
        "2024": 0.5,
        "30": 1.5,
        "6000": 3.0,
        "4.4": 3.0,
    }
