"""Commands plan, publish and pull: the CKAN sync and the static catalog folder (library:
opendata_pub.portals)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from .. import actions
from ..actions import DEFAULT_TIMEOUT
from ..errors import redact
from ..portals.plan import DatasetAction, Plan, ResourceAction
from ..portals.target import CATALOG_ENTRY

if TYPE_CHECKING:
    from ..portals import ApplyResult
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
    text = redact(text)  # a portal's value: redacted before the cut, or part of a secret would survive it
    return escape(text if len(text) <= 80 else text[:80] + "…")


# portals.static.StaticTarget.kind: the static target (and the site renderer) is imported only to publish.
_FOLDER_KIND = "folder"


def print_plan(plan: Plan, *, verbose_unchanged: bool = False) -> None:
    target = plan.target
    if target.get("kind") == _FOLDER_KIND:
        print_site_plan(plan, verbose_unchanged=verbose_unchanged)
        return
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


# -- the static catalog (a folder target): files instead of resources --------------------------------
_FILE_LABEL = {ResourceAction.CREATE: ("[green]+[/]", "作成"), ResourceAction.REPLACE: ("[yellow]~[/]", "置き換え"),
               ResourceAction.UNCHANGED: ("[dim]=[/]", "変更なし"), ResourceAction.DELETE: ("[red]-[/]", "削除"),
               ResourceAction.KEEP: ("[dim]![/]", "そのまま"), ResourceAction.UPDATE: ("[yellow]~[/]", "更新")}
_CATALOG_TITLE = "カタログ全体 (index.html・catalog.ttl・assets/・opendata-list/)"


def print_site_plan(plan: Plan, *, verbose_unchanged: bool = False) -> None:
    out.print(f"公開先: フォルダ (静的カタログ) {escape(str(plan.target.get('path')))}")
    writes = deletes = size = 0
    for d in plan.datasets:
        title = _CATALOG_TITLE if d.name == CATALOG_ENTRY else d.name
        out.print(f"{_DATASET_MARK[d.action]} [bold]{escape(title)}[/] ({_DATASET_LABEL[d.action]})")
        if d.reason:
            out.print(f"    [red]{escape(d.reason)}[/]")
        for r in d.resources:
            if r.action is ResourceAction.UNCHANGED and not verbose_unchanged:
                continue
            mark, label = _FILE_LABEL[r.action]
            detail = ""
            if r.action is ResourceAction.CREATE and r.desired:
                detail = f"、{r.desired['size']:,} バイト"
            elif r.action is ResourceAction.REPLACE and r.changes:
                detail = f": {_value(r.changes[0].before)} → {_value(r.changes[0].after)}"
            note = f" — {escape(r.note)}" if r.note else ""
            out.print(f"    {mark} {escape(r.name)}: {label}{detail}{note}")
            if d.has_changes and r.action in (ResourceAction.CREATE, ResourceAction.REPLACE) and r.desired:
                writes += 1
                size += int(r.desired["size"])
            deletes += d.has_changes and r.action is ResourceAction.DELETE
        for n in d.notes:
            out.print(f"    [dim]注意: {escape(n)}[/]")
    counts = {a.value: 0 for a in DatasetAction}
    for d in plan.datasets:
        if d.name != CATALOG_ENTRY:
            counts[d.action.value] += 1
    catalog = next((d for d in plan.datasets if d.name == CATALOG_ENTRY), None)
    whole = f"、カタログ全体 {_DATASET_LABEL[catalog.action]}" if catalog is not None else ""
    out.print(f"\n計画: 作成 {counts['create']}、更新 {counts['update']}、変更なし {counts['unchanged']}、"
              f"公開しない {counts['refused']}{whole} — 書き込むファイル {writes} 件 ({size:,} バイト)、削除 {deletes} 件")


@app.command()
@click.argument("packages", nargs=-1, type=click.Path(path_type=Path))
@click.option("--to", "to", metavar="TARGET", help="CKAN URL, portal name from opendata.yaml, or folder (default: default_target).")
@click.option("--organization", help="CKAN organization (default: the publisher's organization).")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Save the plan as JSON (for publish --plan).")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@click.option("--exit-code", is_flag=True, help="Exit with 3 when the plan has changes (a CI gate).")
@click.option("--prune", is_flag=True,
              help="Plan to delete portal resources (or site files) that are no longer in the packages.")
@click.option("--force", is_flag=True,
              help="Plan packages even when validation finds errors; allow a non-empty folder without a manifest.")
@click.option("--allow-insecure", is_flag=True, help="Allow sending the token over plain http to a non-loopback host.")
@click.option("--create-organization", is_flag=True,
              help="Plan to create a CKAN organization the portal lacks (publish --create-organization creates it).")
@click.option("--no-cache", is_flag=True,
              help="検証キャッシュを使わず、すべてのパッケージを検証し直す (.opendata-pub/cache).")
@click.option("--jobs", "-j", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Packages validated in parallel (worker processes).")
def plan(packages: tuple[Path, ...], to: str | None, organization: str | None, output: Path | None, fmt: str,
         exit_code: bool, prune: bool, force: bool, allow_insecure: bool, create_organization: bool,
         no_cache: bool, jobs: int) -> None:
    """Show what publish would change on the target: datasets and resources, field by field."""
    with progress_bar() as progress:
        the_plan = actions.plan(packages, to, organization=organization, settings=current_settings(), prune=prune,
                                force=force, allow_insecure=allow_insecure, create_organization=create_organization,
                                use_cache=not no_cache, jobs=jobs, progress=progress)
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


def print_result(result: ApplyResult, *, folder: Path | None = None) -> None:
    sent = "書き込み" if folder is not None else "送信"
    for d in result.datasets:
        name = _CATALOG_TITLE if d.name == CATALOG_ENTRY else d.name
        if d.ok:
            if d.action in (DatasetAction.CREATE, DatasetAction.UPDATE):
                verb = "作成しました" if d.action is DatasetAction.CREATE else "更新しました"
                out.print(f"[green]✓[/] {escape(name)}: {verb} ({sent} {d.uploaded_bytes:,} バイト)")
                for w in d.warnings:
                    out.print(f"    [yellow]注意:[/] {escape(w)}")
            else:
                out.print(f"[dim]=[/] {escape(name)}: 変更なし")
        else:
            out.print(f"[red]✗[/] {escape(name)}: {escape(d.error or '失敗しました')}")
            if d.hint:
                out.print(f"    [dim]ヒント: {escape(d.hint)}[/]")
    failed = len(result.failed)
    verdict = "[green]完了[/]" if result.ok else f"[red]{failed} 件が失敗[/]"
    count = len([d for d in result.datasets if d.name != CATALOG_ENTRY])
    where = f" — {escape(str(folder / 'index.html'))}" if folder is not None else ""
    out.print(f"\n公開: {count} データセット、{sent} {result.uploaded_bytes:,} バイト — {verdict}{where}")


@app.command()
@click.argument("packages", nargs=-1, type=click.Path(path_type=Path))
@click.option("--to", "to", metavar="TARGET", help="CKAN URL, portal name from opendata.yaml, or folder (default: default_target).")
@click.option("--organization", help="CKAN organization (default: the publisher's organization).")
@click.option("--plan", "plan_file", type=click.Path(path_type=Path), help="Apply exactly this saved plan (plan -o).")
@click.option("--prune", is_flag=True,
              help="Delete portal resources (or site files opendata-pub wrote) that are no longer in the packages.")
@click.option("--jobs", "-j", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Datasets published in parallel; packages validated in parallel (worker processes).")
@click.option("--force", is_flag=True,
              help="Publish packages even when validation finds errors; allow a non-empty folder without a manifest.")
@click.option("--allow-insecure", is_flag=True, help="Allow sending the token over plain http to a non-loopback host.")
@click.option("--create-organization", is_flag=True,
              help="Create a CKAN organization the portal lacks (title: the publisher's name); needs a sysadmin token.")
@click.option("--no-cache", is_flag=True,
              help="検証キャッシュを使わず、すべてのパッケージを検証し直す (.opendata-pub/cache).")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
def publish(packages: tuple[Path, ...], to: str | None, organization: str | None, plan_file: Path | None, prune: bool,
            jobs: int, force: bool, allow_insecure: bool, create_organization: bool, no_cache: bool, fmt: str) -> None:
    """Publish packages to a CKAN portal, or as a static catalog into a folder: create or update
    datasets, send (or write) only changed files.

    With no PACKAGES, every package under the configured folder. Validation errors refuse a
    package unless --force.
    """
    with progress_bar() as progress:
        the_plan, result = actions.publish(packages, to, plan=plan_file, organization=organization,
                                           settings=current_settings(), prune=prune, force=force, jobs=jobs,
                                           progress=progress, allow_insecure=allow_insecure,
                                           create_organization=create_organization, use_cache=not no_cache)
    if fmt == "json":
        print_json({"plan": the_plan.to_dict(), "result": result.to_dict()})
    else:
        site = the_plan.target.get("kind") == _FOLDER_KIND
        print_result(result, folder=Path(str(the_plan.target.get("path"))) if site else None)
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)


@app.command()
@click.argument("dataset")
@click.option("--from", "source", metavar="PORTAL",
              help="CKAN URL, portal name, or static catalog (folder or URL) (default: default_target).")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Package folder to write (default: ./DATASET).")
@click.option("--force", is_flag=True, help="Replace an existing folder.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Give up when the whole pull takes longer.")
@click.option("--allow-insecure", is_flag=True,
              help="Send a configured portal's token over plain http to a non-loopback host.")
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
def pull(dataset: str, source: str | None, output: Path | None, force: bool, timeout: float, allow_insecure: bool,
         fmt: str) -> None:
    """Download a published dataset as a package: files verified (size, and sha256/sha1/md5 where
    recorded), then validated.

    From a CKAN portal, or from a static catalog (a folder, or its http(s) URL). A token goes only
    to a portal configured in opendata.yaml (by name or by its URL), never to another URL.
    """
    with progress_bar() as progress:
        result = actions.pull(dataset, source, output, settings=current_settings(), force=force, timeout=timeout,
                              allow_insecure=allow_insecure, progress=progress)
    if fmt == "json":
        print_json(result.to_dict())
    else:
        origin = "保存されていた datapackage.json" if result.descriptor_from == "datapackage.json" else "CKAN のメタデータ"
        out.print(f"取得しました: {escape(str(result.path))} — {len(result.files)} ファイル、"
                  f"{result.bytes:,} バイト (記述子: {origin})")
        by_algorithm: dict[str, int] = {}
        for algorithm in result.verified.values():
            by_algorithm[algorithm] = by_algorithm.get(algorithm, 0) + 1
        if by_algorithm:
            out.print("  検証: " + "、".join(f"{escape(a)} で {n} ファイル" for a, n in sorted(by_algorithm.items())))
        if result.unverified:
            out.print(f"  [yellow]未検証[/] (ハッシュの記録がなく、内容を確かめられません): "
                      f"{escape(', '.join(result.unverified))}")
        if result.report is not None and result.report.findings:
            from ..findings import Report

            print_report(Report([result.report]))
    sys.exit(EXIT_OK if result.report is None or result.report.valid else EXIT_FAILED)
