"""Key weights scaled by rarity, as one pair's same-story score reads them.

``CandidateIndex.rarities`` gives the keys of recent items below full weight; a text's keys
scaled by them (``weighted``) are what ``matching`` compares, one text against each of a
new item's candidates. Sums are taken in the order of the text's keys, in C (``map``), so
they add up to the same floats wherever they are taken.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

from monitor.stories.keys import Features

__all__ = ["Rarity", "Weighted", "local_weight", "weight_in_common", "weighted"]

# Key -> factor 0..1 by which its weight is scaled (near 0 = in every item); a key not
# listed is rare and keeps its full weight (``CandidateIndex.rarities``).
Rarity = Mapping[str, float]


class Weighted(NamedTuple):
    """A text's key weights scaled by rarity, their sum, and the sum of its bridge keys
    (a tuple: one is made per candidate per item; ``local_weight`` gives the sum of its
    local keys, needed only across languages)."""

    features: Features
    keys: Mapping[str, float]
    weight: float
    bridge_weight: float


def weighted(features: Features, rarity: Rarity | None) -> Weighted:
    """``features``' keys scaled by ``rarity`` (None: every key at full weight)."""
    scaled = rarity.keys() & features.keys.keys() if rarity else ()
    if not scaled:  # every key rare: the weights as they are (most candidates)
        return Weighted(features, features.keys, features.weight, features.bridge_weight)
    assert rarity is not None
    keys = dict(features.keys)  # in the same order, so that the sums add up the same way
    for key in scaled:
        keys[key] *= rarity[key]
    bridge_weight = sum(map(keys.__getitem__, features.bridge))
    return Weighted(features, keys, sum(keys.values()), bridge_weight)


def local_weight(text: Weighted) -> float:
    """The rarity-scaled weight of ``text``'s keys only comparable within one language."""
    if text.keys is text.features.keys:
        return text.features.local_weight
    return math.fsum(map(text.keys.__getitem__, text.features.local))  # a set: order-free


def weight_in_common(a: Mapping[str, float], b: Mapping[str, float], shared: set[str]) -> float:
    """The sum over ``shared`` of the smaller of each key's weights in ``a`` and ``b``
    (``shared`` is iterated twice, in one order). ``math.fsum``: exact, so the result
    does not depend on a set's iteration order, which changes with the hash seed."""
    return math.fsum(map(min, map(a.__getitem__, shared), map(b.__getitem__, shared)))
