"""Issue 17, one writer discipline: two processes writing one state decide each item
against what the other has committed, so an alert never depends on who wrote first.

A poll (`monitor poll --once` of a local feed, with many off-topic items around the one
on topic) and an `ingest` of a contradicting article start at the same moment, ten
times over, each time on a fresh state: every try ends with exactly one alert.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from feedserver import running_server

TRIES = 10
FILLER = 100  # off-topic items in the feed: the poll's batch takes a while


def feed() -> bytes:
    filler = "".join(
        f"<item><guid>w{n}</guid><title>Weather in port {n}</title>"
        f"<description>Rain and {n} millimetres expected.</description></item>"
        for n in range(FILLER)
    )
    claim = (
        "<item><guid>nk</guid><title>North Korea sends troops to Russia</title>"
        "<description>North Korea has sent 10,000 troops to Russia's Kursk region,"
        " South Korea's intelligence service said.</description></item>"
    )
    return (
        f"<rss version='2.0'><channel><title>Wire</title>{claim}{filler}</channel></rss>".encode()
    )


def test_a_concurrent_ingest_and_poll_always_keep_the_alert(tmp_path: Path) -> None:
    article = tmp_path / "kyiv-ledger.txt"
    article.write_text(
        "North Korean troops in Kursk\n\n"
        "North Korea has sent 20,000 troops to Russia's Kursk region, Ukraine's"
        " military intelligence said.\n"
    )
    alerts_per_try = []
    with running_server() as server:
        url = server.route("/wire.xml", feed())
        for attempt in range(TRIES):
            state = tmp_path / f"state{attempt}"
            config = tmp_path / f"feeds{attempt}.yaml"
            config.write_text(f"feeds:\n  - {{url: '{url}', name: Wire}}\n")
            base = [sys.executable, "-m", "monitor", "--config", str(config), "--state", str(state)]
            env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
            poll = subprocess.Popen([*base, "poll", "--once"], env=env, stderr=subprocess.PIPE)
            ingest = subprocess.Popen(
                [*base, "ingest", "--no-deliver", str(article)], env=env, stderr=subprocess.PIPE
            )
            _, poll_err = poll.communicate(timeout=120)
            _, ingest_err = ingest.communicate(timeout=120)
            assert poll.returncode == 0, poll_err.decode()
            assert ingest.returncode == 0, ingest_err.decode()
            assert b"locked" not in poll_err + ingest_err
            with sqlite3.connect(state / "monitor.db") as db:
                alerts_per_try.append(db.execute("SELECT count(*) FROM alerts").fetchone()[0])
            db.close()
    assert alerts_per_try == [1] * TRIES
