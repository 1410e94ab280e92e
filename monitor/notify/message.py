"""What an alert says, before any channel formats it: a subject, plain text and HTML.

An alert dict (the store's public shape) becomes an ``AlertView``: the claim in words,
the new figure and the earlier ones it contradicts, each with outlet, quote, who is
cited and link. Every string from a feed is cleaned of control characters and cut to
a bounded length here; HTML escaping happens in ``html_body``, Slack's in
``monitor.notify.slack``. An update ("rose from 11,000 (5 Nov, seoul-wire) to 14,000
(20 Feb, rheinkurier), +27%"), a correction ("daily-post corrected 15,000 to 11,000;
alert 2 withdrawn") and a withdrawn alert say so in their headline and labels (issue 12).
Links are kept only for http(s) URLs, so a feed cannot slip a ``javascript:`` link into
an email.

Pure: no I/O.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from monitor.figures import CLAIM_LABELS
from monitor.figures.divergence import figure_of, format_value
from monitor.text import clean, counted, without_tracking
from monitor.types import CONTRADICTION, CORRECTION, UPDATE, WITHDRAWN

__all__ = [
    "AlertView",
    "Message",
    "NoticeView",
    "Report",
    "StoryEntry",
    "html_body",
    "notice_view",
    "subject",
    "test_view",
    "text_body",
    "view",
]

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
    # "North Korean troops in Kursk: about 14,000 (Rheinblick) vs 10,000–12,000 (North Wire)"
    headline: str
    new: Report
    previous: tuple[Report, ...]  # at most PREVIOUS_SHOWN
    more_previous: int  # how many earlier reports were left out
    reason: str
    topic: str | None
    created: str | None
    claim: str = ""  # "North Korean troops in Kursk"
    kind: str = CONTRADICTION  # or UPDATE, CORRECTION (issue 12)
    new_label: str = "New"  # "Now" for an update, "Corrected to" for a correction
    earlier_label: str = "Earlier"  # "Before", "Was"
    withdrawn: str | None = None  # why this alert was withdrawn, when it was


@dataclass(frozen=True)
class StoryEntry:
    """One article of a story, as a notice lists it."""

    source: str
    title: str
    url: str | None  # http(s) only
    published: str | None  # "2025-06-18"
    lang: str | None
    reprint_of: str | None  # the outlet it copies, for a reprint


@dataclass(frozen=True)
class NoticeView:
    """A story notice: a story has just reached a channel's number of sources."""

    notice_id: int
    story_id: int
    headline: str  # "New story, 3 sources: North Korea pledges deminers …"
    title: str
    sources: int
    reprints: int
    languages: tuple[str, ...]
    entries: tuple[StoryEntry, ...]  # at most ENTRIES_SHOWN
    more_entries: int
    figures: tuple[str, ...]  # "North Korean troops: 10,000–12,000 (North Wire), …"
    topic: str | None
    created: str | None


# What a channel carries in one message: alerts and story notices (more than one: a digest).
Message = AlertView | NoticeView

ENTRIES_SHOWN = 8  # a notice lists the first articles of the story
FIGURES_SHOWN = 4  # ... and the first claims read from them

_WHOSE = {"north_korean": "North Korean", "russian": "Russian", "ukrainian": "Ukrainian"}
_WHERE = {"kursk": "Kursk", "russia": "Russia", "ukraine": "Ukraine"}
# Casualty kinds read as a participle: "North Korean soldiers killed", not "killed".
_PARTICIPLES = ("killed", "wounded", "killed_or_wounded", "captured")


def claim_phrase(claim_key: str, figures: Sequence[Mapping[str, Any]] = ()) -> str:
    """The claim in words, with whose and where when a figure names them:
    "North Korean troops in Kursk", "North Korean soldiers killed", "Additional troops"."""
    kind, _, modifier = claim_key.partition("/")
    label = CLAIM_LABELS.get(kind, kind.replace("_", " "))
    whose = next((_WHOSE[f["scope"]] for f in figures if f.get("scope") in _WHOSE), None)
    where = next((_WHERE[f["place"]] for f in figures if f.get("place") in _WHERE), None)
    if kind in _PARTICIPLES:
        phrase = f"{whose} soldiers {label}" if whose else label
    else:
        phrase = f"{whose} {label}" if whose else label
    if modifier == "increment":
        phrase = f"additional {phrase}"
    elif modifier == "deployment":
        phrase = f"{phrase} to be sent"  # announced or pledged, not already in place
    if where:
        phrase += f" {'to' if modifier == 'deployment' else 'in'} {where}"
    return phrase[:1].upper() + phrase[1:]


def http_url(url: object) -> str | None:
    """The URL without tracking parameters when it is http(s) and printable, else None."""
    text = clean(url)
    if not text or any(ch.isspace() for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return without_tracking(text)  # the reader follows the link; nobody need track it


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
    kind = alert.get("kind") or CONTRADICTION
    new = report(alert["new"])
    rows = list(alert["previous"])
    if kind == CORRECTION and any(row.get("id") == alert["new"].get("id") for row in rows):
        rows = []  # nothing replaced the corrected figure: "new" is the one withdrawn
    everything = [report(row) for row in rows]
    # The store names the newest few earlier figures and counts them all.
    total = max(len(everything), int(alert.get("previous_count") or 0)) if rows else 0
    earlier = "; ".join(f"{r.value} ({r.source})" for r in everything[:PREVIOUS_SHOWN])
    if total > PREVIOUS_SHOWN:
        earlier += f"; {total - PREVIOUS_SHOWN} more"
    claim = claim_phrase(alert["claim"], [alert["new"], *alert["previous"]])
    reason = clean(alert.get("reason"), 400)
    labels = ("New", "Earlier")
    if kind == UPDATE:
        headline, labels = f"{claim}: {reason}", ("Now", "Before")
    elif kind == CORRECTION:
        headline = f"Correction — {claim}: {reason}"
        labels = ("Corrected to", "Was") if everything else ("Withdrawn figure", "Was")
    else:
        headline = f"{claim}: {new.value} ({new.source}) vs {earlier}"
    withdrawn = None
    if alert.get("status") == WITHDRAWN:
        withdrawn = clean(alert.get("withdrawn_reason"), 400) or "withdrawn"
        headline = f"Withdrawn: {headline}"
    return AlertView(
        alert_id=int(alert["id"]),
        headline=clean(headline, SUBJECT_CHARS),
        new=new,
        previous=tuple(everything[:PREVIOUS_SHOWN]),
        more_previous=max(0, total - PREVIOUS_SHOWN),
        reason=reason,
        topic=clean(alert.get("topic")) or None,
        created=alert.get("created"),
        claim=claim,
        kind=kind,
        new_label=labels[0],
        earlier_label=labels[1],
        withdrawn=withdrawn,
    )


def _figures_said(
    rows: Sequence[Mapping[str, Any]],
) -> list[tuple[str, list[Mapping[str, Any]], str]]:
    """A story's figures by claim, shipped kinds in lexicon order (troops first): the
    claim, its rows and "10,000–12,000 (North Wire), about 14,000 (Rheinblick)". A
    modifier (an increment, an announced deployment) keeps a claim apart from the totals;
    one outlet saying one value twice is said once."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row["claim_key"]), []).append(row)
    order = list(CLAIM_LABELS)

    def rank(key: str) -> tuple[int, bool, str]:
        kind = key.split("/")[0]
        return (order.index(kind) if kind in order else len(order), "/" in key, key)

    found = []
    for key in sorted(groups, key=rank):
        groups[key].sort(key=lambda row: (str(row.get("published")), row.get("id") or 0))
        said = dict.fromkeys(
            f"{report(row).value} ({clean(row.get('source'), SOURCE_CHARS)})" for row in groups[key]
        )
        found.append((key, groups[key], ", ".join(list(said)[:4])))
    return found


def notice_view(notice: Mapping[str, Any]) -> NoticeView:
    """A story notice dict (store shape: story, its items and figures) as a NoticeView."""
    items = list(notice["items"])
    source_of = {row["id"]: clean(row.get("source"), SOURCE_CHARS) for row in items}
    entries = [
        StoryEntry(
            source=source_of[row["id"]] or "unknown source",
            title=clean(row.get("title"), TITLE_CHARS),
            url=http_url(row.get("url")),
            published=str(row["published"])[:10] if row.get("published") else None,
            lang=clean(row.get("lang")) or None,
            reprint_of=source_of.get(row["duplicate_of"]) if row.get("duplicate_of") else None,
        )
        for row in items
    ]
    figures = [
        clean(f"{claim_phrase(key, rows)}: {said}", 400)
        for key, rows, said in _figures_said(notice.get("figures", ()))[:FIGURES_SHOWN]
    ]
    title = clean(notice.get("title"), TITLE_CHARS)
    sources = int(notice["sources"])
    return NoticeView(
        notice_id=int(notice["id"]),
        story_id=int(notice["story_id"]),
        headline=clean(f"New story, {sources} sources: {title}", SUBJECT_CHARS),
        title=title,
        sources=sources,
        reprints=sum(entry.reprint_of is not None for entry in entries),
        languages=tuple(sorted({entry.lang for entry in entries if entry.lang})),
        entries=tuple(entries[:ENTRIES_SHOWN]),
        more_entries=max(0, len(entries) - ENTRIES_SHOWN),
        figures=tuple(figures),
        topic=clean(notice.get("topic")) or None,
        created=notice.get("created"),
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
        headline=(
            "Test from monitor — North Korean troops in Russia: 14,000 (Source A)"
            " vs 10,000–12,000 (Source B)"
        ),
        new=example,
        previous=(earlier,),
        more_previous=0,
        reason="a test: no alert was raised",
        topic=None,
        created=None,
        claim="North Korean troops in Russia",
    )


def subject(views: Sequence[Message]) -> str:
    """One alert or notice: its headline. A digest: how many, and of what."""
    if len(views) == 1:
        return views[0].headline
    alerts = [v for v in views if isinstance(v, AlertView)]
    notices = [v for v in views if isinstance(v, NoticeView)]
    parts = []
    for kind, one, many in (
        (CONTRADICTION, "figure disagrees", "figures disagree"),
        (UPDATE, "update", "updates"),
        (CORRECTION, "correction", "corrections"),
    ):
        of_kind = [v for v in alerts if v.kind == kind]
        if of_kind:
            claims = ", ".join(
                dict.fromkeys(v.claim or v.headline.split(":", 1)[0] for v in of_kind)
            )
            parts.append(f"{len(of_kind)} {one if len(of_kind) == 1 else many}: {claims}")
    if notices:
        unit = "new story" if len(notices) == 1 else "new stories"
        titles = "; ".join(v.title for v in notices)
        parts.append(f"{len(notices)} {unit}" if alerts else f"{len(notices)} {unit}: {titles}")
    return clean(" · ".join(parts), SUBJECT_CHARS)


def _day(published: str | None) -> str:
    return f", {published}" if published else ""


def _report_lines(label: str, r: Report) -> list[str]:
    lines = [f"{label}: {r.value} — {r.source}{_day(r.published)}"]
    if r.quote:
        lines.append(f"  “{r.quote}”")
    if r.attribution:
        lines.append(f"  according to {r.attribution}")
    if r.title:
        lines.append(f"  Article: {r.title}")
    if r.url:
        lines.append(f"  {r.url}")
    return lines


def _alert_text(v: AlertView) -> list[str]:
    lines = [v.headline, "", *_report_lines(v.new_label, v.new)]
    for earlier in v.previous:
        lines += ["", *_report_lines(v.earlier_label, earlier)]
    if v.more_previous:
        lines += ["", f"…and {v.more_previous} more earlier reports (monitor alerts)"]
    lines += ["", f"Why: {v.reason}"]
    if v.withdrawn:
        lines.append(f"Withdrawn: {v.withdrawn}")
    return [*lines, _footer(v)]


def notice_summary(v: NoticeView) -> str:
    """ "3 outlets (1 reprint) in de, en" """
    summary = counted(v.sources, "outlet")
    if v.reprints:
        summary += f" ({counted(v.reprints, 'reprint')})"
    if v.languages:
        summary += f" in {', '.join(v.languages)}"
    return summary


def _entry_line(e: StoryEntry) -> str:
    copy = f" (reprint of {e.reprint_of})" if e.reprint_of else ""
    return f"{e.source}{_day(e.published)}{copy}: {e.title}"


def _notice_text(v: NoticeView) -> list[str]:
    lines = [v.headline, "", f"Now carried by {notice_summary(v)}:"]
    for entry in v.entries:
        lines.append(f"- {_entry_line(entry)}")
        if entry.url:
            lines.append(f"  {entry.url}")
    if v.more_entries:
        lines.append(f"…and {v.more_entries} more (monitor story {v.story_id})")
    if v.figures:
        lines += ["", "Figures reported:", *(f"- {figure}" for figure in v.figures)]
    return [*lines, "", _footer(v)]


def text_body(views: Sequence[Message]) -> str:
    """The plain-text part of an email."""
    blocks = [
        "\n".join(_alert_text(v) if isinstance(v, AlertView) else _notice_text(v)) for v in views
    ]
    return ("\n\n" + "-" * 60 + "\n\n").join(blocks) + "\n"


def footer_parts(v: Message) -> list[str]:
    """topic, what it is (alert 1 / story 2 / test message), when."""
    if isinstance(v, NoticeView):
        parts = [f"story {v.story_id} (monitor story {v.story_id})"]
    else:
        parts = [f"alert {v.alert_id}"] if v.alert_id else ["test message"]
    if v.topic:
        parts.insert(0, f"topic {v.topic}")
    if v.created:
        parts.append(f"reported {v.created[:16].replace('T', ' ')} UTC")
    return parts


def _footer(v: Message) -> str:
    return " · ".join(footer_parts(v))


def _linked(label: str, url: str | None) -> str:
    e = html.escape
    return f'<a href="{e(url, quote=True)}">{e(label)}</a>' if url else e(label)


def _report_html(label: str, r: Report) -> str:
    e = html.escape
    parts = [
        f"<p><b>{e(label)}: {e(r.value)}</b> — {_linked(r.source, r.url)}{e(_day(r.published))}</p>"
    ]
    if r.quote:
        parts.append(f"<blockquote>“{e(r.quote)}”</blockquote>")
    details = []
    if r.attribution:
        details.append(f"according to {e(r.attribution)}")
    if r.title:
        details.append(f"Article: {_linked(r.title, r.url)}")
    if details:
        parts.append(f"<p>{'<br>'.join(details)}</p>")
    return "\n".join(parts)


def _alert_html(v: AlertView) -> list[str]:
    parts = [f"<h2>{html.escape(v.headline)}</h2>", _report_html(v.new_label, v.new)]
    parts += [_report_html(v.earlier_label, earlier) for earlier in v.previous]
    if v.more_previous:
        parts.append(f"<p>…and {v.more_previous} more earlier reports (monitor alerts)</p>")
    parts.append(f"<p>Why: {html.escape(v.reason)}</p>")
    if v.withdrawn:
        parts.append(f"<p>Withdrawn: {html.escape(v.withdrawn)}</p>")
    return parts


def _notice_html(v: NoticeView) -> list[str]:
    e = html.escape
    rows = []
    for entry in v.entries:
        copy = f" (reprint of {e(entry.reprint_of)})" if entry.reprint_of else ""
        rows.append(
            f"<li><b>{_linked(entry.source, entry.url)}</b>{e(_day(entry.published))}{copy}:"
            f" {e(entry.title)}</li>"
        )
    if v.more_entries:
        rows.append(f"<li>…and {v.more_entries} more (monitor story {v.story_id})</li>")
    parts = [
        f"<h2>{e(v.headline)}</h2>",
        f"<p>Now carried by {e(notice_summary(v))}:</p>",
        f"<ul>\n{chr(10).join(rows)}\n</ul>",
    ]
    if v.figures:
        listed = "".join(f"<li>{e(figure)}</li>" for figure in v.figures)
        parts.append(f"<p>Figures reported:</p><ul>{listed}</ul>")
    return parts


def html_body(views: Sequence[Message]) -> str:
    """The HTML part of an email; every feed string is escaped."""
    sections = []
    for v in views:
        parts = _alert_html(v) if isinstance(v, AlertView) else _notice_html(v)
        parts.append(f'<p style="color:#666">{html.escape(_footer(v))}</p>')
        sections.append("\n".join(parts))
    body = "\n<hr>\n".join(sections)
    return f'<!DOCTYPE html>\n<html><body style="font-family:sans-serif">\n{body}\n</body></html>\n'
