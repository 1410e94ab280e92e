"""Issue 16, item 4: in a poll, each on-topic text is embedded once, in batches, with no
write lock held, and an item seen before is never embedded again. Full batches of items
read ahead are embedded in a thread while the cycle still fetches (``monitor.sorting``;
the batch is made small here so that some are); the rest at the end of the cycle.

A real poll (`poll_once`) of the sample feeds from a local HTTP server, with the real
multilingual encoder; the encoder is wrapped only to count what it is given and to try
the store's write lock from another connection while it works. Skips without the extra.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import FeedServer, running_server

import monitor.pipeline
import monitor.poller
import monitor.sorting
from monitor.config import Config, from_feeds
from monitor.pipeline import Pipeline
from monitor.poller import poll_once
from monitor.store import DB_FILENAME, Store
from monitor.stories.embedding import Encoder, load_encoder
from monitor.types import FeedSpec

SAMPLES = Path(__file__).resolve().parents[1] / "monitor" / "samples"
FEEDS = ("north-wire.xml", "rheinblick.xml", "daily-courier.xml")


def samples(server: FeedServer, *more: str) -> Config:
    """The sample feeds served by ``server``, and ``more`` URLs after them."""
    urls = [server.route(f"/{name}", (SAMPLES / name).read_bytes()) for name in FEEDS]
    return from_feeds([FeedSpec(url=url, name=f"feed {n}") for n, url in enumerate([*urls, *more])])


class Watched:
    """The real encoder, noting each call's texts and whether the write lock was free."""

    def __init__(self, encoder: Encoder, database: Path) -> None:
        self._encoder = encoder
        self._database = database
        self.model = encoder.model
        self.calls: list[list[str]] = []
        self.lock_free: list[bool] = []  # for the calls at the end of the cycle
        self.while_fetching = 0  # calls from the read-ahead's thread

    def encode(self, texts: Sequence[str]) -> list[bytes]:
        self.calls.append(list(texts))
        if threading.current_thread() is not threading.main_thread():
            self.while_fetching += 1  # beside the loop, which settles feeds meanwhile
            return self._encoder.encode(texts)
        other = sqlite3.connect(self._database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once while another writer holds it
            other.execute("ROLLBACK")
            self.lock_free.append(True)
        except sqlite3.OperationalError:
            self.lock_free.append(False)
        finally:
            other.close()
        return self._encoder.encode(texts)


def watching(
    kind: type[Watched], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Encoder, Path, Watched]:
    """(the real encoder, a state directory, ``kind`` watching it in the pipeline), with
    batches of 2 embedded ahead and feeds settled as they arrive; skips without the extra."""
    real = load_encoder()
    if real is None:
        pytest.skip("the multilingual extra is not installed")
    state = tmp_path / "state"
    watched = kind(real, state / DB_FILENAME)
    monkeypatch.setattr(monitor.pipeline, "load_encoder", lambda: watched)
    monkeypatch.setattr(monitor.sorting, "EMBED_BATCH", 2)
    monkeypatch.setattr(monitor.poller, "BATCH_SECONDS", 0.01)
    return real, state, watched


def test_each_on_topic_text_is_embedded_once_outside_any_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, state, watched = watching(Watched, tmp_path, monkeypatch)
    with running_server() as server:
        # The same feed under a second URL, slow: its items arrive twice in one cycle, the
        # second time after the others' are read ahead and embedded.
        again = (SAMPLES / FEEDS[0]).read_bytes()
        config = samples(server, server.route("/again.xml", again, delay=1.5))
        with Store.open(state) as store:
            pipeline = Pipeline(store, config)
            first = poll_once(pipeline)
            assert first.kept >= 4  # the samples are on topic
            texts = [text for call in watched.calls for text in call]
            assert texts and len(texts) == len(set(texts))  # nothing embedded twice
            assert all(watched.lock_free)
            assert watched.while_fetching >= 1
            stored = store.story_vectors(model=real.model, since=datetime(2000, 1, 1, tzinfo=UTC))
            assert len(stored) == first.kept - first.duplicates

            calls = len(watched.calls)
            poll_once(pipeline, force=True)  # the same items again: nothing new to embed
            assert len(watched.calls) == calls


class StoppedWhileEmbedding(Watched):
    """The first batch embedded while fetching sends this process a Ctrl-C (SIGINT), and
    takes half a second more: the cycle is stopped with that batch under way."""

    def encode(self, texts: Sequence[str]) -> list[bytes]:
        if threading.current_thread() is not threading.main_thread() and not self.calls:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)
        return super().encode(texts)


def test_a_cycle_stopped_while_embedding_keeps_the_batch_under_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C mid-cycle keeps what arrived (as ever); the batch the thread was embedding
    is kept too, not embedded again beside it at the end of the cycle."""
    real, state, watched = watching(StoppedWhileEmbedding, tmp_path, monkeypatch)
    with running_server() as server:
        config = samples(server, server.route("/slow.xml", b"<rss/>", delay=30))  # awaited
        with Store.open(state) as store:
            with pytest.raises(KeyboardInterrupt):
                poll_once(Pipeline(store, config))
            texts = [text for call in watched.calls for text in call]
            assert watched.while_fetching >= 1 and len(texts) > 2
            assert len(texts) == len(set(texts))  # the stopped batch was not embedded twice
            kept = store.story_vectors(model=real.model, since=datetime(2000, 1, 1, tzinfo=UTC))
            assert len(kept) >= 4  # what arrived was kept, with its vectors


class Failing(Watched):
    """An encoder whose every call fails (a damaged model file, a library bug)."""

    def encode(self, texts: Sequence[str]) -> list[bytes]:
        self.calls.append(list(texts))
        raise RuntimeError("the model cannot be run")


def test_a_failing_encoder_loses_no_item_and_no_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each item on topic is kept as skipped with why (read again by the next process,
    as any item whose analysis failed), every feed is recorded, the cycle ends."""
    real, state, failing = watching(Failing, tmp_path, monkeypatch)
    with running_server() as server:
        config = samples(server)
        with Store.open(state) as store:
            totals = poll_once(Pipeline(store, config))
    with sqlite3.connect(state / DB_FILENAME) as db:
        reasons = [row[0] for row in db.execute("SELECT topic_reason FROM items")]
        recorded = [row[0] for row in db.execute("SELECT last_attempt FROM feeds")]
    failed = [reason for reason in reasons if "the model cannot be run" in reason]
    assert failing.calls and totals.kept == 0
    assert len(reasons) == totals.items and len(failed) >= 4  # the samples' items on topic
    assert len(totals.errors) == len(failed)  # one line each, the cycle went on
    assert len(recorded) == len(FEEDS) and None not in recorded  # every feed rescheduled
