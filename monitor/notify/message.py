"""What an alert says, before any channel formats it: a subject, plain text and HTML.

An alert dict (the store's public shape) becomes an ``AlertView``: the claim in words,
the new figure and the earlier ones it contradicts, each with outlet, quote, who is
cited and link. Every string from a feed is cleaned of control characters and cut to
a bounded length here; HTML escaping happens in ``html_body``, Slack's in
``monitor.notify.slack``. Links are kept only for http(s) URLs, so a feed cannot slip a
``javascript:`` link into an email.

Pure: no I/O.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from monitor.divergence import format_value
from monitor.figures import CLAIM_LABELS
from monitor.render import clean, figure_of

__all__ = ["AlertView", "Report", "html_body", "subject", "test_view", "text_body", "view"]

# Bounds on feed-supplied text, so that no feed can make a message too large for a
# channel (Slack: 3,000 characters per section) or bury the point of the alert.
QUOTE_CHARS = 300
TITLE_CHARS = 200
SOURCE_CHARS = 60
ATTRIBUTION_CHARS = 120
SUBJECT_CHARS = 180
# An alert can contradict many earlier reports; the message names the first few.
PREVIOUS_SHOWN = 3


@dataclass(frozen=True)
class Report:
    """One figure as an outlet reported it, cleaned for a message."""

    value: str  # "about 14,000"
    source: str
    quote: str
    attribution: str | None
    title: str | None
    url: str | None  # http(s) only
    published: str | None  # "2025-06-18"


@dataclass(frozen=True)
class AlertView:
    """One alert, ready for any channel."""

    alert_id: int
    headline: str  # "Troops: about 14,000 (Rheinblick) vs 10,000–12,000 (North Wire)"
    new: Report
    previous: tuple[Report, ...]  # at most PREVIOUS_SHOWN
    more_previous: int  # how many earlier reports were left out
    reason: str
    topic: str | None
    created: str | None


def claim_label(claim_key: str) -> str:
    """ "troops" -> "Troops"; "deminers" -> "Deminers / combat engineers"."""
    kind = claim_key.split("/", 1)[0]
    label = CLAIM_LABELS.get(kind, kind.replace("_", " "))
    return label[:1].upper() + label[1:]


def http_url(url: object) -> str | None:
    """The URL when it is http(s) and printable, else None."""
    text = clean(url)
    if not text or any(ch.isspace() for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def report(row: Mapping[str, Any]) -> Report:
    attribution = clean(row.get("attribution"), ATTRIBUTION_CHARS)
    title = clean(row.get("title"), TITLE_CHARS)
    published = row.get("published")
    return Report(
        value=format_value(figure_of(row)),
        source=clean(row.get("source"), SOURCE_CHARS) or "unknown source",
        quote=clean(row.get("text"), QUOTE_CHARS),
        attribution=attribution or None,
        title=title or None,
        url=http_url(row.get("url")),
        published=str(published)[:10] if published else None,
    )


def view(alert: Mapping[str, Any]) -> AlertView:
    """The alert dict (store shape, optionally with "topic") as an AlertView."""
    new = report(alert["new"])
    everything = [report(row) for row in alert["previous"]]
    earlier = "; ".join(f"{r.value} ({r.source})" for r in everything[:PREVIOUS_SHOWN])
    if len(everything) > PREVIOUS_SHOWN:
        earlier += f"; {len(everything) - PREVIOUS_SHOWN} more"
    headline = f"{claim_label(alert['claim'])}: {new.value} ({new.source}) vs {earlier}"
    return AlertView(
        alert_id=int(alert["id"]),
        headline=clean(headline, SUBJECT_CHARS),
        new=new,
        previous=tuple(everything[:PREVIOUS_SHOWN]),
        more_previous=max(0, len(everything) - PREVIOUS_SHOWN),
        reason=clean(alert.get("reason"), 400),
        topic=clean(alert.get("topic")) or None,
        created=alert.get("created"),
    )


def test_view() -> AlertView:
    """A made-up alert for `monitor alerts test`: it shows what a real one looks like."""
    example = Report(
        value="14,000",
        source="Source A",
        quote="test message from monitor: 14,000 troops",
        attribution=None,
        title="Test message from monitor",
        url=None,
        published=None,
    )
    earlier = Report("10,000–12,000", "Source B", "10,000 to 12,000 troops", None, None, None, None)
    return AlertView(
        alert_id=0,
        headline="Test from monitor — Troops: 14,000 (Source A) vs 10,000–12,000 (Source B)",
        new=example,
        previous=(earlier,),
        more_previous=0,
        reason="a test: no alert was raised",
        topic=None,
        created=None,
    )


def subject(views: Sequence[AlertView]) -> str:
    """One alert: its headline. A digest: how many, and of which claims."""
    if len(views) == 1:
        return views[0].headline
    claims = dict.fromkeys(v.headline.split(":", 1)[0] for v in views)
    return clean(f"{len(views)} figures disagree: {', '.join(claims)}", SUBJECT_CHARS)


def _report_lines(label: str, r: Report) -> list[str]:
    when = f", {r.published}" if r.published else ""
    lines = [f"{label}: {r.value} — {r.source}{when}"]
    if r.quote:
        lines.append(f"  “{r.quote}”")
    if r.attribution:
        lines.append(f"  according to {r.attribution}")
    if r.title:
        lines.append(f"  {r.title}")
    if r.url:
        lines.append(f"  {r.url}")
    return lines


def text_body(views: Sequence[AlertView]) -> str:
    """The plain-text part of an email."""
    blocks: list[str] = []
    for v in views:
        lines = [v.headline, "", *_report_lines("New", v.new)]
        for earlier in v.previous:
            lines += ["", *_report_lines("Earlier", earlier)]
        if v.more_previous:
            lines += ["", f"…and {v.more_previous} more earlier reports (monitor alerts)"]
        lines += ["", f"Why: {v.reason}", _footer(v)]
        blocks.append("\n".join(lines))
    return ("\n\n" + "-" * 60 + "\n\n").join(blocks) + "\n"


def _footer(v: AlertView) -> str:
    parts = [f"alert {v.alert_id}"] if v.alert_id else ["test message"]
    if v.topic:
        parts.insert(0, f"topic {v.topic}")
    if v.created:
        parts.append(f"reported {v.created[:16].replace('T', ' ')} UTC")
    return " · ".join(parts)


def _report_html(label: str, r: Report) -> str:
    e = html.escape
    source = e(r.source)
    if r.url:
        source = f'<a href="{e(r.url, quote=True)}">{source}</a>'
    when = f", {e(r.published)}" if r.published else ""
    parts = [f"<p><b>{e(label)}: {e(r.value)}</b> — {source}{when}</p>"]
    if r.quote:
        parts.append(f"<blockquote>“{e(r.quote)}”</blockquote>")
    details = []
    if r.attribution:
        details.append(f"according to {e(r.attribution)}")
    if r.title:
        details.append(f"<i>{e(r.title)}</i>")
    if details:
        parts.append(f"<p>{'<br>'.join(details)}</p>")
    return "\n".join(parts)


def html_body(views: Sequence[AlertView]) -> str:
    """The HTML part of an email; every feed string is escaped."""
    sections = []
    for v in views:
        parts = [f"<h2>{html.escape(v.headline)}</h2>", _report_html("New", v.new)]
        parts += [_report_html("Earlier", earlier) for earlier in v.previous]
        if v.more_previous:
            parts.append(f"<p>…and {v.more_previous} more earlier reports (monitor alerts)</p>")
        parts.append(f"<p>Why: {html.escape(v.reason)}</p>")
        parts.append(f'<p style="color:#666">{html.escape(_footer(v))}</p>')
        sections.append("\n".join(parts))
    body = "\n<hr>\n".join(sections)
    return f'<!DOCTYPE html>\n<html><body style="font-family:sans-serif">\n{body}\n</body></html>\n'
