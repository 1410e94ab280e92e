"""Benchmark: one poll cycle over N feeds served by a local server, against the floor.

    .venv/bin/python bench/poll.py                 # 2,000 and 10,000 feeds
    .venv/bin/python bench/poll.py --feeds 500     # a quick run

A keep-alive HTTP/1.1 server (asyncio, in its own process, so it does not share our
GIL) serves N small RSS feeds spread over HOSTS ports of 127.0.0.1 (each port is a
"host" to the per-host limit), each with an ETag. For each N this prints, for
`monitor`'s full poll (`poll_once`: fetch, parse, store every new item, reschedule every
feed) and for bare httpx doing the same HTTP work (same URLs, same global and per-host
limits, same headers, bodies read in full, a pool per host so no keep-alive connection
is ever dropped: the floor this machine allows):

  * the cycle with full responses (200) and the cycle with conditional requests (304),
  * wall time (best of ``--repeat`` interleaved runs), the ratio monitor / floor, and
    the range of that ratio run by run,
  * peak memory: the largest sum of resident memory over the process that ran it and
    its fetch workers, sampled every 20 ms.

Each measurement runs in a fresh subprocess so that peak memory is its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

HOSTS = 50  # distinct ports, i.e. hosts as far as the per-host limit is concerned
CONCURRENCY = 50  # global fetches in flight, for monitor and the floor alike
PER_HOST = 2
ITEMS_PER_FEED = 3
SIZES = (2000, 10000)
REPEAT = 3  # the machine is shared and noisy: best of a few interleaved runs


# --------------------------------------------------------------------------- the server


def feed_body(n: int) -> bytes:
    items = "".join(
        f"<item><guid>feed{n}-item{k}</guid><title>Market report {n}-{k}: grain prices"
        f" steady</title><link>https://news.example/{n}/{k}</link><description>Traders in"
        f" port {n} said prices for wheat and barley held steady this week after a"
        f" calm session; shipment {k} left on time.</description>"
        f"<pubDate>Wed, 18 Jun 2025 0{k}:00:00 GMT</pubDate></item>"
        for k in range(ITEMS_PER_FEED)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {n}</title><link>https://news.example/{n}</link>{items}</channel></rss>"
    ).encode()


async def serve(ports_out: Path, hosts: int) -> None:
    bodies: dict[str, bytes] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                n = path.rsplit("/", 1)[-1].removesuffix(".xml")
                etag = f'"v{n}"'
                if headers.get("if-none-match") == etag:
                    writer.write(
                        f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n"
                        "Content-Length: 0\r\n\r\n".encode()
                    )
                else:
                    body = bodies.get(n)
                    if body is None:
                        body = bodies[n] = feed_body(int(n))
                    writer.write(
                        f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                        f"ETag: {etag}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    servers = [
        await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024) for _ in range(hosts)
    ]
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    ports_out.write_text(json.dumps(ports))
    await asyncio.Event().wait()


def urls(ports: list[int], feeds: int) -> list[str]:
    return [f"http://127.0.0.1:{ports[n % len(ports)]}/feeds/{n}.xml" for n in range(feeds)]


# --------------------------------------------------------------------------- the runs


async def floor(targets: list[str], conditional: bool) -> None:
    """The same requests as monitor's, with bare httpx and nothing else.

    Same URLs, same global and per-host limits, same request headers and timeout, every
    body read in full; one small pool per host (with the TLS store loaded once), so no
    connection is ever closed to make room for another host's: no pool layout does
    less HTTP work than this.
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

    async def get(url: str) -> None:
        host = urlsplit(url).netloc
        n = url.rsplit("/", 1)[-1].removesuffix(".xml")
        headers = {"If-None-Match": f'"v{n}"'} if conditional else {}
        async with per_host[host], total:
            response = await clients[host].get(url, headers=headers)
            assert response.status_code in (200, 304), response.status_code

    try:
        await asyncio.gather(*(get(url) for url in targets))
    finally:
        for client in clients.values():
            await client.aclose()


def run_floor(targets: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    asyncio.run(floor(targets, conditional=False))
    full = time.perf_counter() - started
    started = time.perf_counter()
    asyncio.run(floor(targets, conditional=True))
    not_modified = time.perf_counter() - started
    return {"full": full, "304": not_modified}


def run_monitor(targets: list[str]) -> dict[str, float]:
    from monitor.config import PollConfig, from_feeds
    from monitor.pipeline import Pipeline
    from monitor.poller import poll_once
    from monitor.store import Store
    from monitor.types import FeedSpec

    config = from_feeds([FeedSpec(url=url, name=f"feed {n}") for n, url in enumerate(targets)])
    config = replace(config, poll=replace(PollConfig(), concurrency=CONCURRENCY, per_host=PER_HOST))
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp)) as store:
        pipeline = Pipeline(store, config, channels=())
        started = time.perf_counter()
        first = poll_once(pipeline)
        full = time.perf_counter() - started
        started = time.perf_counter()
        second = poll_once(pipeline)
        not_modified = time.perf_counter() - started
    expected = len(targets) * ITEMS_PER_FEED
    assert first.items == expected and not first.errors, first.summary()
    assert second.items == 0 and not second.errors, second.summary()
    return {"full": full, "304": not_modified}


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


def child(kind: str, ports_file: Path, feeds: int) -> None:
    targets = urls(json.loads(ports_file.read_text()), feeds)
    with PeakMemory() as memory:
        result = run_floor(targets) if kind == "floor" else run_monitor(targets)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Sampled: the sum over the process and its fetch workers, which may peak together.
    result["peak_mb"] = max(own, memory.peak_kb) / 1024
    print(json.dumps(result))


def measure(kind: str, ports_file: Path, feeds: int) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--ports",
            str(ports_file),
            "--feeds",
            str(feeds),
        ],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def report(feeds: int, runs: list[tuple[dict[str, float], dict[str, float]]]) -> None:
    """Best of the runs for each side, and the range of the ratios run by run."""
    for cycle in ("full", "304"):
        best_floor = min(base[cycle] for base, _ in runs)
        best_ours = min(ours[cycle] for _, ours in runs)
        ratios = [ours[cycle] / base[cycle] for base, ours in runs]
        print(
            f"{feeds:>6} {cycle:>5} {best_floor:>8.1f} {best_ours:>10.1f}"
            f" {best_ours / best_floor:>5.2f}x {min(ratios):>5.2f}-{max(ratios):.2f}x"
            f" {max(base['peak_mb'] for base, _ in runs):>9.0f}"
            f" {max(ours['peak_mb'] for _, ours in runs):>11.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, action="append", help="number of feeds (repeatable)")
    parser.add_argument(
        "--repeat", type=int, default=REPEAT, help=f"runs of each side (default {REPEAT})"
    )
    parser.add_argument("--child", choices=["floor", "monitor", "server"], help=argparse.SUPPRESS)
    parser.add_argument("--ports", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "server":
        asyncio.run(serve(args.ports, HOSTS))
        return
    if args.child:
        child(args.child, args.ports, args.feeds[0])
        return

    with tempfile.TemporaryDirectory() as tmp:
        ports_file = Path(tmp) / "ports.json"
        server = subprocess.Popen(
            [sys.executable, __file__, "--child", "server", "--ports", str(ports_file)]
        )
        try:
            while not ports_file.exists() or not ports_file.read_text():
                time.sleep(0.05)
            print(
                f"{os.cpu_count()} CPUs, load {load()}; {HOSTS} hosts; concurrency"
                f" {CONCURRENCY}, per host {PER_HOST}; {ITEMS_PER_FEED} items per feed;"
                f" best of {args.repeat} runs"
            )
            header = f"{'feeds':>6} {'cycle':>5} {'floor s':>8} {'monitor s':>10} {'ratio':>6}"
            print(header + f" {'per run':>11} {'floor MB':>9} {'monitor MB':>11}")
            for feeds in args.feeds or SIZES:
                runs = []
                for _ in range(args.repeat):  # interleaved, so both sides see the same noise
                    runs.append(
                        (measure("floor", ports_file, feeds), measure("monitor", ports_file, feeds))
                    )
                report(feeds, runs)
            print(f"load afterwards {load()}")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
