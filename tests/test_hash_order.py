"""Story keys and the weights compared must not depend on Python's hash seed: a set's
iteration order changes with it, and a key order or a float sum taken in that order would
make one machine's story decisions differ from another's (or from a restart's)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "bench" / "data"

# Reads every labelled text of bench/data, prints each one's keys in order with weights,
# and a rarity-scaled shared weight between neighbours (a sum over a set of keys).
SCRIPT = """
import json, sys
from pathlib import Path
from monitor.stories.keys import features
from monitor.stories.weights import local_weight, weight_in_common, weighted
texts = []
for path in sorted(Path(sys.argv[1]).rglob("*.jsonl")):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc = json.loads(line)
            texts.append((doc.get("title") or "", doc["text"], doc.get("lang")))
previous = None
for title, text, lang in texts:
    found = features(title, text, lang)
    print(list(found.keys.items()), found.places, sorted(found.local))
    if previous is not None:
        rarity = {key: 0.1 + (len(key) % 7) / 10 for key in found.keys}
        a, b = weighted(found, rarity), weighted(previous, rarity)
        shared = found.keys.keys() & previous.keys.keys()
        print(repr(weight_in_common(a.keys, b.keys, shared)), repr(local_weight(a)))
        print(repr(found.local_weight))
    previous = found
"""


def _run(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(DATA)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_story_keys_and_sums_do_not_depend_on_the_hash_seed() -> None:
    first = _run("1")
    assert first.count("\n") > 500  # every labelled text was read
    for seed in ("2", "77"):
        assert _run(seed) == first
