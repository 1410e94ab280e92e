"""fetch() against a real HTTP server on 127.0.0.1 (tests/feedserver.py)."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from feedserver import FeedServer, running_server, unused_url

from monitor.errors import FetchError
from monitor.feeds.fetch import USER_AGENT, Gone, RetryLater, fetch, make_client
from monitor.types import FetchResult

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test</title>
<item><title>One</title><link>https://example.org/1</link></item>
</channel></rss>
"""


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with running_server() as server:
        yield server


def run_fetch(url: str, **options: Any) -> FetchResult:
    async def go() -> FetchResult:
        async with make_client() as client:
            return await fetch(client, url, **{"operator": True, **options})

    return asyncio.run(go())


def fetch_error(url: str, **options: Any) -> str:
    with pytest.raises(FetchError) as caught:
        run_fetch(url, **options)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_etag_then_304(feed_server: FeedServer) -> None:
    modified = "Tue, 05 Nov 2024 10:00:00 GMT"
    url = feed_server.route("/feed.xml", RSS, etag='"v1"', last_modified=modified)

    async def twice() -> tuple[FetchResult, FetchResult]:
        async with make_client() as client:
            first = await fetch(client, url, operator=True)
            second = await fetch(
                client, url, etag=first.etag, last_modified=first.last_modified, operator=True
            )
            return first, second

    first, second = asyncio.run(twice())
    assert (first.status, first.body, first.etag, first.last_modified) == (
        200,
        RSS,
        '"v1"',
        modified,
    )
    assert first.headers["content-type"] == "application/xml; charset=utf-8"
    assert first.url == url
    assert (second.status, second.body, second.etag) == (304, b"", '"v1"')
    sent = feed_server.requests[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == modified
    assert sent["user-agent"] == USER_AGENT
    assert "if-none-match" not in feed_server.requests[0].headers


def test_file_url_is_read_from_disk(tmp_path: Path) -> None:
    feed = tmp_path / "local feed.xml"
    feed.write_bytes(RSS)
    result = run_fetch(feed.as_uri())
    assert (result.status, result.body, result.url) == (200, RSS, feed.as_uri())


def test_missing_file_is_a_fetch_error(tmp_path: Path) -> None:
    url = (tmp_path / "absent.xml").as_uri()
    assert fetch_error(url) == f"{url}: no such file"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "HTTP 404 Not Found"),
        (500, "HTTP 500 Internal Server Error"),
        (503, "HTTP 503 Service Unavailable"),
        (410, "HTTP 410 Gone: the feed was removed"),
    ],
)
def test_error_status(feed_server: FeedServer, status: int, message: str) -> None:
    url = feed_server.route("/feed.xml", b"nope", status=status)
    assert fetch_error(url) == f"{url}: {message}"


def test_unknown_path_is_404(feed_server: FeedServer) -> None:
    url = feed_server.url("/nothing-here")
    assert fetch_error(url) == f"{url}: HTTP 404 Not Found"


def test_slow_server_times_out_quickly(feed_server: FeedServer) -> None:
    url = feed_server.route("/slow.xml", RSS, delay=5.0)
    started = time.monotonic()
    message = fetch_error(url, timeout=0.3)
    assert time.monotonic() - started < 2.0
    assert message == f"{url}: no complete response within 0.3 s"


def test_oversized_streamed_body_is_aborted(feed_server: FeedServer) -> None:
    url = feed_server.route("/huge.xml", stream_bytes=5 * 1024 * 1024)
    started = time.monotonic()
    assert fetch_error(url, max_bytes=1024 * 1024) == f"{url}: response larger than 1 MiB"
    assert time.monotonic() - started < 2.0


def test_declared_oversized_body_is_refused(feed_server: FeedServer) -> None:
    url = feed_server.route("/big.xml", b"x" * 4096)
    assert fetch_error(url, max_bytes=1024) == f"{url}: response larger than 1 KiB"


def test_size_cap_applies_after_gzip_decoding(feed_server: FeedServer) -> None:
    # 2 MiB of zeros compress to ~2 KiB: only the decoded size can catch a gzip bomb.
    url = feed_server.route("/bomb.xml", b"\0" * (2 * 1024 * 1024), gzip=True)
    assert fetch_error(url, max_bytes=1024 * 1024) == f"{url}: response larger than 1 MiB"


def test_gzip_is_decoded(feed_server: FeedServer) -> None:
    url = feed_server.route("/feed.xml", RSS, gzip=True)
    result = run_fetch(url)
    assert result.body == RSS
    assert result.headers["content-encoding"] == "gzip"
    assert feed_server.requests[-1].headers["accept-encoding"] == "zstd, br, gzip"


def test_truncated_body_is_a_fetch_error(feed_server: FeedServer) -> None:
    url = feed_server.route("/cut.xml", RSS, truncate=True)
    assert fetch_error(url).startswith(f"{url}: the server broke the connection")


def test_redirect_is_followed(feed_server: FeedServer) -> None:
    target = feed_server.route("/new.xml", RSS)
    url = feed_server.redirect("/old.xml", "/new.xml", status=301)
    result = run_fetch(url)
    assert (result.status, result.url, result.body) == (200, target, RSS)


def test_redirect_loop_is_an_error(feed_server: FeedServer) -> None:
    a = feed_server.redirect("/a.xml", "/b.xml")
    b = feed_server.redirect("/b.xml", "/a.xml")
    assert fetch_error(a) == f"{a}: redirect loop: {a} -> {b} -> {a}"


def test_too_many_redirects(feed_server: FeedServer) -> None:
    for hop in range(7):
        feed_server.redirect(f"/{hop}.xml", f"/{hop + 1}.xml")
    feed_server.route("/7.xml", RSS)
    start = feed_server.url("/0.xml")
    assert fetch_error(start) == f"{start}: more than 5 redirects"


def test_redirect_to_a_file_url_is_refused(feed_server: FeedServer) -> None:
    url = feed_server.redirect("/sneaky.xml", "file:///etc/passwd")
    assert fetch_error(url).startswith(f"{url}: redirected to a non-HTTP URL: file:")


def test_connection_refused_is_one_line() -> None:
    url = unused_url()
    assert fetch_error(url) == f"{url}: connection refused"


def test_unsupported_scheme() -> None:
    assert fetch_error("ftp://example.org/feed.xml").startswith(
        "ftp://example.org/feed.xml: invalid URL"
    )


def test_permanent_redirects_report_where_the_feed_moved(feed_server: FeedServer) -> None:
    final = feed_server.route("/final.xml", RSS)
    hop = feed_server.redirect("/hop.xml", final, status=308)
    start = feed_server.redirect("/start.xml", hop, status=301)
    assert run_fetch(start).moved_to == final
    temporary = feed_server.redirect("/temporary.xml", final, status=302)
    assert run_fetch(temporary).moved_to is None
    # Permanent, then temporary: the feed moved to the temporary redirect's address.
    mixed = feed_server.redirect("/mixed.xml", temporary, status=301)
    result = run_fetch(mixed)
    assert (result.url, result.moved_to) == (final, temporary)
    assert run_fetch(final).moved_to is None


def test_retry_later_carries_the_retry_after_value(feed_server: FeedServer) -> None:
    url = feed_server.route("/busy.xml", b"", status=429, headers={"Retry-After": "90"})

    async def go() -> None:
        async with make_client() as client:
            await fetch(client, url, operator=True)

    with pytest.raises(RetryLater) as caught:
        asyncio.run(go())
    assert caught.value.retry_after == "90" and caught.value.status == 429
    assert str(caught.value) == f"{url}: HTTP 429 Too Many Requests (Retry-After: 90)"


def test_gone_is_its_own_error(feed_server: FeedServer) -> None:
    url = feed_server.route("/gone.xml", b"", status=410)
    with pytest.raises(Gone):
        run_fetch(url)


def test_binary_content_type_is_refused_but_a_page_may_be_html(feed_server: FeedServer) -> None:
    pdf = feed_server.route("/x.pdf", b"%PDF-1.4", headers={"Content-Type": "application/pdf"})
    assert fetch_error(pdf) == f"{pdf}: HTTP 200, wrong content type application/pdf, not a feed"
    page = feed_server.route(
        "/a.html", b"<!doctype html><html></html>", headers={"Content-Type": "text/html"}
    )
    assert fetch_error(page) == f"{page}: HTTP 200, an HTML page, not a feed"
    assert run_fetch(page, expect="page").body == b"<!doctype html><html></html>"


def test_user_agent_and_gzip_are_sent(feed_server: FeedServer) -> None:
    url = feed_server.route("/feed.xml", RSS)
    run_fetch(url)
    sent = feed_server.requests[-1].headers
    assert sent["user-agent"] == USER_AGENT and "monitor/" in USER_AGENT and "+http" in USER_AGENT
    assert "gzip" in sent["accept-encoding"]


def test_200s_and_304s_reuse_one_keep_alive_connection() -> None:
    """A 304 is read to its end, so its connection goes back to the pool for the next feed."""
    connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).lower()
                if b'if-none-match: "v1"' in head:
                    writer.write(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
                else:
                    writer.write(
                        b'HTTP/1.1 200 OK\r\nETag: "v1"\r\nContent-Type: application/rss+xml\r\n'
                        + f"Content-Length: {len(RSS)}\r\n\r\n".encode()
                        + RSS
                    )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def go() -> list[int]:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/feed.xml"
        async with server, make_client() as client:
            statuses = [(await fetch(client, url, operator=True)).status]
            for _ in range(3):
                statuses.append((await fetch(client, url, etag='"v1"', operator=True)).status)
            statuses.append((await fetch(client, url, operator=True)).status)
            return statuses

    assert asyncio.run(go()) == [200, 304, 304, 304, 200]
    assert connections == 1


# --- Content-Encoding: br, zstd, and codings that cannot be undone ----------------------


def test_brotli_and_zstd_are_decoded(feed_server: FeedServer) -> None:
    brotli = pytest.importorskip("brotli")
    zstandard = pytest.importorskip("zstandard")
    br = feed_server.route("/br.xml", brotli.compress(RSS), headers={"Content-Encoding": "br"})
    zstd = feed_server.route(
        "/zstd.xml",
        zstandard.ZstdCompressor().compress(RSS),
        headers={"Content-Encoding": "zstd"},
    )
    assert run_fetch(br).body == RSS
    assert run_fetch(zstd).body == RSS


@pytest.mark.parametrize("coding", ["br", "zstd"])
def test_size_cap_applies_after_brotli_and_zstd_decoding(
    feed_server: FeedServer, coding: str
) -> None:
    # 64 MiB of zeros are a few hundred bytes of brotli: the decoder itself must stop.
    zeros = b"\0" * (64 * 1024 * 1024)
    if coding == "br":
        body = pytest.importorskip("brotli").compress(zeros, quality=5)
    else:
        body = pytest.importorskip("zstandard").ZstdCompressor().compress(zeros)
    url = feed_server.route("/bomb", body, headers={"Content-Encoding": coding})
    assert fetch_error(url, max_bytes=1024 * 1024) == f"{url}: response larger than 1 MiB"


def test_a_coding_nobody_decodes_is_named(feed_server: FeedServer) -> None:
    url = feed_server.route(
        "/z.xml", b"\x1f\x9d\x90<\x00", headers={"Content-Encoding": "compress"}
    )
    assert fetch_error(url) == f"{url}: HTTP 200, unsupported Content-Encoding compress"


def test_brotli_without_its_decoder_is_named(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.feeds import decoding

    monkeypatch.setattr(decoding, "brotli", None)  # as in a venv without the package
    assert "br" not in decoding.supported()
    url = feed_server.route("/br.xml", b"\x8b\x02\x80\x1b\x03", headers={"Content-Encoding": "br"})
    assert fetch_error(url) == f"{url}: HTTP 200, unsupported Content-Encoding br"


def test_a_body_that_is_not_in_its_coding_is_named(feed_server: FeedServer) -> None:
    url = feed_server.route(
        "/bad.xml", b"\x00\x01 not gzip at all", headers={"Content-Encoding": "gzip"}
    )
    message = fetch_error(url)
    assert message.startswith(f"{url}: HTTP 200, body not in its Content-Encoding gzip: ")


def test_plain_xml_under_a_coding_it_does_not_have_is_read(feed_server: FeedServer) -> None:
    # Servers that send `Content-Encoding: gzip` (or `UTF-8`) on a plain body exist.
    for coding in ("gzip", "utf-8", "br"):
        url = feed_server.route(f"/{coding}.xml", RSS, headers={"Content-Encoding": coding})
        assert run_fetch(url).body == RSS


def test_an_in_memory_response_is_read_as_httpx_decoded_it() -> None:
    # httpx.MockTransport responses are read before fetch sees them: no raw stream is left.
    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
        return httpx.Response(200, content=gzip.compress(RSS), headers=headers)

    async def go() -> FetchResult:
        async with make_client(transport=httpx.MockTransport(answer)) as client:
            return await fetch(client, "https://example.org/feed.xml", operator=True)

    assert asyncio.run(go()).body == RSS
