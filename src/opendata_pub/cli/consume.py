"""Command list: what a source publishes (library: opendata_pub.portals.listing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.markup import escape
from rich.table import Table

from .. import actions
from ..actions import DEFAULT_TIMEOUT
from .app import FORMAT, app, current_settings, out, print_json

if TYPE_CHECKING:
    from ..portals.listing import DatasetSummary

__all__ = ["list_command"]


def _table(found: list[DatasetSummary]) -> Table:
    table = Table(title=f"データセット {len(found)} 件", title_justify="left")
    for head in ("名前", "タイトル", "提供者", "最終更新日", "形式"):
        table.add_column(head, overflow="fold", no_wrap=head in ("名前", "最終更新日"))
    for d in found:
        table.add_row(escape(d.name), escape(d.title), escape(d.publisher or "—"), escape(d.modified or "—"),
                      escape(", ".join(d.formats) or "—"))
    return table


@app.command("list")
@click.option("--from", "source", metavar="SOURCE",
              help="CKAN URL, portal name, or static catalog (folder or URL) (default: default_target).")
@click.option("--query", "-q", metavar="TEXT", help="Only datasets matching these words.")
@click.option("--publisher", metavar="CODE", help="Only datasets of this publisher (団体コード, 6 or 5 digits).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Give up when the listing takes longer.")
@click.option("--allow-insecure", is_flag=True,
              help="Send a configured portal's token over plain http to a non-loopback host.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", *FORMAT.choices]), default="table",
              show_default=True, help="Output format (text is table).")
def list_command(source: str | None, query: str | None, publisher: str | None, timeout: float,
                 allow_insecure: bool, fmt: str) -> None:
    """List the datasets a source publishes: name, title, publisher, modified, formats.

    From a CKAN portal (package_search) or a static catalog (its catalog.jsonld), by URL or folder.
    """
    found = actions.list_datasets(source, query=query, publisher=publisher, settings=current_settings(),
                                  timeout=timeout, allow_insecure=allow_insecure)
    if fmt == "json":
        print_json([d.to_dict() for d in found])
        return
    if not found:
        out.print("データセットはありません")
        return
    out.print(_table(found))
