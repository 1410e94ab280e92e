"""Commands about feeds: list them, add and remove them, import and export OPML.

Where feeds live: ``feeds.yaml`` is never rewritten by a command (it is the user's
file, with the user's comments). ``monitor feeds add`` and ``import`` put feeds in the
store instead (the ``feeds`` table, ``added`` set); they are polled by ``poll`` and
``run`` next to the configured ones, and ``run`` picks them up without a restart.
``remove`` stops polling such a feed (its items stay); a feed listed in feeds.yaml is
removed by deleting it from the file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import click

from monitor.cli.app import Context, cli, json_option, show
from monitor.errors import ConfigError
from monitor.pipeline import utcnow
from monitor.text import clean, counted
from monitor.types import FeedSpec
from monitor.ui import render

OPML_FEED_TYPES = ("rss", "atom", "rdf", "")  # "" : many exporters leave type out


@cli.group(invoke_without_command=True)
@json_option
@click.pass_context
def feeds(ctx: click.Context, as_json: bool) -> None:
    """List feeds with their fetch state: status, last success, failures, next poll.

    Status is ok, new (never fetched), failing (several failures in a row), gone (the
    server answered 410) or disabled. A feed that moved (301/308) shows where it is
    fetched from now. Subcommands add, remove, import and export manage the list.
    """
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    failing_after = obj.config().poll.failing_after
    with obj.store(read_only=True) as store:
        rows = store.feeds(failing_after)
    show(rows, as_json, render.feeds_table)


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="The outlet's name.  [default: the URL's host]")
@click.option("--interval", type=click.IntRange(min=1), help="Seconds between polls.")
@click.option("--lang", type=click.Choice(["de", "en", "ru", "ko"]), help="The feed's language.")
@click.option("--fulltext", is_flag=True, help="Fetch each new entry's page for its full text.")
@click.pass_obj
def add(
    obj: Context,
    url: str,
    name: str | None,
    interval: int | None,
    lang: str | None,
    fulltext: bool,
) -> None:
    """Add a feed by URL (kept in the state, not in feeds.yaml); polled from the next cycle."""
    spec = _spec(url, name, interval or obj.config().poll.interval, lang, fulltext)
    with obj.store() as store:
        added = store.add_feed(spec, utcnow())
    click.echo(f"{'added' if added else 'already known'}: {spec.name} <{spec.url}>", err=True)


@feeds.command("remove")
@click.argument("feed")
@click.pass_obj
def remove(obj: Context, feed: str) -> None:
    """Stop polling a feed added with `feeds add` or `import` (FEED: its URL or name).

    Its items, stories and figures stay. A feed listed in feeds.yaml is removed there.
    """
    with obj.store() as store:
        name = store.remove_feed(feed)
    click.echo(f"removed: {name}", err=True)


@feeds.command("import")
@click.argument("opml", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--interval", type=click.IntRange(min=1), help="Seconds between polls.")
@click.pass_obj
def import_(obj: Context, opml: Path, interval: int | None) -> None:
    """Add every feed of an OPML file (as exported by feed readers).

    An entry left out (no xmlUrl, a file:// or other non-http(s) URL, a duplicate) is
    reported on stderr, one line each, and counted in the summary.
    """
    outlines, skipped = _read_opml(opml)
    for line in skipped:
        click.echo(f"{opml}: {line}", err=True)
    if not outlines:
        raise ConfigError(f"{opml}: no http(s) feed to import ({len(skipped)} skipped)")
    every = interval or obj.config().poll.interval
    added = known = 0
    with obj.store() as store:
        for url, title in outlines:
            if store.add_feed(_spec(url, title, every, None, False), utcnow()):
                added += 1
            else:
                known += 1
    click.echo(
        f"{opml}: {counted(added, 'feed')} added, {known} already known, {len(skipped)} skipped",
        err=True,
    )


@feeds.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file.  [default: stdout]",
)
@click.pass_obj
def export(obj: Context, output: Path | None) -> None:
    """Print every enabled feed (configured and added) as OPML 2.0."""
    with obj.store(read_only=True) as store:
        rows = [row for row in store.feeds() if row["enabled"]]
    root = ElementTree.Element("opml", version="2.0")
    ElementTree.SubElement(ElementTree.SubElement(root, "head"), "title").text = "monitor feeds"
    body = ElementTree.SubElement(root, "body")
    for row in rows:
        ElementTree.SubElement(
            body,
            "outline",
            type="rss",
            text=row["name"],
            title=row["name"],
            xmlUrl=row["fetch_url"],  # where it lives now, after any permanent redirect
        )
    ElementTree.indent(root)
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, "unicode")
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")


def _spec(url: str, name: str | None, interval: int, lang: str | None, fulltext: bool) -> FeedSpec:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{url}: not an http(s) feed URL")
    host = parts.hostname.removeprefix("www.")
    return FeedSpec(
        url=url,
        name=(name or "").strip() or host,
        interval=interval,
        lang=lang,
        fulltext=fulltext,
    )


def _read_opml(path: Path) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(xmlUrl, title) of every feed outline, nested folders included, and one line per
    outline left out and why (no xmlUrl, not a feed type, not http(s), a duplicate).

    A folder (an outline holding others) is not an entry and is not reported.
    """
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as exc:
        raise ConfigError(f"{path}: not an OPML file: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if root.tag.lower() != "opml":
        raise ConfigError(f"{path}: not an OPML file (root element <{root.tag}>)")
    found: list[tuple[str, str | None]] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        title = outline.get("title") or outline.get("text")
        if not url and len(outline):
            continue  # a folder
        label = " ".join(f"{title or ''} <{url}>".split()) if url else repr(title or "")
        kind = (outline.get("type") or "").lower()
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if not url:
            reason = "no xmlUrl"
        elif kind not in OPML_FEED_TYPES:
            reason = f"type {kind!r} is not a feed"
        elif scheme == "file":
            reason = "file:// URL (import adds http(s) feeds; list local files in feeds.yaml)"
        elif scheme not in ("http", "https") or not parts.hostname:
            reason = "not an http(s) URL"
        elif url in seen:
            reason = "duplicate"
        else:
            seen.add(url)
            found.append((url, title))
            continue
        skipped.append(f"skipped {clean(label, 200)}: {reason}")
    if not found and not skipped:
        raise ConfigError(f"{path}: no feed outlines (xmlUrl) found")
    return found, skipped
