"""Commands plan, publish and pull: the CKAN sync (library: opendata_pub.portals)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from .. import actions
from ..errors import UsageError
from ..portals import (
    DatasetAction,
    Plan,
    ResourceAction,
    apply_plan,
    plan_packages,
    pull_dataset,
    resolve_target,
)
from ..portals.ckan import CkanTarget
from ..portals.engine import ApplyResult
from ..portals.pull import PullResult
from .app import (
    EXIT_CHANGES,
    EXIT_FAILED,
    EXIT_OK,
    FORMAT,
    app,
    current_settings,
    out,
    print_json,
    print_report,
    progress_bar,
)

_DATASET_MARK = {DatasetAction.CREATE: "[green]+[/]", DatasetAction.UPDATE: "[yellow]~[/]",
                 DatasetAction.UNCHANGED: "[dim]=[/]", DatasetAction.REFUSED: "[red]✗[/]"}
_DATASET_LABEL = {DatasetAction.CREATE: "作成", DatasetAction.UPDATE: "更新", DatasetAction.UNCHANGED: "変更なし",
                  DatasetAction.REFUSED: "公開しません"}
_RESOURCE_LABEL = {ResourceAction.CREATE: ("[green]+[/]", "作成"), ResourceAction.REPLACE: ("[yellow]~[/]", "ファイルを置き換え"),
                   ResourceAction.UPDATE: ("[yellow]~[/]", "メタデータを更新"), ResourceAction.UNCHANGED: ("[dim]=[/]", "変更なし"),
                   ResourceAction.DELETE: ("[red]-[/]", "削除"), ResourceAction.KEEP: ("[dim]![/]", "そのまま")}


def _value(v: Any) -> str:
    if v is None:
        return "(なし)"
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return escape(text if len(text) <= 80 else text[:80] + "…")


def print_plan(plan: Plan, *, verbose_unchanged: bool = False) -> None:
    target = plan.target
    org = f" (組織: {target['organization']})" if target.get("organization") else ""
    out.print(f"公開先: {escape(str(target.get('url')))}{org}")
    for d in plan.datasets:
        out.print(f"{_DATASET_MARK[d.action]} [bold]{escape(d.name)}[/] ({_DATASET_LABEL[d.action]})")
        if d.reason:
            out.print(f"    [red]{escape(d.reason)}[/]")
        if d.action is DatasetAction.UPDATE:
            for c in d.changes:
                out.print(f"    [yellow]~[/] {escape(c.field)}: {_value(c.before)} → {_value(c.after)}")
        for r in d.resources:
            if r.action is ResourceAction.UNCHANGED and not verbose_unchanged:
                continue
            mark, label = _RESOURCE_LABEL[r.action]
            size = f"、{r.upload_bytes:,} バイトを送信" if r.uploads else ""
            note = f" — {escape(r.note)}" if r.note else ""
            out.print(f"    {mark} リソース {escape(r.name)}: {label}{size}{note}")
            if d.action is DatasetAction.UPDATE:
                for c in r.changes:
                    out.print(f"        {escape(c.field)}: {_value(c.before)} → {_value(c.after)}")
        if d.reorder and d.action is DatasetAction.UPDATE:
            out.print("    [yellow]~[/] リソースの並び順: " + escape(", ".join(d.order)))
        for n in d.notes:
            out.print(f"    [dim]注意: {escape(n)}[/]")
    counts = plan.counts()
    out.print(f"\n計画: 作成 {counts['create']}、更新 {counts['update']}、変更なし {counts['unchanged']}、"
              f"公開しない {counts['refused']} — 送信するファイル {plan.upload_bytes:,} バイト")


def _target(to: str | None, organization: str | None, allow_insecure: bool, *, require_token: bool = True) -> Any:
    return resolve_target(to, current_settings(), organization=organization, allow_insecure=allow_insecure,
                          require_token=require_token)


@app.command()
@click.argument("packages", nargs=-1, type=click.Path(path_type=Path))
@click.option("--to", "to", metavar="TARGET", help="CKAN URL, portal name from opendata.yaml, or folder (default: default_target).")
@click.option("--organization", help="CKAN organization (default: the publisher's organization).")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Save the plan as JSON (for publish --plan).")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@click.option("--exit-code", is_flag=True, help="Exit with 3 when the plan has changes (a CI gate).")
@click.option("--prune", is_flag=True, help="Plan to delete portal resources that are not in the package.")
@click.option("--force", is_flag=True, help="Plan packages even when validation finds errors.")
@click.option("--allow-insecure", is_flag=True, help="Allow sending the token over plain http to a non-loopback host.")
def plan(packages: tuple[Path, ...], to: str | None, organization: str | None, output: Path | None, fmt: str,
         exit_code: bool, prune: bool, force: bool, allow_insecure: bool) -> None:
    """Show what publish would change on the target: datasets and resources, field by field."""
    settings = current_settings()
    paths = actions.resolve_packages(packages, settings)
    target = _target(to, organization, allow_insecure)
    try:
        the_plan = plan_packages(paths, target, settings=settings, prune=prune, force=force)
    finally:
        target.close()
    if output is not None:
        the_plan.save(output)
    if fmt == "json":
        print_json(the_plan.to_dict())
    else:
        print_plan(the_plan)
        if output is not None:
            out.print(f"計画を保存しました: {escape(str(output))} (opendata-pub publish --plan {escape(str(output))})")
    if the_plan.refused:
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_CHANGES if exit_code and the_plan.has_changes else EXIT_OK)


def print_result(result: ApplyResult) -> None:
    for d in result.datasets:
        if d.ok:
            if d.action in (DatasetAction.CREATE, DatasetAction.UPDATE):
                verb = "作成しました" if d.action is DatasetAction.CREATE else "更新しました"
                out.print(f"[green]✓[/] {escape(d.name)}: {verb} (送信 {d.uploaded_bytes:,} バイト)")
            else:
                out.print(f"[dim]=[/] {escape(d.name)}: 変更なし")
        else:
            out.print(f"[red]✗[/] {escape(d.name)}: {escape(d.error or '失敗しました')}")
            if d.hint:
                out.print(f"    [dim]ヒント: {escape(d.hint)}[/]")
    failed = len(result.failed)
    verdict = "[green]完了[/]" if result.ok else f"[red]{failed} 件が失敗[/]"
    out.print(f"\n公開: {len(result.datasets)} データセット、送信 {result.uploaded_bytes:,} バイト — {verdict}")


@app.command()
@click.argument("packages", nargs=-1, type=click.Path(path_type=Path))
@click.option("--to", "to", metavar="TARGET", help="CKAN URL, portal name from opendata.yaml, or folder (default: default_target).")
@click.option("--organization", help="CKAN organization (default: the publisher's organization).")
@click.option("--plan", "plan_file", type=click.Path(path_type=Path), help="Apply exactly this saved plan (plan -o).")
@click.option("--prune", is_flag=True, help="Delete portal resources that are not in the package.")
@click.option("--jobs", "-j", type=click.IntRange(1, 32), default=1, show_default=True, help="Datasets published in parallel.")
@click.option("--force", is_flag=True, help="Publish packages even when validation finds errors.")
@click.option("--allow-insecure", is_flag=True, help="Allow sending the token over plain http to a non-loopback host.")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
def publish(packages: tuple[Path, ...], to: str | None, organization: str | None, plan_file: Path | None, prune: bool,
            jobs: int, force: bool, allow_insecure: bool, fmt: str) -> None:
    """Publish packages to a CKAN portal: create or update datasets, upload only changed files.

    With no PACKAGES, every package under the configured folder. Validation errors refuse a
    package unless --force.
    """
    settings = current_settings()
    if plan_file is not None:
        if packages or prune:
            raise UsageError("--plan のときはパッケージや --prune を指定できません (計画に含まれています)")
        the_plan = Plan.load(plan_file)
        if organization is None:
            organization = the_plan.target.get("organization")
        target = _target(to, organization, allow_insecure)
    else:
        target = _target(to, organization, allow_insecure)
    try:
        if plan_file is None:
            the_plan = plan_packages(actions.resolve_packages(packages, settings), target, settings=settings,
                                     prune=prune, force=force)
        with progress_bar() as progress:
            result = apply_plan(the_plan, target, jobs=jobs, progress=progress, saved=plan_file is not None)
    finally:
        target.close()
    if fmt == "json":
        print_json({"plan": the_plan.to_dict(), "result": result.to_dict()})
    else:
        print_result(result)
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)


@app.command()
@click.argument("dataset")
@click.option("--from", "source", metavar="PORTAL", help="CKAN URL or portal name (default: default_target).")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Package folder to write (default: ./DATASET).")
@click.option("--force", is_flag=True, help="Replace an existing folder.")
@click.option("--allow-insecure", is_flag=True, help="Allow sending the token over plain http to a non-loopback host.")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
def pull(dataset: str, source: str | None, output: Path | None, force: bool, allow_insecure: bool, fmt: str) -> None:
    """Download a published dataset as a package: files verified (sha256, size), then validated."""
    target = _target(source, None, allow_insecure, require_token=False)
    if not isinstance(target, CkanTarget):  # pragma: no cover - only CKAN targets exist so far
        raise UsageError("pull できるのは CKAN ポータルからだけです")
    try:
        with progress_bar() as progress:
            result: PullResult = pull_dataset(dataset, target, output or Path(dataset), force=force, progress=progress)
    finally:
        target.close()
    if fmt == "json":
        print_json(result.to_dict())
    else:
        origin = "保存されていた datapackage.json" if result.descriptor_from == "datapackage.json" else "CKAN のメタデータ"
        out.print(f"取得しました: {escape(str(result.path))} — {len(result.files)} ファイル、"
                  f"{result.bytes:,} バイト (記述子: {origin})")
        if result.report is not None and result.report.findings:
            from ..findings import Report

            print_report(Report([result.report]))
    sys.exit(EXIT_OK if result.report is None or result.report.valid else EXIT_FAILED)
