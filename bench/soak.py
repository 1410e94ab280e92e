"""Soak: `monitor run` killed with SIGKILL at random moments while feeds keep changing
and alerts keep going out; what was stored, alerted and delivered, and how often twice.

    .venv/bin/python bench/soak.py                 # 20 kills
    .venv/bin/python bench/soak.py --kills 50 --seed 7

The daemon polls file:// feeds (local files this script rewrites every 0.5 s, each new
report of North Korean troops in Kursk giving another number, so alerts keep coming) and
delivers to a real SMTP server (aiosmtpd) and a local Slack webhook, both in this
process, which note each message and when it arrived. Each round starts the daemon,
lets it run 2-20 s (every other round a `monitor ingest` of a contradicting article
runs beside it), and kills it with SIGKILL; after the last kill the feeds stop changing
and a last daemon runs until the outbox is empty, then gets SIGTERM. ``--prefill N``
first stores N items of years past (as bench/startup.py does).

Printed: items, stories and alerts stored; deliveries by status; messages received per
channel and how many of them were duplicates (the same alert received twice); alerts
never delivered; "database is locked" lines in the daemon's log; and the duplicate
window: the time from a channel accepting a message to the daemon logging it marked
(median and largest over every message), which is what a kill must land in to cause a
duplicate. The floor here is the round count: a lost alert or a locked database in any
round is a failure, whatever the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

FEEDS = 4
PLACES = ("Seoul", "Kyiv", "Moscow", "Washington", "Tokyo", "Brussels", "Pyongyang")
COUNTED = ("troops", "workers", "deminers", "military builders")
SOURCES = ("intelligence officials", "a defence ministry", "satellite images", "lawmakers")
KEEP_ITEMS = 20  # a feed file holds its newest reports, like a real feed
# A round's life: deliveries go out every 10 s, so kills land before, during and after.
ROUND_SECONDS = (2.0, 20.0)
GROW_SECONDS = 0.5  # a new report in one of the feeds this often
DRAIN_SECONDS = 120  # the last daemon's time to empty the outbox
DELIVER_EVERY = 11  # seconds: a little more than the daemon's delivery interval
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO (\S+): .*\((<[^>]+>)\)$")


class Received:
    """What the peers got: per channel, (key, arrival time) of each message."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.email: list[tuple[str, float]] = []
        self.slack: list[tuple[str, float]] = []


class Smtp:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content or envelope.content)
        with self.received.lock:
            self.received.email.append((str(message["Message-ID"]), time.time()))
        return "250 OK"


def webhook(received: Received) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            text = json.dumps(json.loads(body), sort_keys=True)
            with received.lock:
                received.slack.append((text, time.time()))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Feeds:
    """FEEDS feed files, one outlet each, a new report added every call to ``grow``."""

    def __init__(self, folder: Path, rng: random.Random) -> None:
        self.folder = folder
        self.rng = rng
        self.items: list[list[str]] = [[] for _ in range(FEEDS)]
        self.count = 0
        self.start = datetime(2025, 3, 1, tzinfo=UTC)
        for feed in range(FEEDS):
            self._write(feed)

    def path(self, feed: int) -> Path:
        return self.folder / f"outlet{feed}.xml"

    def grow(self) -> None:
        feed = self.rng.randrange(FEEDS)
        self.count += 1
        troops = self.rng.choice([8, 10, 11, 12, 15, 18, 20, 25, 30]) * 1000
        what = self.rng.choice(COUNTED)
        when = (self.start + timedelta(minutes=self.count)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        place = self.rng.choice(PLACES)
        self.items[feed].append(
            f"<item><guid>r{self.count}</guid><title>{place}: {troops:,} North Korean {what}"
            f" ({self.count})</title><pubDate>{when}</pubDate><description>North Korea has"
            f" sent {troops:,} {what} to Russia's Kursk region, outlet {feed} reports from"
            f" {place}, citing {self.rng.choice(SOURCES)} ({self.count}).</description></item>"
        )
        self.items[feed] = self.items[feed][-KEEP_ITEMS:]
        self._write(feed)

    def _write(self, feed: int) -> None:
        body = "".join(reversed(self.items[feed]))
        text = f"<rss version='2.0'><channel><title>Outlet {feed}</title>{body}</channel></rss>"
        temporary = self.path(feed).with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(self.path(feed))  # a poll never reads half a file


@contextlib.contextmanager
def growing(feeds: Feeds) -> Iterator[None]:
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(GROW_SECONDS):
            feeds.grow()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def config(folder: Path, feeds: Feeds, smtp_port: int) -> Path:
    lines = ["poll: {interval: 1, min_interval: 1, jitter: 0}", "feeds:"]
    lines += [f"  - {{url: '{feeds.path(n).as_uri()}', name: outlet{n}}}" for n in range(FEEDS)]
    lines += [
        "alerts:",
        # No rate limit: every alert is to be delivered within the run.
        f"  email: {{host: 127.0.0.1, port: {smtp_port}, tls: none, from: m@example.org,"
        " to: [desk@example.org], timeout: 5, rate_limit: 100000}",
        "  slack: {webhook_url_env: SOAK_HOOK, rate_limit: 100000}",
    ]
    path = folder / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def prefilled(state: Path, items: int) -> None:
    """A store of ``items`` items, as bench/startup.py writes them (stories, figures and
    alerts of years past), for locks on a store of some size."""
    sys.path.insert(0, str(Path(__file__).parent))
    from startup import prefill

    from monitor.store import Store

    with Store.open(state) as store:
        prefill(store, items)


def pending(state: Path) -> int:
    return _count(state, "SELECT count(*) FROM outbox WHERE status IN ('pending', 'failed')")


def _count(state: Path, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{state / 'monitor.db'}?mode=ro", uri=True) as db:
            found = db.execute(sql).fetchone()[0]
        db.close()
        return int(found)
    except sqlite3.Error:
        return -1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--prefill", type=int, default=0, help="items stored before (10000)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    received = Received()
    folder = Path(tempfile.mkdtemp(prefix="monitor-soak-"))
    state, log = folder / "state", folder / "daemon.log"
    smtp = Controller(Smtp(received), hostname="127.0.0.1", port=free_port())
    smtp.start()
    hook = webhook(received)
    feeds = Feeds(folder, rng)
    path = config(folder, feeds, smtp.port)
    env = {**os.environ, "SOAK_HOOK": f"http://127.0.0.1:{hook.server_port}/hook"}
    command = [sys.executable, "-m", "monitor", "--config", str(path), "--state", str(state)]
    if args.prefill:
        prefilled(state, args.prefill)
    began = time.monotonic()
    with log.open("ab") as sink:
        with growing(feeds):
            for round_ in range(args.kills):
                daemon = subprocess.Popen([*command, "run"], env=env, stderr=sink)
                life = rng.uniform(*ROUND_SECONDS)
                if round_ % 2:  # a second writer beside the daemon: `monitor ingest`
                    time.sleep(life / 2)
                    article = folder / f"desk{round_}.txt"
                    troops = rng.choice([9, 13, 16, 22]) * 1000
                    article.write_text(
                        f"Desk report {round_}\n\nNorth Korea has sent {troops:,} troops to"
                        f" Russia's Kursk region, the desk learned in round {round_}.\n"
                    )
                    ingest = [*command, "ingest", "--no-deliver", str(article)]
                    subprocess.run(ingest, env=env, stderr=sink, check=False)
                    life /= 2
                time.sleep(life)
                daemon.send_signal(signal.SIGKILL)
                daemon.wait()
        daemon = subprocess.Popen([*command, "run"], env=env, stderr=sink)
        deadline = time.monotonic() + DRAIN_SECONDS
        settled = 0
        while settled < 5 and time.monotonic() < deadline:  # polled, and the outbox empty
            time.sleep(1)
            settled = settled + 1 if pending(state) == 0 else 0
        time.sleep(DELIVER_EVERY)  # a last pass: nothing more must arrive
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
    smtp.stop()
    hook.shutdown()
    report(state, log, received, args.kills, time.monotonic() - began, feeds.count)
    return 0


def report(state: Path, log: Path, received: Received, kills: int, spent: float, made: int) -> None:
    with sqlite3.connect(state / "monitor.db") as db:
        items = db.execute("SELECT count(*) FROM items").fetchone()[0]
        stories = db.execute("SELECT count(*) FROM stories").fetchone()[0]
        alerts = db.execute("SELECT count(*) FROM alerts").fetchone()[0]
        statuses = dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status"))
        undelivered = db.execute(
            "SELECT count(*) FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM outbox o"
            " WHERE o.alert_id = a.id AND o.status IN ('delivered', 'filtered', 'withdrawn'))"
        ).fetchone()[0]
    db.close()
    text = log.read_text(encoding="utf-8", errors="replace")
    locked = text.count("database is locked")
    marked: dict[str, float] = {}
    for line in text.splitlines():
        found = LOG_LINE.match(line)
        if found:
            at = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f").astimezone()
            marked.setdefault(found.group(3), at.timestamp())
    arrived = {key: at for key, at in received.email}
    windows = [1000 * (marked[key] - at) for key, at in arrived.items() if key in marked]
    print(f"{kills} kills in {spent:.0f} s; {made} reports written to {FEEDS} feeds")
    print(f"stored: {items} items, {stories} stories, {alerts} alerts")
    print("deliveries: " + ", ".join(f"{n} {status}" for status, n in sorted(statuses.items())))
    for channel, got in (("email", received.email), ("slack", received.slack)):
        keys = [key for key, _ in got]
        print(f"{channel}: {len(keys)} messages, {len(keys) - len(set(keys))} duplicates")
    print(f"alerts never delivered: {undelivered}; 'database is locked' in the log: {locked}")
    if windows:
        print(
            f"duplicate window (accepted -> logged as marked, email, {len(windows)} messages):"
            f" median {statistics.median(windows):.0f} ms, largest {max(windows):.0f} ms"
        )
    print(f"state and log kept in {state.parent}")


if __name__ == "__main__":
    sys.exit(main())
