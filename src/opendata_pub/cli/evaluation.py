"""Commands for evaluation records: ``evaluation import``, ``evaluation layouts`` and ``build``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from .. import actions
from ..findings import Severity
from ..packaging.stamp import StampResult
from ..records.model import Level
from .app import EXIT_FAILED, EXIT_OK, app, current_settings, finding_line, out, print_json

if TYPE_CHECKING:
    from ..packaging.build import ImportOutcome
    from ..packaging.writer import BuildResult

FORMAT = click.Choice(["text", "json"])


@app.group()
def evaluation() -> None:
    """Evaluation records (行政評価): import sheets into packages."""


@evaluation.command("import")
@click.argument("sheets", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--municipality", "-m", required=True, help="全国地方公共団体コード (6 digits), e.g. 132217.")
@click.option("--name", help="The municipality's name (default: from opendata.yaml's publishers).")
@click.option("--package", "-p", "package_dir", required=True, type=click.Path(path_type=Path),
              help="The package folder to write (sources/, data/, datapackage.yaml).")
@click.option("--layout", "layout", metavar="PATH_OR_NAME",
              help="Skip layout detection: a text layout (kiyose, joso, koto), a built-in workbook layout "
                   "(see `evaluation layouts`) or a layout file (.yaml).")
@click.option("--date", "day", help="issued/modified of a new package (YYYY-MM-DD; default: today).")
@click.option("--modified", help="Set modified (YYYY-MM-DD) when re-importing changes published data.")
@click.option("--to", "to", metavar="TARGET",
              help="Where the package is published (default: default_target): asked only when changed data "
                   "keeps its modified date, which is refused once the package is published.")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True)
def import_(sheets: tuple[Path, ...], municipality: str, name: str | None, package_dir: Path, layout: str | None,
            day: str | None, modified: str | None, to: str | None, fmt: str) -> None:
    """Import evaluation sheets into a package: text sheets (清瀬・常総・江東 layouts), or workbooks
    and CSV files (.xlsx, .xlsm, .csv) read by a declarative layout, one evaluation per row.

    Writes the reviewed-source YAML records into PACKAGE/sources/evaluations/, keeps the sheets in
    PACKAGE/sources/sheets/, and builds data/*.csv and datapackage.yaml. What a sheet cannot be read
    is reported with its line number (exit code 1 when any figure could not be read).
    """
    outcome = actions.import_evaluations(
        list(sheets), package_dir=package_dir, municipality_code=municipality, municipality_name=name,
        layout=layout, settings=current_settings(), day=day or date.today().isoformat(), modified=modified, to=to,
    )
    errors = [f for f in outcome.findings if f.severity is Severity.ERROR]
    if fmt == "json":
        print_json({
            "package": str(package_dir),
            "layouts": list(outcome.layouts),
            "evaluations": [r.record.evaluation_id for r in outcome.results],
            "written": [str(p) for p in outcome.build.written],
            "findings": [f.to_dict() for f in outcome.findings],
        })
    else:
        _print_records(outcome)
        for f in outcome.findings:
            out.print(finding_line(f))
        changed = "、".join(escape(str(p)) for p in outcome.build.written) or "なし (変更なし)"
        out.print(f"書き込んだファイル: {changed}")
    sys.exit(EXIT_FAILED if errors else EXIT_OK)


# A workbook gives hundreds of records: one line each up to this many, then a summary.
_LISTED_RECORDS = 20


def _print_records(outcome: ImportOutcome) -> None:
    for r in outcome.results[:_LISTED_RECORDS]:
        rec = r.record
        what = rec.programs[0].name if rec.level is Level.PROGRAM and rec.programs else rec.policy_name or ""
        out.print(f"[bold]{escape(rec.evaluation_id)}[/] {escape(rec.municipality_name)} "
                  f"{escape(rec.fiscal_year_label)} {escape(what)} ({rec.source.layout}): "
                  f"事業 {len(rec.programs)}、金額 {len(rec.costs)}、指標 {len(rec.indicators)}、"
                  f"課題 {len(rec.challenges)}、記述 {len(rec.narratives)}")
    rest = len(outcome.results) - _LISTED_RECORDS
    if rest > 0:
        out.print(f"… ほか {rest} 件 (合計 {len(outcome.results)} 件の評価)")


@evaluation.command("layouts")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True)
def layouts(fmt: str) -> None:
    """List the layouts `evaluation import` knows: built-in workbook layouts and text-sheet layouts."""
    found = actions.evaluation_layouts()
    if fmt == "json":
        print_json({
            "workbook": [{"name": x.name, "title": x.title, "level": x.level} for x in found if x.kind == "workbook"],
            "text": [x.name for x in found if x.kind == "text"],
        })
        return
    for x in found:
        what = f"{x.title} (表: .xlsx/.xlsm/.csv、{x.level})" if x.kind == "workbook" else x.title
        out.print(f"{escape(x.name)}\t{escape(what)}")


@app.command()
@click.argument("packages", nargs=-1, type=click.Path(path_type=Path))
@click.option("--modified", metavar="YYYY-MM-DD",
              help="Set modified in each package's sources/package.yaml (or, without sources/, in its descriptor).")
@click.option("--to", "to", metavar="TARGET",
              help="Where the packages are published (default: default_target): asked only when changed data "
                   "keeps its modified date.")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True)
def build(packages: tuple[Path, ...], modified: str | None, to: str | None, fmt: str) -> None:
    """Rebuild packages from their sources/, and record bytes and hash of every package's files
    (default: every package under the packages folder).

    A package with sources/ is rebuilt: data/*.csv and the descriptor, bytes and hash included.
    Unchanged sources give byte-identical output. Once such a package is published (the target's
    manifest or the portal has it), changed data needs a new modified: --modified YYYY-MM-DD, or
    edit sources/package.yaml. Before the first publication a build updates freely.

    A package without sources/ (a datapackage.yaml or .json written by hand, and its files) keeps
    its files: their size and sha256 are recorded as bytes and hash in the descriptor, edited in
    place (comments and order kept). Nothing is written when they are already right.
    """
    results = actions.build(packages, settings=current_settings(), modified=modified, to=to)
    if fmt == "json":
        print_json({"packages": [_build_json(path, result) for path, result in results]})
        return
    for path, result in results:
        if isinstance(result, StampResult):
            _print_stamp(path, result)
        elif result.written:
            out.print(f"再構築: {escape(str(path))} ({len(result.written)} ファイル更新)")
        else:
            out.print(f"変更なし: {escape(str(path))}")


def _build_json(path: Path, result: BuildResult | StampResult) -> dict[str, Any]:
    if not isinstance(result, StampResult):
        return {"path": str(path), "kind": "built", "skipped": False, "written": [str(p) for p in result.written]}
    return {
        "path": str(path), "kind": "stamped", "skipped": False,
        "written": [str(result.descriptor)] if result.written else [],
        "stamped": {
            "descriptor": str(result.descriptor),
            "rewritten": result.rewritten,
            **({"note": result.note} if result.note else {}),
            **({"modified": result.modified} if result.modified else {}),
            "resources": [{"name": r.name, "path": list(r.path) if isinstance(r.path, tuple) else r.path,
                           "bytes": r.new_bytes, "hash": r.new_hash, "old_bytes": r.old_bytes,
                           "old_hash": r.old_hash, "changed": r.changed} for r in result.resources],
        },
    }


def _print_stamp(path: Path, result: StampResult) -> None:
    where = escape(str(path))
    counts = f"{len(result.resources)} リソース、変更 {len(result.changed)}"
    if result.written:
        out.print(f"bytes・hash を記録しました: {where} ({counts})")
    else:
        out.print(f"変更なし: {where} ({counts}、bytes・hash は記録済み)")
    for r in result.changed:
        out.print(f"  {escape(r.name)}: {r.new_bytes:,} バイト、{escape(r.new_hash)}")
    if result.modified and result.modified != result.old_modified:
        out.print(f"  modified: {escape(result.modified)}")
    if result.note:
        out.print(f"  [yellow]注意:[/] {escape(result.note)}")
