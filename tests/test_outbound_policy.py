"""Issue 17: no request where a feed author points. A feed the operator configured on
127.0.0.1 is polled; links in it (fetched for full text), redirects and moved addresses
that lead to this machine, the intranet or a file are refused, on every path: in this
process and in fetch workers. A second server on 127.0.0.1 (the "internal" one) must see
no request at all; another loopback address (127.0.0.2) stands for an intranet host an
operator admits with ``poll.allow_private``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpcore
import pytest
from feedserver import running_server

import monitor.feeds.policy
from monitor.config import PollConfig, from_feeds
from monitor.feeds.fetcher import FetchRequest, FetchSettings, FetchWorker
from monitor.feeds.policy import CheckedBackend, OutboundPolicy, networks
from monitor.pipeline import Pipeline
from monitor.poller import poll_once
from monitor.store import Store
from monitor.types import FeedSpec

SECRET_PAGE = (
    "<html><body><article><p>Internal: 99,999 North Korean troops in Kursk,"
    " Russia says, in the admin panel.</p></article></body></html>"
)


def rss(*links: str) -> bytes:
    items = "".join(
        f"<item><guid>g{n}</guid><title>Russia and North Korea {n}</title><link>{link}</link>"
        "<description>North Korea sends troops to Russia, a teaser.</description></item>"
        for n, link in enumerate(links)
    )
    return f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>".encode()


def hostile_links(port: int, secret_file: Path) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/admin",
        f"http://localhost:{port}/admin",
        f"http://2130706433:{port}/admin",  # 127.0.0.1 as one integer
        f"http://0x7f.1:{port}/admin",
        f"http://0.0.0.0:{port}/admin",
        f"http://[::1]:{port}/admin",
        f"http://[::ffff:127.0.0.1]:{port}/admin",
        f"http://127.1:{port}/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        secret_file.as_uri(),
        f"file://localhost{secret_file}",
    ]


def poll_fulltext(tmp_path: Path, feed_url: str, **poll: Any) -> Pipeline:
    spec = FeedSpec(url=feed_url, name="Operator", fulltext=True)
    config = from_feeds([spec])
    config = type(config)(feeds=config.feeds, poll=PollConfig(jitter=0.0, timeout=3.0, **poll))
    pipeline = Pipeline(Store.open(tmp_path / "state"), config, multilingual=False)
    poll_once(pipeline)
    return pipeline


def test_links_in_an_operators_feed_never_reach_this_machine_or_a_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("99,999 North Korean troops (file)")
    with running_server() as internal, running_server() as operator:
        internal.route("/admin", SECRET_PAGE, headers={"Content-Type": "text/html"})
        links = hostile_links(int(internal.base_url.rsplit(":", 1)[1]), secret)
        feed = operator.route("/feed.xml", rss(*links))
        with caplog.at_level(logging.WARNING, logger="monitor"):
            pipeline = poll_fulltext(tmp_path, feed)
        assert internal.requests == []  # not one request, whatever the notation
        assert [r.path for r in operator.requests] == ["/feed.xml"]  # the operator's feed works
    texts = [pipeline.store.stored_content("Operator", f"g{n}") for n in range(len(links))]
    assert all(t is not None and "99,999" not in t[1] for t in texts)
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == len(links)
    assert all("full text not fetched" in line for line in refused)


def test_an_admitted_intranet_host_is_fetched_but_its_redirect_to_this_machine_is_not(
    tmp_path: Path,
) -> None:
    with (
        running_server() as internal,
        running_server("127.0.0.2") as intranet,
        running_server() as operator,
    ):
        internal.route("/admin", SECRET_PAGE, headers={"Content-Type": "text/html"})
        good = intranet.route(
            "/story.html",
            SECRET_PAGE.replace("99,999", "12,000"),
            headers={"Content-Type": "text/html"},
        )
        bounce = intranet.redirect("/bounce", internal.url("/admin"))
        feed = operator.route("/feed.xml", rss(good, bounce))
        pipeline = poll_fulltext(tmp_path, feed, allow_private=("127.0.0.2/32",))
        assert internal.requests == []
        assert sorted(r.path for r in intranet.requests) == ["/bounce", "/story.html"]
    good_text = pipeline.store.stored_content("Operator", "g0")
    bounced = pipeline.store.stored_content("Operator", "g1")
    assert good_text is not None and "12,000" in good_text[1]
    assert bounced is not None and "99,999" not in bounced[1]


def test_an_operators_feed_redirected_elsewhere_on_this_machine_is_refused(
    tmp_path: Path,
) -> None:
    with running_server() as internal, running_server() as operator:
        internal.route("/admin", SECRET_PAGE)
        moved_here = operator.route("/new.xml", rss())
        within = operator.redirect("/old.xml", "/new.xml", status=301)  # its own origin
        away = operator.redirect("/away.xml", internal.url("/admin"), status=301)
        specs = [FeedSpec(url=within, name="Within"), FeedSpec(url=away, name="Away")]
        pipeline = Pipeline(Store.open(tmp_path / "state"), from_feeds(specs))
        totals = poll_once(pipeline)
        assert internal.requests == []
        assert totals.feeds_failed == 1
        feeds = {row["name"]: row for row in pipeline.store.feeds()}
        assert feeds["Within"]["fetch_url"] == moved_here
        assert "refused: 127.0.0.1, not a public address" in feeds["Away"]["last_error"]


def test_fetch_workers_apply_the_same_policy(tmp_path: Path) -> None:
    settings = FetchSettings(concurrency=4, per_host=2, timeout=3.0, max_bytes=1 << 20)

    async def fetch_both(internal_url: str, feed_url: str) -> list[Any]:
        worker = FetchWorker(settings)
        await worker.start()
        for _ in range(200):
            if worker.ready:
                break
            await asyncio.sleep(0.02)
        assert worker.ready
        try:
            return await asyncio.gather(
                worker.get(FetchRequest(internal_url, expect="page")),
                worker.get(FetchRequest(feed_url, operator=True)),
                return_exceptions=True,
            )
        finally:
            await worker.aclose(timeout=1.0)

    with running_server() as internal, running_server() as operator:
        secret = internal.route("/admin", SECRET_PAGE)
        feed = operator.route("/feed.xml", rss())
        refused, fetched = asyncio.run(fetch_both(secret, feed))
        assert internal.requests == []
    assert "refused: 127.0.0.1, not a public address" in str(refused)
    assert fetched.result.status == 200


def test_a_name_that_resolves_public_then_private_is_refused_at_connect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the check before the request saw a public address; the connection
    is opened to what the name resolves to then, which is checked again."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    async def resolve(host: str, port: int) -> list[str]:
        return next(answers)

    monkeypatch.setattr(monitor.feeds.policy, "resolve", resolve)
    policy = OutboundPolicy()

    class Inner(httpcore.AsyncNetworkBackend):
        async def connect_tcp(self, host: str, port: int, *args: Any) -> Any:
            raise AssertionError(f"connected to {host}")

    async def go() -> None:
        await policy.check("http://rebind.example/", operator=False)  # public: passes
        await CheckedBackend(policy, Inner()).connect_tcp("rebind.example", 80)

    with pytest.raises(httpcore.ConnectError, match="refused: rebind.example is 127.0.0.1"):
        asyncio.run(go())


@pytest.mark.parametrize(
    ("address", "admitted"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("224.0.0.251", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fd12::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("ff02::1", False),
        ("not an address", False),
    ],
)
def test_which_addresses_are_public(address: str, admitted: bool) -> None:
    assert OutboundPolicy().admits(address) is admitted


def test_allow_private_admits_only_its_networks() -> None:
    policy = OutboundPolicy(networks(["10.0.0.0/8", "fd00::/8"]))
    assert policy.admits("10.20.30.40") and policy.admits("fd00::5")
    assert not policy.admits("192.168.1.1") and not policy.admits("127.0.0.1")


def test_allow_private_is_checked_in_the_config(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("poll: {allow_private: [10.0.0.0/8, banana]}\nfeeds: []\n")
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "doctor", "--json"],
        capture_output=True,
        text=True,
    )
    (check,) = [c for c in json.loads(done.stdout) if c["name"] == "config"]
    assert check["detail"].endswith(
        "poll.allow_private[1]: not a network or an IP address: 'banana' (line 1); e.g. 10.0.0.0/8"
    )
