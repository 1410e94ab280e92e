"""monitor.feeds.decoding: each coding undone, layered codings, and output bounded."""

from __future__ import annotations

import gzip
import zlib

import pytest

from monitor.feeds import decoding

TEXT = b"<rss><channel><title>Decoded</title></channel></rss>" * 50


def test_codings_in_order_without_identity() -> None:
    assert decoding.codings(" gzip , Identity,BR ") == ["gzip", "br"]
    assert decoding.codings("") == []


def test_gzip_deflate_and_raw_deflate() -> None:
    assert decoding.decode(gzip.compress(TEXT), ["gzip"], 10**6) == TEXT
    assert decoding.decode(zlib.compress(TEXT), ["deflate"], 10**6) == TEXT
    assert decoding.decode(zlib.compress(TEXT)[2:-4], ["deflate"], 10**6) == TEXT


def test_gzip_members_follow_one_another_and_padding_is_ignored() -> None:
    body = gzip.compress(b"one ") + gzip.compress(b"two") + b"\0\0\0"
    assert decoding.decode(body, ["gzip"], 100) == b"one two"


def test_layers_are_undone_last_first() -> None:
    brotli = pytest.importorskip("brotli")
    assert decoding.decode(gzip.compress(brotli.compress(TEXT)), ["br", "gzip"], 10**6) == TEXT


def test_brotli_and_zstd() -> None:
    brotli = pytest.importorskip("brotli")
    zstandard = pytest.importorskip("zstandard")
    assert decoding.decode(brotli.compress(TEXT), ["br"], 10**6) == TEXT
    frames = zstandard.ZstdCompressor().compress(TEXT[:100]) + zstandard.ZstdCompressor().compress(
        TEXT[100:]
    )
    assert decoding.decode(frames, ["zstd"], 10**6) == TEXT
    assert decoding.ACCEPT_ENCODING == "zstd, br, gzip"


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_output_stops_at_the_limit(coding: str) -> None:
    zeros = b"\0" * (32 * 1024 * 1024)
    compress = {
        "gzip": gzip.compress,
        "deflate": zlib.compress,
        "br": lambda data: pytest.importorskip("brotli").compress(data, quality=5),
        "zstd": lambda data: pytest.importorskip("zstandard").ZstdCompressor().compress(data),
    }[coding]
    body = compress(zeros)
    with pytest.raises(decoding.TooLarge):
        decoding.decode(body, [coding], 1024 * 1024)
    assert len(decoding.decode(body, [coding], len(zeros))) == len(zeros)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_data_not_in_the_coding_is_undecodable(coding: str) -> None:
    with pytest.raises(decoding.Undecodable):
        decoding.decode(b"\x00\x01\x02 plainly not compressed \xff" * 3, [coding], 10**6)


def test_unknown_coding_is_unsupported() -> None:
    with pytest.raises(decoding.Unsupported, match="^compress$"):
        decoding.decode(b"x", ["compress"], 100)
