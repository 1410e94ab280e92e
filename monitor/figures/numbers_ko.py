"""Korean number words: a bare "천" or "만" before a counter ("천 명", a thousand) and the
vague amounts ("수천 명", thousands). Korean digits with scale words ("1만2천") are read
with the other digits in ``numbers``.
"""

from __future__ import annotations

import re

# Korean number words in news: "천 명" (a thousand), "수천 명" (thousands, vague).
KO_WORDS = re.compile(
    r"(?<![\d가-힣])(?:(?P<vague>수(?:십만|십|백|천|만))|(?P<bare>천|만))(?=\s?(?:명|발|기|개))"
)
KO_VAGUE = {
    "수십": (20, 99),
    "수백": (200, 999),
    "수천": (2_000, 9_999),
    "수만": (20_000, 99_999),
    "수십만": (200_000, 999_999),
}
