"""Slack: a Block Kit message through an incoming webhook.

Feed text is untrusted. Slack reads ``<!channel>``, ``<!here>``, ``<@U123>`` and
``<https://evil|click>`` as mentions and links in mrkdwn and in the fallback text, so
every string from a feed goes through ``escape``: ``&``, ``<`` and ``>`` become
``&amp;`` ``&lt;`` ``&gt;`` (Slack's own escaping, shown as the plain characters) and a
word joiner (U+2060, invisible) goes after each ``@`` that starts a word, so
"@everyone" is shown but never notifies anyone. Only links we build (http(s) URLs
from the store, their ``|`` and angle brackets percent-encoded) are links.

Size: at most 50 blocks, 150 characters in the header, 3,000 per section
(https://api.slack.com/reference/block-kit/blocks); ``max_alerts`` keeps a digest
inside them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from monitor.config import SlackConfig
from monitor.errors import ConfigError
from monitor.notify.channel import ChannelDown, ChannelRefused
from monitor.notify.message import (
    AlertView,
    Message,
    NoticeView,
    Report,
    footer_parts,
    notice_summary,
    subject,
)

__all__ = ["SlackChannel", "escape", "payload"]

MAX_BLOCKS = 50
HEADER_CHARS = 150
SECTION_CHARS = 3000
FALLBACK_CHARS = 3000
# One alert takes at most 7 blocks (title, new, 3 earlier, context, divider), a story
# notice 5 (title, articles, figures, context, divider); + 1 header.
ALERTS_PER_MESSAGE = 6
# A 429 asking for at most this long is waited out at once; longer ones are
# rescheduled by the outbox (Retry-After is honoured either way).
INLINE_RETRY_SECONDS = 5.0
WORD_JOINER = "\u2060"
_MENTION_AT = re.compile(r"(?<![\w.])@(?=\w)")
_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")


def escape(text: str) -> str:
    """Feed text as Slack mrkdwn that can neither ping nor link."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION_AT.sub("@" + WORD_JOINER, text)


def _cut(mrkdwn: str, limit: int) -> str:
    """Shorten escaped text without splitting an entity like ``&amp;``."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    return _ENTITY_TAIL.sub("", mrkdwn[: limit - 1]) + "…"


def _link(url: str, label: str) -> str:
    target = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{target}|{label}>"


def _report(label: str, r: Report) -> str:
    source = _link(r.url, escape(r.source)) if r.url else escape(r.source)
    when = f" · {r.published}" if r.published else ""
    lines = [f"*{label}: {escape(r.value)}* — {source}{when}"]
    if r.quote:
        lines.append(f">“{escape(r.quote)}”")
    if r.attribution:
        lines.append(f"according to {escape(r.attribution)}")
    if r.title:
        lines.append(f"Article: _{escape(r.title)}_")
    return "\n".join(lines)


def _section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(mrkdwn, SECTION_CHARS)}}


def _alert_blocks(v: AlertView, digest: bool) -> list[dict[str, Any]]:
    blocks = [_section(f"*{escape(v.headline)}*")] if digest else []
    blocks.append(_section(_report(v.new_label, v.new)))
    blocks.extend(_section(_report(v.earlier_label, earlier)) for earlier in v.previous)
    notes = [f"Why: {escape(v.reason)}"]
    if v.withdrawn:
        notes.append(f"Withdrawn: {escape(v.withdrawn)}")
    if v.more_previous:
        notes.append(f"{v.more_previous} more earlier reports")
    notes += [escape(part) for part in footer_parts(v)]
    blocks.append(_context(" · ".join(notes)))
    return blocks


def _notice_blocks(v: NoticeView, digest: bool) -> list[dict[str, Any]]:
    blocks = [_section(f"*{escape(v.headline)}*")] if digest else []
    lines = [f"Now carried by {escape(notice_summary(v))}:"]
    left_out = v.more_entries
    for index, e in enumerate(v.entries):
        source = _link(e.url, escape(e.source)) if e.url else escape(e.source)
        when = f" · {e.published}" if e.published else ""
        copy = f" (reprint of {escape(e.reprint_of)})" if e.reprint_of else ""
        line = f"• *{source}*{when}{copy}: {_cut(escape(e.title), 300)}"
        if sum(len(text) + 1 for text in lines) + len(line) > SECTION_CHARS - 40:
            left_out += len(v.entries) - index  # never cut a link in half
            break
        lines.append(line)
    if left_out:
        lines.append(f"…and {left_out} more")
    blocks.append(_section("\n".join(lines)))
    if v.figures:
        listed = "\n".join(f"• {escape(figure)}" for figure in v.figures)
        blocks.append(_section(f"*Figures reported*\n{listed}"))
    blocks.append(_context(" · ".join(escape(part) for part in footer_parts(v))))
    return blocks


def _context(mrkdwn: str) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": _cut(mrkdwn, SECTION_CHARS)}],
    }


def payload(views: Sequence[Message]) -> dict[str, Any]:
    """The webhook body for one message (one alert or notice, or a digest of several)."""
    title = subject(views)
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            # plain_text: Slack parses no mentions or links in it.
            "text": {"type": "plain_text", "text": _plain(title, HEADER_CHARS), "emoji": False},
        }
    ]
    digest = len(views) > 1
    for index, v in enumerate(views):
        if isinstance(v, AlertView):
            blocks += _alert_blocks(v, digest)
        else:
            blocks += _notice_blocks(v, digest)
        if digest and index < len(views) - 1:
            blocks.append({"type": "divider"})
    return {
        "text": _cut(escape(title), FALLBACK_CHARS),  # notifications and old clients
        "blocks": blocks[:MAX_BLOCKS],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def _plain(text: str, limit: int) -> str:
    # Escaping is harmless in plain_text too and keeps the header free of "<!channel>".
    return _cut(escape(text), limit)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class SlackChannel:
    """Posts to a Slack incoming webhook."""

    max_alerts = ALERTS_PER_MESSAGE

    def __init__(
        self,
        config: SlackConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.name = config.name
        self._transport = transport
        self._sleep = sleep

    def send(self, views: Sequence[Message], message_id: str) -> str:
        try:
            url = self.config.webhook_url()
        except ConfigError as exc:  # the secret may appear later (a file being written)
            raise ChannelDown(str(exc)) from exc
        body = payload(views)
        with httpx.Client(timeout=self.config.timeout, transport=self._transport) as client:
            response = self._post(client, url, body)
            wait = _retry_after(response) if response.status_code == 429 else None
            if wait is not None and wait <= INLINE_RETRY_SECONDS:
                self._sleep(wait)
                response = self._post(client, url, body)
        return self._verdict(response, len(views))

    def _post(self, client: httpx.Client, url: str, body: dict[str, Any]) -> httpx.Response:
        try:
            return client.post(url, json=body)
        except httpx.TimeoutException as exc:
            raise ChannelDown(f"no answer within {self.config.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            # Never the URL in the message: the webhook URL is the secret.
            reason = str(exc).replace(url, "<webhook>") or type(exc).__name__
            raise ChannelDown(f"webhook unreachable: {reason}") from exc

    def _verdict(self, response: httpx.Response, alerts: int) -> str:
        status = response.status_code
        said = " ".join(response.text.split())[:120]
        if 200 <= status < 300:
            return f"posted ({alerts} alert{'s' if alerts != 1 else ''})"
        if status == 429:
            wait = _retry_after(response)
            raise ChannelDown(f"HTTP 429 rate limited ({said or 'no reason given'})", wait)
        if status >= 500 or status == 408:
            raise ChannelDown(f"HTTP {status}: {said}")
        raise ChannelRefused(f"HTTP {status}: {said}")
