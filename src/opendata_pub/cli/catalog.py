"""Catalog commands: ``inventory`` (the dataset inventory, 06 list, counts per 年度) and ``new``.

Both only print; the work is in ``opendata_pub.inventory`` and ``actions.new_package`` / ``new_from``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from .. import actions
from ..config import Settings
from ..errors import UsageError
from ..inventory import (
    DatePrecision,
    Inventory,
    InventoryEntry,
    PublisherCounts,
    build_inventory,
    open_data_list_csv,
)
from ..metadata.licenses import find_license
from ..packaging.project import load_packages
from .app import EXIT_FAILED, EXIT_OK, FORMAT, app, current_settings, out, print_json, print_report, write_data

__all__ = ["inventory", "new"]


def _license_label(value: str) -> str:
    lic = find_license(value)
    return lic.id if lic else value


# The columns of the entries table: heading, the narrowest width it stays readable at, and its cell.
# In the order shown; when the console is too narrow for all of them at that width, columns are
# dropped from the end of _DROP_ORDER (least needed first) instead of being squeezed to nothing.
_Cell = Callable[[InventoryEntry], str]
_COLUMNS: dict[str, tuple[int, _Cell]] = {
    "ID": (12, lambda e: escape(e.id)),
    "タイトル": (12, lambda e: escape(e.title)),
    "提供者": (8, lambda e: escape(e.publisher_name or e.publisher)),
    "状態": (8, lambda e: e.status.label),
    "公開年度": (10, lambda e: escape(e.fiscal_year_label or "—")),
    "公開日": (10, lambda e: escape((e.issued or "—")[:10])),
    "最終更新日": (10, lambda e: escape((e.modified or "—")[:10])),
    "ライセンス": (8, lambda e: escape(", ".join(_license_label(x) for x in e.licenses) or "—")),
    "形式": (6, lambda e: escape(", ".join(e.all_formats()) or "—")),
    # the source text (an evaluation sheet …) is long: it is in --format json and csv, not here
    "記載元": (8, lambda e: "パッケージ" if e.packaged else escape(Path(e.origin).name)),
}
_DROP_ORDER = ("ID", "タイトル", "状態", "公開年度", "形式", "提供者", "最終更新日", "公開日", "ライセンス", "記載元")


def _fitting_columns(width: int) -> list[str]:
    """The columns that fit ``width`` at their narrowest, in display order; ID and title always."""
    kept = list(_DROP_ORDER)
    # a column costs its width plus 3 (a border and one space each side); the table one more border
    while len(kept) > 2 and sum(_COLUMNS[h][0] + 3 for h in kept) + 1 > width:
        kept.pop()
    return [h for h in _COLUMNS if h in kept]


def _entries_table(inv: Inventory, width: int) -> tuple[Table, list[str]]:
    """The entries as a table that fits ``width`` (text wraps within cells), and the columns left out."""
    heads = _fitting_columns(width)
    table = Table(title="データセット一覧", title_justify="left", show_lines=False)
    for head in heads:
        table.add_column(head, overflow="fold", min_width=_COLUMNS[head][0])
    for e in inv.entries:
        table.add_row(*(_COLUMNS[head][1](e) for head in heads))
    return table, [h for h in _COLUMNS if h not in heads]


def _counts_table(counts: PublisherCounts) -> Table:
    name = counts.publisher_name or counts.publisher
    table = Table(title=f"{name} ({counts.publisher}) 年度別の公開数", title_justify="left")
    bounded = any(y.new_bounded for y in counts.years)
    heads = ["年度", "新規", *(["うち年度不確定"] if bounded else []), "累計", "報告値 (新規)", "報告値 (累計)"]
    for head in heads:
        table.add_column(head, justify="right" if head != "年度" else "left")
    for y in counts.years:
        cells = [y.label, str(y.new), *([str(y.new_bounded or "—")] if bounded else []), str(y.cumulative),
                 "—" if y.reported_new is None else str(y.reported_new),
                 "—" if y.reported_cumulative is None else str(y.reported_cumulative)]
        table.add_row(*cells)
    return table


@app.command()
@click.option("--publisher", "-p", metavar="CODE", help="Only this publisher (全国地方公共団体コード).")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="table: Japanese columns; csv: the 06 オープンデータ一覧; json: entries and counts.")
def inventory(publisher: str | None, fmt: str) -> None:
    """The dataset inventory: packages plus inventory.yaml, and datasets published per fiscal year.

    データセット一覧 (パッケージと inventory.yaml) と年度別の公開数を表示します。
    """
    settings = current_settings()
    inv = build_inventory(settings, load_packages(settings))
    if publisher is not None:
        if publisher not in inv.publishers() and settings.publisher(publisher) is None:
            known = ", ".join(inv.publishers()) or "なし"
            raise UsageError(f"--publisher {publisher}: その団体のデータセットがありません", hint=f"団体コード: {known}")
        inv = inv.for_publisher(publisher)
    if fmt == "csv":
        write_data(open_data_list_csv(inv).decode("utf-8"))
        return
    if fmt == "json":
        print_json(inv.to_dict())
        return
    table, dropped = _entries_table(inv, out.width)
    out.print(table)
    if dropped:
        out.print(f"  [dim]幅 {out.width} 桁に収まらない列は省きました: {'、'.join(dropped)} "
                  "(すべての列は --format csv か json で)[/]")
    for counts in inv.counts():
        out.print()
        out.print(_counts_table(counts))
        notes = []
        if counts.undated:
            notes.append(f"公開年度のわからない公開済みデータセット {counts.undated} 件は年度別の数に入っていません")
        if counts.planned:
            notes.append(f"公開予定 {counts.planned} 件")
        if any(y.new_bounded for y in counts.years):
            notes.append("うち年度不確定: 遅くともその年度までに公開したことだけがわかっている件数 "
                         "(それより前の年度に公開された可能性があり、前の年度の累計は下限)")
        for note in notes:
            out.print(f"  [dim]{escape(note)}[/]")
    bounded = sum(1 for e in inv.entries if e.date_precision is DatePrecision.BY_FISCAL_YEAR)
    out.print(f"\n{len(inv.entries)} 件 (パッケージ {len(inv.packaged())} 件、inventory.yaml {len(inv.unpackaged())} 件"
              + (f"、うち公開年度が上限だけのもの {bounded} 件" if bounded else "") + ")")


@app.command()
@click.argument("package_dir", type=click.Path(path_type=Path))
@click.option("--template", "-t", "template", metavar="NAME",
              help="Standard schema: id (jp-ods-08-aed), number (08), title (AED設置箇所一覧) or short name (AED, "
                   "投票所). With --from: apply this standard instead of recognising it from the header.")
@click.option("--from", "from_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Adopt an existing CSV/TSV: copy it as is, apply the standard its header follows (old or new "
                   "layout) or the inferred schema, record bytes and hash, and validate.")
@click.option("--publisher", "-p", metavar="CODE", help="Publisher code from opendata.yaml (default: the operator).")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
def new(package_dir: Path, template: str | None, from_file: Path | None, publisher: str | None, fmt: str) -> None:
    """Make a new package: from a standard schema (--template: datapackage.yaml and a header-only CSV),
    or from an existing CSV (--from: the file adopted, hashed and validated).

    標準データセットのスキーマから雛形を作るか (--template)、手元の CSV をそのまま取り込んで検証済みの
    データパッケージにします (--from)。既存のフォルダは上書きしません。
    """
    settings = current_settings()
    if from_file is not None:
        _new_from(from_file, package_dir, template, publisher, fmt, settings)
        return
    if template is None:
        raise UsageError("--template か --from のどちらかを指定してください",
                         hint="例: opendata-pub new --template AED datapackages/aed、"
                              "opendata-pub new --from aed.csv datapackages/aed")
    result = actions.new_package(package_dir, template, settings=settings, publisher=publisher)
    if fmt == "json":
        print_json({"path": str(result.path), "standard": result.standard,
                    "written": [str(p) for p in result.written]})
        return
    for path in result.written:
        out.print(f"作成しました: {escape(str(path))}")
    out.print(f"標準: {escape(result.standard)}、タイトル: {escape(str(result.descriptor['title']))}")
    out.print("[dim]次に: CSV にデータを入れ、datapackage.yaml の title・description・issued・modified などを直してから "
              "opendata-pub validate で確かめてください。手元に CSV があるなら new --from FILE が早道です[/]")


def _new_from(file: Path, package_dir: Path, template: str | None, publisher: str | None, fmt: str,
              settings: Settings) -> None:
    result = actions.new_from(file, package_dir, settings=settings, template=template, publisher=publisher)
    adopted, resource = result.adopted, result.adopted.descriptor["resources"][0]
    if fmt == "json":
        print_json({"path": str(adopted.path), "standard": adopted.standard, "variant": adopted.variant,
                    "encoding": resource.get("encoding"), "bytes": resource.get("bytes"),
                    "hash": resource.get("hash"), "written": [str(p) for p in adopted.written],
                    "report": result.report.to_dict()})
        sys.exit(EXIT_OK if result.report.valid else EXIT_FAILED)
    for path in adopted.written:
        out.print(f"作成しました: {escape(str(path))}")
    m = adopted.match
    if m is not None:
        out.print(f"標準: {escape(m.title)} ({escape(m.standard_id)})、{escape(m.layout)}"
                  f" — 必須項目 {m.score:.0%}、列の {m.coverage:.0%} が一致")
    else:
        out.print("標準: 一致するものなし — 推定したスキーマを使いました")
    out.print(f"文字コード: {escape(str(resource.get('encoding')))}、{resource.get('bytes'):,} バイト、"
              f"{escape(str(resource.get('hash')))}")
    out.print("")
    print_report(result.report)
    sys.exit(EXIT_OK if result.report.valid else EXIT_FAILED)
