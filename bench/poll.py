"""Benchmark: one poll cycle over N feeds from a local server, against two floors.

    .venv/bin/python bench/poll.py                        # 1,000 feeds, 3 runs
    .venv/bin/python bench/poll.py --feeds 10000 --repeat 1 --sides keys   # 10,000 feeds

A keep-alive HTTP/1.1 server (asyncio, in its own process, TCP_NODELAY on every
connection so no response waits on Nagle's algorithm) serves N RSS feeds of
``ITEMS_PER_FEED`` items with HTML descriptions, 1 slot in ``ON_TOPIC_EVERY`` carrying
one of the labelled story articles of ``bench/data/stories`` (several languages,
reprints among them), spread over ``HOSTS`` loopback addresses (127.0.0.1 to
127.0.0.25: distinct hosts to every per-host limit), each feed with an ETag. Every side
does the same HTTP work (same URLs, same global and per-host limits, same request
headers, every body read in full), each in a fresh process so that its peak memory is
its own:

  * ``monitor``: a whole ``poll_once`` cycle (fetch, parse, store every item, process
    those on topic, reschedule every feed) into a fresh database, fetch workers
    included when monitor starts them; ``keys``: the same without the multilingual
    encoder (``Pipeline(multilingual=False)``), as without the extra;
  * ``lxml`` floor: bare httpx (a small pool per host) and lxml reading each item's
    title, link, guid, date (parsed) and description text (lxml's HTML parser);
  * ``feedparser`` floor: bare httpx and ``feedparser.parse`` reading the same fields.

For each side: the cycle with full responses (200) and the one with conditional requests
(304), wall time and CPU time (the process and its workers), and peak memory (the
largest sum of resident memory over the process and its workers, sampled every 20 ms).
For monitor also the CPU time spent in the pipeline's analysis and storing of items
("pipeline s": ``Pipeline.triage``, ``process``, ``embed_ahead``), and the rest of its
CPU over the lxml floor's. Runs are interleaved (the floors, then monitor, again), and
each ratio is over a floor measured in the same run. The server shares the machine's
cores with the side measured: fetch workers gain less here than against remote hosts.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import math
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from lxml import etree

HOSTS = 25  # loopback addresses 127.0.0.1 .. 127.0.0.25, one "host" each
CONCURRENCY = 50  # global fetches in flight, for monitor and the floors alike
PER_HOST = 2
ITEMS_PER_FEED = 20
ON_TOPIC_EVERY = 50  # one item in this many is about the default topic
SIZE = 1000
REPEAT = 3
SIDES = ("lxml", "feedparser", "monitor", "keys")
WORKERS_VARIABLE = "BENCH_POLL_FETCH_WORKERS"
# Where the pipeline analyses and stores items: timed apart, as "pipeline s".
PIPELINE_METHODS = ("triage", "read", "embed_ahead", "process", "process_batch", "process_many")

# --------------------------------------------------------------------------- the feeds

_OFF_TOPIC = (
    "&lt;p&gt;Traders in port {n} said prices for wheat and barley held steady this week"
    " after a calm session, with &lt;b&gt;{k} cargoes&lt;/b&gt; leaving on time and"
    " freight rates unchanged from the week before.&lt;/p&gt;&lt;p&gt;Analysts expect"
    " demand from millers to pick up before the harvest, while storage costs stay high;"
    ' &lt;a href="https://news.example/{n}/{k}/more"&gt;read more&lt;/a&gt;&lt;/p&gt;'
)
# The slots on topic carry the labelled articles of bench/stories.py (en, de, ru, ko;
# several stories, reprints among them), each article in several feeds, as wire copy is.
STORIES = Path(__file__).resolve().parent / "data" / "stories"


@functools.cache
def articles() -> list[tuple[str, str]]:
    """(title, text) of every labelled story article, in a fixed order."""
    found = []
    for path in sorted(STORIES.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                found.append((record["title"], record["text"]))
    return found


def feed_body(n: int) -> bytes:
    items = []
    for k in range(ITEMS_PER_FEED):
        serial = n * ITEMS_PER_FEED + k
        if serial % ON_TOPIC_EVERY == 0:
            title, text = articles()[(serial // ON_TOPIC_EVERY) % len(articles())]
            title = escape(title)
            description = escape(f"<p>{escape(text)}</p>")
        else:
            title = f"Market report {n}-{k}: grain prices steady as cargo {k} sails"
            description = _OFF_TOPIC.format(n=n, k=k)
        items.append(
            f"<item><title>{title}</title><link>https://news.example/{n}/{k}</link>"
            f'<guid isPermaLink="false">feed{n}-item{k}</guid>'
            f"<pubDate>Wed, 18 Jun 2025 {k % 24:02d}:{n % 60:02d}:00 GMT</pubDate>"
            f"<description>{description}</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Feed {n}</title><link>https://news.example/{n}</link>"
        f"<description>News of port {n}</description>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


# --------------------------------------------------------------------------- the server


async def serve(ports_out: Path) -> None:
    responses: dict[str, bytes] = {}

    def response(n: str) -> bytes:
        cached = responses.get(n)
        if cached is None:
            body = feed_body(int(n))
            cached = responses[n] = (
                f'HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: "v{n}"\r\n'
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
        return cached

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode("latin-1")
                n = path.rsplit("/", 1)[-1].removesuffix(".xml")
                if f'if-none-match: "v{n}"'.encode() in head.lower():
                    writer.write(
                        f'HTTP/1.1 304 Not Modified\r\nETag: "v{n}"\r\n'
                        "Content-Length: 0\r\n\r\n".encode()
                    )
                else:
                    writer.write(response(n))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    servers = [
        await asyncio.start_server(handle, f"127.0.0.{h}", 0, backlog=1024)
        for h in range(1, HOSTS + 1)
    ]
    hosts = [":".join(map(str, s.sockets[0].getsockname()[:2])) for s in servers]
    ports_out.write_text(json.dumps(hosts))
    await asyncio.Event().wait()


def urls(hosts: list[str], feeds: int) -> list[str]:
    return [f"http://{hosts[n % len(hosts)]}/feeds/{n}.xml" for n in range(feeds)]


# --------------------------------------------------------------------------- the floors


_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_HTML = etree.HTMLParser(no_network=True)


def read_lxml(body: bytes) -> list[tuple[Any, ...]]:
    """Each item's title, link, guid, date and description text, with lxml (its HTML
    parser for the description: the fastest way lxml offers, ~4x lxml.html's
    ``fragment_fromstring(...).text_content()``)."""
    from email.utils import parsedate_to_datetime

    from lxml import etree

    root = etree.fromstring(body, _XML)
    items = []
    for item in root.iter("item"):
        date = item.findtext("pubDate")
        description = item.findtext("description")
        text = (
            etree.tostring(etree.fromstring(description, _HTML), method="text", encoding=str)
            if description
            else ""
        )
        items.append(
            (
                item.findtext("title"),
                item.findtext("link"),
                item.findtext("guid"),
                parsedate_to_datetime(date) if date else None,
                " ".join(text.split()),
            )
        )
    return items


def read_feedparser(body: bytes) -> list[tuple[Any, ...]]:
    """The same fields with feedparser (its defaults, as a plain reader would use it)."""
    import feedparser

    parsed = feedparser.parse(body)
    return [
        (e.get("title"), e.get("link"), e.get("id"), e.get("published_parsed"), e.get("summary"))
        for e in parsed.entries
    ]


async def floor(targets: list[str], conditional: bool, read: Callable[[bytes], list]) -> int:
    """The same requests as monitor's, with bare httpx and ``read`` on each body.

    Same URLs, same global and per-host limits, same request headers and timeout, every
    body read in full; one small pool per host (with the TLS store loaded once), so no
    connection is ever closed to make room for another host's.
    """
    import httpx

    from monitor.feeds.fetch import ACCEPT, USER_AGENT, tls_context

    total = asyncio.Semaphore(CONCURRENCY)
    hosts = {urlsplit(url).netloc for url in targets}
    per_host = {host: asyncio.Semaphore(PER_HOST) for host in hosts}
    limits = httpx.Limits(max_connections=PER_HOST, max_keepalive_connections=PER_HOST)
    clients = {
        host: httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip"},
            timeout=30,
            limits=limits,
            verify=tls_context(),
        )
        for host in hosts
    }
    count = 0

    async def get(url: str) -> None:
        nonlocal count
        host = urlsplit(url).netloc
        n = url.rsplit("/", 1)[-1].removesuffix(".xml")
        headers = {"If-None-Match": f'"v{n}"'} if conditional else {}
        async with per_host[host], total:
            response = await clients[host].get(url, headers=headers)
        assert response.status_code in (200, 304), response.status_code
        if response.status_code == 200:
            count += len(read(response.content))

    try:
        await asyncio.gather(*(get(url) for url in targets))
    finally:
        for client in clients.values():
            await client.aclose()
    return count


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run: Callable[[], object]) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = run()
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def run_floor(targets: list[str], read: Callable[[bytes], list]) -> dict[str, float]:
    count, full, full_cpu = timed(lambda: asyncio.run(floor(targets, False, read)))
    assert count == len(targets) * ITEMS_PER_FEED, count
    _, not_modified, cpu_304 = timed(lambda: asyncio.run(floor(targets, True, read)))
    return {"full": full, "full_cpu": full_cpu, "304": not_modified, "304_cpu": cpu_304}


def run_monitor(targets: list[str], *, multilingual: bool = True) -> dict[str, float]:
    from monitor import poller
    from monitor.config import PollConfig, from_feeds
    from monitor.pipeline import Pipeline
    from monitor.poller import poll_once

    workers = os.environ.get(WORKERS_VARIABLE)
    if workers is not None:  # --fetch-workers: this many from the start of every cycle
        count = int(workers)

        def reply(trigger: Any, body: bool) -> bool:
            first, trigger.decided = not trigger.decided, True
            return first and count > 0

        poller.fetch_workers = lambda: count  # type: ignore[assignment]
        poller._WorkerTrigger.reply = reply  # type: ignore[method-assign]
    from monitor.store import Store
    from monitor.types import FeedSpec

    pipeline_cpu = _time_pipeline(Pipeline)
    config = from_feeds([FeedSpec(url=url, name=f"feed {n}") for n, url in enumerate(targets)])
    config = replace(config, poll=replace(PollConfig(), concurrency=CONCURRENCY, per_host=PER_HOST))
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp)) as store:
        pipeline = Pipeline(store, config, channels=(), multilingual=multilingual)
        first, full, full_cpu = timed(lambda: poll_once(pipeline))
        full_pipeline, pipeline_cpu[0] = pipeline_cpu[0], 0.0
        second, not_modified, cpu_304 = timed(lambda: poll_once(pipeline))
    expected = len(targets) * ITEMS_PER_FEED
    assert first.items == expected and not first.errors, first.summary()  # type: ignore[attr-defined]
    assert second.items == 0 and not second.errors, second.summary()  # type: ignore[attr-defined]
    return {
        "full": full,
        "full_cpu": full_cpu,
        "304": not_modified,
        "304_cpu": cpu_304,
        "on_topic": first.kept,  # type: ignore[attr-defined]
        "full_pipeline": full_pipeline,
        "304_pipeline": pipeline_cpu[0],
    }


def _time_pipeline(pipeline_class: Any) -> list[float]:
    """Count the CPU time of this thread inside the pipeline's analysis and storing of
    items (not this change's subject: ``monitor.pipeline``), outermost calls only."""
    spent, depth = [0.0], [0]

    def timing(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if depth[0]:
                return method(*args, **kwargs)
            depth[0] += 1
            started = time.thread_time()
            try:
                return method(*args, **kwargs)
            finally:
                spent[0] += time.thread_time() - started
                depth[0] -= 1

        return wrapper

    for name in PIPELINE_METHODS:
        if hasattr(pipeline_class, name):
            setattr(pipeline_class, name, timing(getattr(pipeline_class, name)))
    return spent


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc), in KiB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(status.split("VmRSS:", 1)[1].split()[0]) if "VmRSS:" in status else 0
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text()
                stack.extend(int(child) for child in children.split())
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return total


class PeakMemory:
    """The largest sum of RSS over this process and its workers, sampled every 20 ms."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(os.getpid()))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def child(kind: str, hosts_file: Path, feeds: int) -> None:
    targets = urls(json.loads(hosts_file.read_text()), feeds)
    with PeakMemory() as memory:
        if kind in ("monitor", "keys"):
            result = run_monitor(targets, multilingual=kind == "monitor")
        else:
            result = run_floor(targets, read_lxml if kind == "lxml" else read_feedparser)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Sampled: the sum over the process and its fetch workers, which may peak together.
    result["peak_mb"] = max(own, memory.peak_kb) / 1024
    print(json.dumps(result))


def measure(kind: str, hosts_file: Path, feeds: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", kind, "--hosts", str(hosts_file)]
    out = subprocess.run(
        [*command, "--feeds", str(feeds)], stdout=subprocess.PIPE, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def report(runs: list[dict[str, dict[str, float]]]) -> None:
    """Each run: every side's wall and CPU seconds, and monitor's ratios to the floors of
    that same run ("keys": monitor without the multilingual encoder)."""
    print(
        f"{'run':>3} {'cycle':>5} {'side':>10} {'wall s':>7} {'cpu s':>6}"
        f" {'/lxml':>6} {'/fp':>6} {'peak MB':>8} {'pipeline s':>10} {'rest cpu/lxml':>13}"
    )
    for cycle in ("full", "304"):
        for number, run in enumerate(runs, 1):
            lx, fp = run["lxml"][cycle], run.get("feedparser", {}).get(cycle, math.nan)
            for side in run:
                result = run[side]
                wall = result[cycle]
                ratios = (
                    ""
                    if side in ("lxml", "feedparser")
                    else f" {wall / lx:>5.2f}x {wall / fp:>5.2f}x"
                )
                line = (
                    f"{number:>3} {cycle:>5} {side:>10} {wall:>7.2f} {result[cycle + '_cpu']:>6.2f}"
                    f"{ratios:<14} {result['peak_mb']:>8.0f}"
                )
                if cycle + "_pipeline" in result:  # monitor: the CPU outside the pipeline
                    rest = result[cycle + "_cpu"] - result[cycle + "_pipeline"]
                    floor_cpu = run["lxml"][cycle + "_cpu"]
                    line += f" {result[cycle + '_pipeline']:>10.2f} {rest / floor_cpu:>12.2f}x"
                print(line)
        for side in [side for side in runs[0] if side in ("monitor", "keys")]:
            ratios = sorted(run[side][cycle] / run["lxml"][cycle] for run in runs)
            if len(ratios) > 1:
                print(
                    f"    {cycle:>5} {side} / lxml floor: median {statistics.median(ratios):.2f}x,"
                    f" runs {ratios[0]:.2f}-{ratios[-1]:.2f}x"
                )
    on_topic = {run[side]["on_topic"] for run in runs for side in run if "on_topic" in run[side]}
    print(f"items on topic per full cycle: {', '.join(f'{n:.0f}' for n in sorted(on_topic))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=SIZE, help=f"feeds (default {SIZE})")
    parser.add_argument("--repeat", type=int, default=REPEAT, help=f"runs (default {REPEAT})")
    parser.add_argument(
        "--sides",
        default=",".join(SIDES),
        help="which to run, of lxml (the floor, always run), feedparser (the other floor),"
        " monitor and keys (monitor without the multilingual encoder); default all",
    )
    parser.add_argument(
        "--fetch-workers",
        type=int,
        help="start this many fetch workers in every cycle (0: none) instead of monitor's rule",
    )
    parser.add_argument("--child", choices=[*SIDES, "server"], help=argparse.SUPPRESS)
    parser.add_argument("--hosts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fetch_workers is not None:
        os.environ[WORKERS_VARIABLE] = str(args.fetch_workers)  # the children read it
    if args.child == "server":
        asyncio.run(serve(args.hosts))
        return
    if args.child:
        child(args.child, args.hosts, args.feeds)
        return

    with tempfile.TemporaryDirectory() as tmp:
        hosts_file = Path(tmp) / "hosts.json"
        server = subprocess.Popen(
            [sys.executable, __file__, "--child", "server", "--hosts", str(hosts_file)]
        )
        try:
            while not hosts_file.exists() or not hosts_file.read_text():
                time.sleep(0.05)
            print(
                f"{os.cpu_count()} CPUs, load {load()}; {args.feeds} feeds of {ITEMS_PER_FEED}"
                f" items (1 in {ON_TOPIC_EVERY} on topic) on {HOSTS} hosts; concurrency"
                f" {CONCURRENCY}, per host {PER_HOST}; {args.repeat} runs"
            )
            sides = [side for side in SIDES if side in {"lxml", *args.sides.split(",")}]
            runs = [
                {side: measure(side, hosts_file, args.feeds) for side in sides}
                for _ in range(args.repeat)  # interleaved: every side sees the same noise
            ]
            report(runs)
            print(f"load afterwards {load()}")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
