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
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import click

from monitor.cli.app import Context, cli, console, emit_json, json_option
from monitor.errors import ConfigError, MonitorError
from monitor.text import clean, counted
from monitor.types import FeedSpec

OPML_FEED_TYPES = ("rss", "atom", "rdf", "")  # "" : many exporters leave type out


@cli.group(invoke_without_command=True)
@json_option
@click.pass_context
def feeds(ctx: click.Context, as_json: bool) -> None:
    """List feeds with their fetch state: status, last success, failures, next poll.

    Status is ok, new (never fetched), retrying (failed lately, fewer times in a row
    than poll.failing_after), failing (that many failures in a row or more), gone (the
    server answered 410) or disabled (removed, or no longer in feeds.yaml: not polled,
    no next poll). A feed that moved (301/308) shows where it is fetched from now.
    Subcommands add, remove, import and export manage the list.
    """
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    failing_after = obj.config().poll.failing_after
    with obj.store(read_only=True) as store:
        rows = store.feeds(failing_after)
    if as_json:
        emit_json(rows)
    else:
        from monitor.ui import render

        console().print(render.feeds_table(rows))


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
    """Add a feed by URL (kept in the state, not in feeds.yaml); polled from the next cycle.

    A feed removed earlier is polled again, with its history, as it was (the options
    given replace its settings). A feed polled already is left as it is; a name another
    feed has is refused.
    """
    from monitor.store import DB_FILENAME
    from monitor.store.feeds import name_taken

    config = obj.config()
    spec = _spec(url, name, interval or config.poll.interval, lang, fulltext)
    given = {
        option
        for option, value in (
            ("name", (name or "").strip()),
            ("interval", interval),
            ("lang", lang),
            ("fulltext", fulltext),
        )
        if value
    }
    listed = next((feed for feed in config.feeds if feed.url == spec.url), None)
    if listed is not None:
        if not listed.enabled:
            raise ConfigError(
                f"{spec.url} is listed in {config.source or 'feeds.yaml'} with enabled: false:"
                " enable it there"
            )
        click.echo(_already_known(listed.name, spec, given), err=True)
        return
    taken = {feed.name: feed.url for feed in config.feeds if feed.enabled}
    if spec.name in taken and not (obj.state / DB_FILENAME).is_file():
        raise ConfigError(name_taken(spec.name, taken[spec.name]))  # before making a state
    with obj.store() as store:
        done = store.add_feed(spec, datetime.now(UTC), given=given, taken=taken)
    if done.outcome == "known":
        click.echo(_already_known(done.name, spec, given), err=True)
    else:
        click.echo(f"{done.outcome}: {done.name} <{done.url}>", err=True)


def _already_known(name: str, spec: FeedSpec, given: set[str]) -> str:
    """`already known: NAME <url>`, saying which options given were not applied."""
    ignored = [option for option in ("name", "interval", "lang", "fulltext") if option in given]
    if "name" in ignored and spec.name == name:
        ignored.remove("name")  # the name it has
    line = f"already known: {name} <{spec.url}>"
    if not ignored:
        return line
    what = {True: "name", False: "settings"}
    kept = " and ".join(dict.fromkeys(what[option == "name"] for option in ignored))
    options = ", ".join(f"`--{option}`" for option in ignored)
    verb = "applies" if len(ignored) == 1 else "apply"
    return f"{line} (kept its {kept}; {options} {verb} only to a new or removed feed)"


@feeds.command("remove")
@click.argument("feed")
@click.pass_obj
def remove(obj: Context, feed: str) -> None:
    """Stop polling a feed added with `feeds add` or `import` (FEED: its URL or name).

    Its items, stories and figures stay; `feeds add URL` polls it again. A feed listed
    in feeds.yaml is removed there.
    """
    with obj.store() as store:
        name, url, was_polled = store.remove_feed(feed)
    click.echo(f"removed: {name}" if was_polled else f"already removed: {name} <{url}>", err=True)


@feeds.command("import")
@click.argument("opml", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--interval", type=click.IntRange(min=1), help="Seconds between polls.")
@click.pass_obj
def import_(obj: Context, opml: Path, interval: int | None) -> None:
    """Add every feed of an OPML file (as exported by feed readers).

    An entry left out (no xmlUrl, a file:// or other non-http(s) URL, a duplicate within
    the file) is reported on stderr, one line each, and so is a removed feed the file
    lists, which is polled again with its name and history (re-added). Feeds polled
    already, added or in feeds.yaml, are only counted ("already known").
    """
    outlines, skipped = _read_opml(opml)
    for line in skipped:
        click.echo(f"{opml}: {line}", err=True)
    if not outlines:
        raise ConfigError(f"{opml}: no http(s) feed to import ({len(skipped)} skipped)")
    config = obj.config()
    every = interval or config.poll.interval
    listed = {feed.url for feed in config.feeds}
    given = {"interval"} if interval else set()
    added = readded = known = 0
    with obj.store() as store:
        for url, title in outlines:
            if url in listed:
                known += 1
                continue
            spec = _spec(url, title, every, None, False)
            done = store.add_feed(spec, datetime.now(UTC), given=given)
            if done.outcome == "added":
                added += 1
            elif done.outcome == "re-added":
                readded += 1
                click.echo(f"{opml}: re-added {clean(done.name, 200)} <{done.url}>", err=True)
            else:
                known += 1
    click.echo(
        f"{opml}: {counted(added, 'feed')} added, {readded} re-added, {known} already known,"
        f" {len(skipped)} skipped",
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
    from xml.etree import ElementTree

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
        try:
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise MonitorError(f"{output}: cannot write: {exc.strerror or exc}") from exc


def _spec(url: str, name: str | None, interval: int, lang: str | None, fulltext: bool) -> FeedSpec:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{url}: not an http(s) feed URL")
    host = parts.hostname.removeprefix("www.")
    return FeedSpec(
        url=url,
        name=clean(name, 200) or host,  # an OPML file's title may hold anything
        interval=interval,
        lang=lang,
        fulltext=fulltext,
    )


def _read_opml(path: Path) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(xmlUrl, title) of every feed outline, nested folders included, and one line per
    outline left out and why (no xmlUrl, not a feed type, not http(s), a duplicate).

    A folder (an outline holding others) is not an entry and is not reported.
    """
    from xml.etree import ElementTree

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
