"""Commands about alerts and their delivery: alerts, alert N, alerts test, outbox, outbox retry."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import (
    ROW_ID,
    Context,
    cli,
    console,
    emit_json,
    json_option,
    known_topic,
    listed_total,
    listing_limit,
    newest_options,
    print_listing,
    topic_option,
)
from monitor.errors import ConfigError, DeliveryError, MonitorError

if TYPE_CHECKING:
    from rich.console import Group

    from monitor.config import Config
    from monitor.notify.outbox import ChannelReport
    from monitor.store import Store

no_deliver_option = click.option(
    "--no-deliver",
    is_flag=True,
    help="Leave new alerts in the outbox (`monitor outbox`) instead of sending them now.",
)


def deliver_pending(store: Store, config: Config) -> list[ChannelReport]:
    """Send what the outbox holds through the configured channels; one line per channel.

    A channel that is down is reported and its alerts wait; it is not an error of the
    command (the alerts are safe in the outbox).
    """
    from monitor.notify.outbox import outbox_for

    reports = outbox_for(store, config.alerts).deliver()
    for report in reports:
        if report.sent or report.waiting or report.failed or report.filtered:
            click.echo(f"delivery: {report.summary()}", err=True)
    return reports


@cli.group(invoke_without_command=True)
@json_option
@newest_options("newest")
@topic_option
@click.pass_context
def alerts(
    ctx: click.Context, as_json: bool, limit: int | None, show_all: bool, topic: str | None
) -> None:
    """List divergence alerts, newest first: the new figure and the earlier ones it
    contradicts; the 50 newest unless --limit N or --all.

    Each alert lists its deliveries (channel, status, tries); `monitor alert N` gives
    their last error. Without --json, a line on stderr says when there are more.
    """
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    limit = listing_limit(limit, show_all)
    with obj.store(read_only=True) as store:
        if topic is not None:
            known_topic(obj, store, topic)
        rows = store.alerts(limit=limit, topic=topic)
        total = listed_total(rows, limit, as_json, lambda: store.alert_count(topic))
    print_listing(rows, total, as_json, "alerts_table", "newest", "alerts")


@cli.command("alert")
@click.argument("alert_id", metavar="N", type=ROW_ID)
@json_option
@click.pass_obj
def alert_command(obj: Context, alert_id: int, as_json: bool) -> None:
    """Show alert N whole: its kind and status, the new figure and the earlier ones it
    contradicts (quote, source, time, link, who is cited), and its deliveries.

    `monitor explain --alert N` says why each earlier figure agreed or not. The JSON is
    one element of `monitor alerts --json`.
    """
    with obj.store(read_only=True) as store:
        found = store.alert(alert_id)
    if found is None:
        raise MonitorError(f"no alert {alert_id}")
    if as_json:
        emit_json(found)
    else:
        from monitor.ui import render

        console().print(render.alert_detail(found))


@alerts.command("test")
@click.argument("channel")
@click.pass_obj
def alerts_test(obj: Context, channel: str) -> None:
    """Send a test message through CHANNEL and report the result.

    CHANNEL is a channel's name: `email` or `slack` for a single one, else the `name:`
    it has under `alerts:`. The message is marked as a test and goes around the outbox
    (nothing is stored).
    """
    from monitor.notify.message import test_view
    from monitor.notify.outbox import channels_from, message_id

    config = obj.config()
    configured = channels_from(config.alerts)
    if channel not in configured:
        names = ", ".join(configured) or "none"
        raise ConfigError(
            f"no alert channel named {channel!r} in {obj.config_path} (configured: {names})"
        )
    sender, _ = configured[channel]
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    domain = getattr(sender, "id_domain", "monitor.invalid")
    try:
        receipt = sender.send([test_view()], message_id([0], f"test-{stamp}", domain))
    except DeliveryError as exc:
        raise DeliveryError(f"{channel}: test message not delivered: {exc}") from exc
    click.echo(f"{channel}: test message delivered: {receipt}")


@cli.group(invoke_without_command=True)
@json_option
@click.option("--all", "show_all", is_flag=True, help="Include delivered and filtered rows.")
@click.pass_context
def outbox(ctx: click.Context, as_json: bool, show_all: bool) -> None:
    """List deliveries not yet made (alerts and story notices): pending, with their next
    try, and failed.

    A pending delivery is retried with growing waits (30 s up to 1 h) while its channel
    is down; a failed one was refused by the channel and waits for `monitor outbox retry`.
    Without a subcommand this lists; `monitor outbox deliver` sends what is due now.
    """
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    with obj.store(read_only=True) as store:
        rows = store.outbox(include_delivered=show_all)
    if as_json:
        emit_json(rows)
    else:
        console().print(outbox_table(rows))


@outbox.command("retry")
@click.option("--id", "ids", type=ROW_ID, multiple=True, help="Only this outbox row (repeatable).")
@click.option("--no-deliver", is_flag=True, help="Only make them due; the daemon sends them.")
@click.pass_obj
def outbox_retry(obj: Context, ids: tuple[int, ...], no_deliver: bool) -> None:
    """Make pending and failed deliveries due now, then send them (unless --no-deliver)."""
    config = obj.config()
    with obj.store() as store:
        known = {row["id"] for row in store.outbox(include_delivered=True)}
        missing = [str(i) for i in ids if i not in known]
        if missing:
            listed = "`monitor outbox --all` lists them"
            raise MonitorError(f"no outbox row {', '.join(missing)} ({listed})")
        count = store.retry_deliveries(datetime.now(UTC), list(ids) if ids else None)
        click.echo(f"{count} {'delivery' if count == 1 else 'deliveries'} due now", err=True)
        if not no_deliver:
            _exit_on_failure(deliver_pending(store, config))


@outbox.command("deliver")
@click.pass_obj
def outbox_deliver(obj: Context) -> None:
    """Send the deliveries that are due now (what `monitor run` does every few seconds)."""
    config = obj.config()
    with obj.store() as store:
        _exit_on_failure(deliver_pending(store, config))


def _exit_on_failure(reports: Sequence[ChannelReport]) -> None:
    if any(report.error for report in reports):
        sys.exit(1)


def _what(row: dict[str, Any]) -> str:
    """ "alert 3", or "story 2" for a story notice."""
    if row.get("alert_id") is None and row.get("story_id") is not None:
        return f"story {row['story_id']}"
    return f"alert {row['alert_id']}"


def outbox_table(rows: Sequence[dict[str, Any]]) -> Group:
    """One row per delivery; under the table, each delivery's last error on a line of
    its own (an error names hosts and ports: it needs the width)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from monitor.text import clean
    from monitor.ui import render

    table = Table(title="Outbox", title_justify="left")
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("for", no_wrap=True)
    table.add_column("channel", max_width=16, overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("tries", justify="right", no_wrap=True)
    table.add_column("next try (UTC)", no_wrap=True)
    errors = []
    for row in rows:
        due = render.day(row["next_attempt"]) if row["status"] == "pending" else "-"
        channel = clean(row["channel"], 30)
        table.add_row(
            str(row["id"]),
            _what(row),
            Text(channel),
            Text(row["status"]),
            str(row["attempts"]),
            due,
        )
        if row.get("last_error"):
            error = clean(row["last_error"], 300)
            said = f"delivery {row['id']} ({_what(row)}, {channel}), last error: {error}"
            errors.append(Text(said, style="red" if row["status"] == "failed" else "dim"))
    return Group(table, *errors)
