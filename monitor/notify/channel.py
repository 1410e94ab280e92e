"""What every alert channel offers the outbox, and how it says a delivery failed.

A channel sends one message carrying one or more alerts or story notices (more than
one is a digest) and either returns (the channel accepted it) or raises:

    DeliveryError
    ├── ChannelDown      try again later: connection refused, timeout, SMTP 4xx,
    │                    HTTP 5xx, HTTP 429 (``retry_after`` seconds when the server said)
    └── ChannelRefused   retrying will not help: SMTP 5xx, HTTP 4xx, bad credentials
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from monitor.errors import DeliveryError
from monitor.logs import redacted
from monitor.notify.message import Message

__all__ = ["Channel", "ChannelDown", "ChannelRefused"]


class ChannelDown(DeliveryError):
    """The channel is unreachable or asked us to wait; the delivery will be retried."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(redacted(message))  # a server may echo a secret back; it is stored
        self.retry_after = retry_after


class ChannelRefused(DeliveryError):
    """The channel refused the message for good (until someone fixes the cause)."""

    def __init__(self, message: str) -> None:
        super().__init__(redacted(message))  # a server may echo a secret back; it is stored


class Channel(Protocol):
    name: str
    # How many alerts one message may carry (a digest); more go in further messages.
    max_alerts: int

    def send(self, views: Sequence[Message], message_id: str) -> str:
        """Send one message; return a short receipt for logs ("sent to desk@example.org")."""
        ...
