"""Where monitor may connect: the outbound-request policy every fetch passes (issue 17).

Two kinds of URL reach ``fetch``. The operator's: a feed's URL as written in feeds.yaml,
given to ``monitor feeds add`` or in an imported OPML file. Those may be whatever the
operator asked for: a ``file://`` path, a feed on this machine or on the intranet. And
the ones a server or a feed chose: a redirect to another origin, a feed's new address
after a 301 elsewhere, an item's link fetched for its full text. Those are http(s)
only, and are connected to only when every address their host resolves to is global:
not loopback, private (10/8, 172.16/12, 192.168/16), shared (CGNAT, 100.64/10),
link-local (169.254/16, fe80::/10, where cloud metadata services live), unique-local
(fc00::/7), unspecified, multicast or reserved, nor an IPv6 address that embeds one
(IPv4-mapped, 6to4, NAT64, Teredo). ``poll.allow_private`` lists the networks an
operator who polls an intranet admits. A redirect that stays on the origin (scheme,
host and port) of the operator's URL is the operator's too: a server moving a feed
within itself.

It is checked twice. Before each request, including each redirect hop (``check``): the
URL's scheme, and its host resolved, every address checked. And when a connection is
opened (``CheckedBackend``, the HTTP connection layer beneath httpx): the host is
resolved again and the connection goes to an address just checked, so a name that
answers differently the second time (DNS rebinding) cannot get round the first check.
Numeric hosts in any notation (``2130706433``, ``0x7f.1``, ``[::ffff:127.0.0.1]``) are
what the resolver makes of them, so they are checked as the address they reach.

A proxy from the environment (HTTPS_PROXY) is the operator's choice and is connected to
as it is; the first check still applies to every URL sent through it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore

from monitor.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
WEB_SCHEMES = ("http", "https")
# NAT64's well-known prefix: the IPv4 address it reaches is in its last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

# Whether the connection being opened serves an operator's URL (set around its request).
_operator_request: ContextVar[bool] = ContextVar("operator_request", default=False)


def networks(written: Iterable[str]) -> tuple[IPNetwork, ...]:
    """``poll.allow_private`` as networks; ValueError names the first one that is not."""
    return tuple(ipaddress.ip_network(text.strip(), strict=False) for text in written)


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of ``url``, the port made explicit for http(s)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port or default


@dataclass(frozen=True)
class OutboundPolicy:
    """What may be fetched: see the module doc. ``allow_private``: admitted networks."""

    allow_private: tuple[IPNetwork, ...] = ()

    def admits(self, address: str) -> bool:
        """Whether a connection to this IP address (text, as a resolver gives it) is
        allowed for a URL the operator did not write."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])  # no IPv6 zone
        except ValueError:
            return False
        if any(ip in network for network in self.allow_private):
            return True
        return all(_is_public(reached) for reached in _reached(ip))

    async def check(self, url: str, *, operator: bool) -> None:
        """FetchError (one line naming the URL) unless ``url`` may be fetched.

        ``operator``: the operator wrote it (or it stays on the origin of one they did).
        """
        scheme, host, port = origin(url)
        if operator:
            return
        if scheme not in WEB_SCHEMES:
            raise FetchError(
                f"{url}: refused: only http(s) URLs are fetched from what a feed or server"
                " sends (file URLs only for feeds you configure)"
            )
        if not host:
            raise FetchError(f"{url}: refused: no host")
        for address in await resolve(host, port or 0):
            if not self.admits(address):
                raise FetchError(f"{url}: refused: {self.why(host, address)}")

    def why(self, host: str, address: str) -> str:
        """Why a connection to ``host`` at ``address`` is refused, in a few words."""
        shown = host if host == address else f"{host} is {address}"
        return (
            f"{shown}, not a public address (add its network to poll.allow_private to poll"
            " an intranet)"
        )


def _reached(ip: IPAddress) -> list[IPAddress]:
    """The address itself and any IPv4 address an IPv6 one embeds (and so reaches)."""
    found: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            found.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            found.append(ip.sixtofour)
        if ip.teredo is not None:
            found.extend(ip.teredo)
        if ip in _NAT64:
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _is_public(ip: IPAddress) -> bool:
    # is_global is False for loopback, private, shared (CGNAT), link-local, unique-local,
    # unspecified and reserved ranges; multicast needs its own test.
    return ip.is_global and not ip.is_multicast


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (a numeric host: itself, in any notation the
    system resolver reads); FetchError when it resolves to none."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise FetchError(f"{host}: cannot resolve: {reason}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@contextmanager
def operator_request(operator: bool) -> Any:
    """Mark the connections opened inside this block as serving an operator's URL."""
    token = _operator_request.set(operator)
    try:
        yield
    finally:
        _operator_request.reset(token)


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses the policy admits (unless
    the request is an operator's URL): the host is resolved here and the connection goes
    to the address checked, never to a second answer of the resolver."""

    def __init__(self, policy: OutboundPolicy, inner: httpcore.AsyncNetworkBackend) -> None:
        self._policy = policy
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if _operator_request.get():
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            addresses = await resolve(host, port)
        except FetchError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        refused = [address for address in addresses if not self._policy.admits(address)]
        if refused:
            raise httpcore.ConnectError(f"refused: {self._policy.why(host, refused[0])}")
        failure: Exception | None = None
        for address in addresses:  # each in turn, as a resolver's answers are tried
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # resolve() never returns no address
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("refused: unix sockets are never connected to")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
