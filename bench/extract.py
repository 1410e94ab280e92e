"""CPU per article of the figure reader (``figures.extract``) against a floor, in one run.

    .venv/bin/python bench/extract.py [--ecb PATH] [--docs 300] [--rounds 3]

Two sets of texts, each read as the pipeline reads an item (``pipeline.article_text``):

- ECB+ articles (English news, ~2 KB each; the first ``--docs`` of the development set,
  ``../shared/testdata/ecbplus/ecbplus_docs_dev.jsonl`` from the project's root when
  present, else the set is left out);
- the on-topic items of the demo feeds in ``monitor/samples`` (German and English; the
  built-in topic rules pick them, as the pipeline would).

For each set it prints the CPU milliseconds per article of ``figures.extract`` and of a
floor that only finds the numbers (one compiled number regex over the same text), the
ratio of the two, the CPU per KB, and how many numbers and claims the reader found. CPU
time (``time.process_time``), best of ``--rounds`` rounds, so that other processes on a
shared machine stretch neither figure; the ratio is measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from monitor import figures, topics
from monitor.config.sections import builtin_topics
from monitor.feeds.parse import parse_feed
from monitor.pipeline import article_text

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "testdata" / "ecbplus" / "ecbplus_docs_dev.jsonl"
SAMPLES = ROOT / "monitor" / "samples"
SAMPLE_LANGS = {"rheinblick.xml": "de"}  # the others are English (samples/feeds.yaml)

# The floor: a number in digits ("6.000", "1,5", "2024"), found in one compiled pass; the
# lookahead lets the engine skip to the next digit (see the performance notes).
NUMBER = re.compile(r"(?=\d)\d+(?:[.,]\d+)*")

Texts = list[tuple[str, str | None]]  # (text, lang)


def ecb_texts(path: Path, docs: int) -> Texts:
    """The first ``docs`` ECB+ development articles, in English."""
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line, _ in zip(lines, range(docs), strict=False)]
    return [(row["text"], "en") for row in rows]


def sample_texts() -> Texts:
    """The on-topic items of the demo feeds, as the pipeline reads them."""
    rules = builtin_topics().rules
    fetched = datetime(2025, 7, 1, tzinfo=UTC)
    out: Texts = []
    for path in sorted(SAMPLES.glob("*.xml")):
        lang = SAMPLE_LANGS.get(path.name, "en")
        items = parse_feed(
            path.read_bytes(), source=path.stem, feed_url=None, fetched_at=fetched, lang=lang
        )
        out += [(article_text(i), i.lang) for i in items if topics.classify(i, rules).topic]
    return out


def cpu_per_text(work: Callable[[str, str | None], object], texts: Texts, rounds: int) -> float:
    """CPU seconds per text, best of ``rounds`` passes over ``texts``. Each pass reads
    every text anew, shifted by a few spaces: what the reader keeps of one text (its
    sentence breaks, say) serves no later pass, as in a stream of new articles."""
    best = float("inf")
    repeat = max(1, 200 // len(texts))  # short sets are timed over several passes
    shift = 0
    for _ in range(rounds):
        passes = []
        for _ in range(repeat):
            shift += 1
            passes.append([(" " * shift + text, lang) for text, lang in texts])
        began = time.process_time()
        for shifted in passes:
            for text, lang in shifted:
                work(text, lang)
        best = min(best, (time.process_time() - began) / (repeat * len(texts)))
    return best


def floor(text: str, lang: str | None) -> object:
    return NUMBER.findall(text)


def reader(text: str, lang: str | None) -> object:
    return figures.extract(text, lang)


def report(name: str, texts: Texts, rounds: int) -> None:
    size = sum(len(text.encode("utf-8")) for text, _ in texts) / len(texts)
    numbers = sum(len(figures.extract(t, lang, all_numbers=True)) for t, lang in texts)
    claims = sum(len(figures.extract(t, lang)) for t, lang in texts)
    floor_s = cpu_per_text(floor, texts, rounds)
    read_s = cpu_per_text(reader, texts, rounds)
    print(
        f"{name}: {len(texts)} articles, {size / 1024:.1f} KB each, {numbers} numbers, "
        f"{claims} claims\n"
        f"  figures.extract  {read_s * 1000:7.3f} ms/article  {read_s * 1000 / size * 1024:7.3f}"
        f" ms/KB\n"
        f"  floor (regex)    {floor_s * 1000:7.3f} ms/article  {floor_s * 1000 / size * 1024:7.3f}"
        f" ms/KB\n"
        f"  ratio            {read_s / floor_s:7.0f}x"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ecb", type=Path, default=ECB, help="ECB+ documents (JSON lines)")
    parser.add_argument("--docs", type=int, default=300, help="ECB+ articles read")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best counts")
    args = parser.parse_args(argv)
    figures.extract("warm up: 1.000 Soldaten", "de")
    if args.ecb.exists():
        report("ECB+ (en)", ecb_texts(args.ecb, args.docs), args.rounds)
    else:
        print(f"ECB+ left out: {args.ecb.name} not found (--ecb PATH)")
    report("samples, on topic (de/en)", sample_texts(), args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
