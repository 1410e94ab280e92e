"""Undo a response's Content-Encoding (gzip, deflate, br, zstd) without passing a size cap.

httpx can decode these itself, but it inflates each network chunk whole: 317 bytes of
brotli are 200 MiB of zeros, so a single 64 KiB chunk could fill the memory before
``fetch``'s size cap saw a byte. Here every decoder stops as soon as its output passes
``limit`` (``TooLarge``), whatever the ratio.

brotli and zstd need the ``brotli`` (1.2 or later: bounded output) and ``zstandard``
packages, dependencies of monitor; when one is missing its coding is simply unsupported,
and ``ACCEPT_ENCODING`` does not offer it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

try:
    import brotli
except ImportError:  # pragma: no cover (a dependency; absent only in a hand-made venv)
    brotli = None
try:
    import zstandard
except ImportError:  # pragma: no cover
    zstandard = None  # type: ignore[assignment]

__all__ = ["ACCEPT_ENCODING", "Undecodable", "TooLarge", "codings", "decode", "supported"]

STEP = 1024 * 1024  # bytes of output per decoder call; the cap is checked between calls
# RFC 9659: a zstd Content-Encoding uses windows of at most 8 MiB; a larger one would make
# the decoder allocate what the sender chose (zstd's own default allows 128 MiB).
ZSTD_MAX_WINDOW = 8 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


class Undecodable(Exception):
    """The body is not in the coding the server named, or no decoder for it is installed."""


class Unsupported(Undecodable):
    """No decoder for this coding here; ``str(exc)`` is the coding."""


class TooLarge(Exception):
    """The decoded body passed the limit."""


def codings(header: str) -> list[str]:
    """The codings of a Content-Encoding header in the order they were applied."""
    return [
        token
        for token in (part.strip().lower() for part in header.split(","))
        if token and token != "identity"
    ]


def decode(body: bytes, applied: list[str], limit: int) -> bytes:
    """``body`` with ``applied`` codings undone, last applied first; at most ``limit`` bytes."""
    for coding in reversed(applied):
        decoder = _decoders().get(coding)
        if decoder is None:
            raise Unsupported(coding)
        body = decoder(body, limit)
    return body


def supported() -> list[str]:
    """The codings this process can decode, in order of preference."""
    return list(_decoders())


def _decoders() -> dict[str, Callable[[bytes, int], bytes]]:
    found: dict[str, Callable[[bytes, int], bytes]] = {}
    if zstandard is not None:
        found["zstd"] = _unzstd
    if brotli is not None:
        found["br"] = _unbrotli
    found.update({"gzip": _gunzip, "x-gzip": _gunzip, "deflate": _inflate})
    return found


def _gunzip(body: bytes, limit: int) -> bytes:
    out = bytearray()
    pending = body
    while pending:  # a gzip body may be several members one after the other
        pending = _zlib_stream(pending, zlib.MAX_WBITS | 16, out, limit)
        if not pending.startswith(_GZIP_MAGIC):
            break  # padding after the last member is ignored, as zlib and httpx do
    return bytes(out)


def _inflate(body: bytes, limit: int) -> bytes:
    """HTTP's "deflate" is zlib-wrapped, but some servers send raw deflate (as httpx knows)."""
    out = bytearray()
    try:
        _zlib_stream(body, zlib.MAX_WBITS, out, limit)
    except Undecodable:
        out.clear()
        _zlib_stream(body, -zlib.MAX_WBITS, out, limit)
    return bytes(out)


def _zlib_stream(body: bytes, wbits: int, out: bytearray, limit: int) -> bytes:
    """Append one zlib/gzip stream's output to ``out``; return the bytes after it."""
    decompressor = zlib.decompressobj(wbits)
    pending = body
    try:
        while pending and not decompressor.eof:
            out += decompressor.decompress(pending, limit + 1 - len(out))
            if len(out) > limit:
                raise TooLarge
            pending = decompressor.unconsumed_tail
    except zlib.error as exc:
        raise Undecodable(str(exc)) from exc
    # A stream cut short yields what it had; fetch already refuses a truncated response.
    return decompressor.unused_data


def _unbrotli(body: bytes, limit: int) -> bytes:
    assert brotli is not None
    decompressor = brotli.Decompressor()
    out = bytearray()
    data = body
    try:
        while True:
            # Once the output limit is reached, process() is called with no new input
            # until it has given everything it holds (brotli's documented protocol).
            piece = decompressor.process(data, output_buffer_limit=STEP)
            data = b""
            out += piece
            if len(out) > limit:
                raise TooLarge
            if not piece or decompressor.is_finished():
                break
    except brotli.error as exc:
        raise Undecodable(str(exc) or "not brotli data") from exc
    return bytes(out)


def _unzstd(body: bytes, limit: int) -> bytes:
    assert zstandard is not None
    decompressor = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
    out = bytearray()
    try:
        with decompressor.stream_reader(body, read_across_frames=True) as reader:
            while piece := reader.read(STEP):
                out += piece
                if len(out) > limit:
                    raise TooLarge
    except zstandard.ZstdError as exc:
        raise Undecodable(str(exc)) from exc
    return bytes(out)


ACCEPT_ENCODING = ", ".join(coding for coding in supported() if coding not in ("x-gzip", "deflate"))
