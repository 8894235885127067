"""The plan/apply engine: which packages, validated or refused, planned against a target, applied
in parallel. Knows only the Target protocol (target.py), not CKAN nor the static catalog: a target's
catalog-level entry (a static catalog's index.html, catalog.ttl …) is planned and applied through the
protocol's ``plan_catalog`` / ``applying`` / ``apply_catalog``, so no caller can leave it out.

``--jobs N`` applies N datasets at a time on threads (the target gives each thread its own HTTP
session); the resources of one dataset are always written one after another, since each write
is conditional on the dataset's previous version. A failure in one dataset does not stop the others:
each dataset's outcome is in the ``ApplyResult``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..errors import OpendataPubError, UsageError
from ..findings import PackageReport
from ..packaging.descriptor_memo import FileDescriptorMemo
from ..progress import NullProgress, Progress
from ..validation.cache import ValidationCache, default_cache_dir, toolkit_fingerprint
from ..validation.validator import validate_packages
from .plan import DatasetAction, DatasetPlan, Plan
from .source import SourcePackage, load_source
from .target import CATALOG_ENTRY, ConflictError, Target

__all__ = ["ApplyResult", "DatasetResult", "apply_plan", "plan_packages"]


@dataclass(slots=True)
class DatasetResult:
    name: str
    action: DatasetAction
    ok: bool
    error: str | None = None
    hint: str | None = None
    uploaded_bytes: int = 0
    resources: dict[str, str] = field(default_factory=dict)  # name → id on the portal
    warnings: list[str] = field(default_factory=list)  # done, but something beside it was not (a DataStore load)
    exception: BaseException | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "action": self.action.value, "ok": self.ok,
                                  "uploadedBytes": self.uploaded_bytes, "resources": dict(self.resources)}
        if self.error:
            out["error"] = self.error
        if self.hint:
            out["hint"] = self.hint
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


@dataclass(slots=True)
class ApplyResult:
    datasets: list[DatasetResult]

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.datasets)

    @property
    def failed(self) -> list[DatasetResult]:
        return [d for d in self.datasets if not d.ok]

    @property
    def uploaded_bytes(self) -> int:
        return sum(d.uploaded_bytes for d in self.datasets)

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "uploadedBytes": self.uploaded_bytes, "datasets": [d.to_dict() for d in self.datasets]}


class _Transfer:
    """Adds up the bytes sent by every thread for the one "bytes" progress bar."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._lock = threading.Lock()
        self._per_upload: dict[str, int] = {}
        self._warnings: dict[str, list[str]] = {}

    def sent(self, key: str, completed: int) -> None:
        with self._lock:
            self._per_upload[key] = completed  # a retry restarts its upload's count
            self._progress.advance("bytes", sum(self._per_upload.values()))

    def warn(self, key: str, message: str) -> None:
        with self._lock:
            self._warnings.setdefault(key, []).append(message)

    def warnings_for(self, name: str) -> list[str]:
        with self._lock:
            return list(self._warnings.get(name, []))

    def bytes_for(self, prefix: str) -> int:
        with self._lock:
            return sum(v for k, v in self._per_upload.items() if k.startswith(prefix + "/"))


def plan_packages(
    paths: Sequence[str | os.PathLike[str]],
    target: Target,
    *,
    settings: Settings | None = None,
    prune: bool = False,
    force: bool = False,
    validate: bool = True,
    use_cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Plan:
    """Validate each package (refused when it has errors, unless ``force``), check the target before
    anything (preflight), and compare each package with the target's current state; the target's
    catalog-level entry, if it has one (Target.plan_catalog), comes last.

    ``use_cache``: a package unchanged since its last validation (its bytes, the toolkit, the
    settings: validation/cache.py) is not validated again, and an unchanged YAML descriptor is read
    from its parse kept there (packaging/descriptor_memo.py); the cache lives in ``cache_dir``, by
    default the project's ``.opendata-pub/cache`` (without opendata.yaml: the user's cache folder).
    ``jobs``: packages validated at a time, in worker processes (``validate --jobs``); only the
    packages the cache does not answer are validated."""
    if not paths:
        raise UsageError("公開するパッケージがありません")
    folder: Path | None = None
    if use_cache:
        folder = Path(cache_dir) if cache_dir is not None else default_cache_dir(settings)
    cache = ValidationCache(folder) if folder is not None and validate else None
    memo = FileDescriptorMemo(folder / "descriptors", salt=toolkit_fingerprint()) if folder is not None else None
    refused: list[DatasetPlan] = []
    accepted: list[tuple[str | os.PathLike[str], PackageReport | None]] = []
    reports = _reports(paths, settings, cache, jobs, progress or NullProgress()) if validate else [None] * len(paths)
    for p, report in zip(paths, reports, strict=True):
        if report is not None and report.errors and not force:
            refused.append(DatasetPlan(name=report.name or Path(p).name, package=str(p), action=DatasetAction.REFUSED,
                                       reason=f"検証でエラーが {len(report.errors)} 件あります "
                                              f"(opendata-pub validate で確認、--force で公開)"))
            continue
        accepted.append((p, report))
    # A static catalog plans a package whose rendered files are as recorded from its content
    # signature alone (the one the cache just computed): no frictionless, no render. CKAN has no
    # such shortcut and compares every package with the portal.
    quick = getattr(target, "plan_unchanged", None)
    known: dict[str, DatasetPlan] = {}
    if callable(quick):
        known = quick([(p, cache.content_of(p) if cache is not None else None) for p, _ in accepted], prune=prune,
                      memo=memo)
    sources = [load_source(p, report=report, settings=settings, memo=memo)
               for p, report in accepted if str(p) not in known]
    if sources:
        target.preflight(sources)
    planned = [target.plan_dataset(s, prune=prune) for s in sources] + list(known.values())
    order = {str(p): i for i, p in enumerate(paths)}
    datasets = sorted(planned + refused, key=lambda d: order.get(d.package, len(order)))
    plan = Plan(target=target.describe(), datasets=datasets, prune=prune)
    catalog = target.plan_catalog(plan)  # a static catalog's index.html, catalog.ttl …
    if catalog is not None:
        plan.datasets.append(catalog)
    return plan


def _reports(paths: Sequence[str | os.PathLike[str]], settings: Settings | None, cache: ValidationCache | None,
             jobs: int, progress: Progress) -> list[PackageReport]:
    """Each package's report, in order: from the cache where it answers, the rest validated ``jobs`` at a
    time. Each miss is stored as soon as it is validated (an interrupted run keeps what it did), through
    the lookup made before validating (ValidationCache.store)."""
    lookups = [cache.lookup(p, settings) for p in paths] if cache is not None else []
    missing = [i for i in range(len(paths)) if not lookups or lookups[i].report is None]

    def arrived(k: int, report: PackageReport) -> None:
        if cache is not None:
            cache.store(lookups[missing[k]], report)

    fresh = validate_packages([paths[i] for i in missing], settings, jobs=jobs, progress=progress,
                              on_report=arrived).packages
    reports: list[PackageReport | None] = [found.report for found in lookups] or [None] * len(paths)
    for i, report in zip(missing, fresh, strict=True):
        reports[i] = report
    return [r for r in reports if r is not None]  # all of them: each one a hit or validated


def _check_saved(plan: DatasetPlan, source: SourcePackage) -> None:
    """A saved plan is applied only to the package it was made from: every file as it was then."""
    now = {f.name: (f.size, f.sha256) for f in (*source.files, source.datapackage)}
    for rp in plan.resources:
        if rp.file is None or rp.file.url is not None:
            continue
        if now.get(rp.name) != (rp.file.size, rp.file.sha256):
            raise ConflictError(f"パッケージ {plan.package} のファイル {rp.file.path or rp.name} が計画の作成後に変わりました",
                                hint="opendata-pub plan で計画を作り直してください")


def _other_target(planned: dict[str, object], here: dict[str, object]) -> UsageError:
    if "organization" not in here:  # a folder: named by its path
        return UsageError(f"計画は別の公開先のものです: {planned.get('path') or planned.get('url')}",
                          hint="plan のときと同じ --to を指定してください")
    return UsageError(f"計画は別の公開先のものです: {planned.get('url')} (組織 {planned.get('organization')})",
                      hint="plan のときと同じ --to と --organization を指定してください")


def _catalog_entry(plan: Plan) -> DatasetPlan | None:
    """The plan's catalog-level entry (Target.plan_catalog), if it has one."""
    found = [d for d in plan.datasets if d.name == CATALOG_ENTRY]
    return found[-1] if found else None


def apply_plan(
    plan: Plan,
    target: Target,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    saved: bool = False,
) -> ApplyResult:
    """Apply ``plan`` to ``target``: exactly the changes it lists, nothing more. The datasets first,
    then the catalog-level entry (Target.plan_catalog), only when no dataset failed: a catalog never
    lists a half-written dataset.

    ``saved``: the plan was read from a file. Then the target must be the one it was made for, each
    package must be unchanged since (sizes and checksums), and the preflight runs again.
    """
    if jobs < 1:
        raise UsageError("--jobs は 1 以上にしてください")
    progress = progress or NullProgress()
    if saved and plan.target != (here := target.describe()):
        raise _other_target(plan.target, here)
    catalog = _catalog_entry(plan)
    datasets = [d for d in plan.datasets if d is not catalog]
    with target.applying(plan, saved=saved):
        results = _apply_datasets(datasets, target, jobs=jobs, progress=progress, saved=saved)
        if catalog is not None:
            results.append(_apply_catalog(catalog, target, results))
    return ApplyResult(results)


def _apply_catalog(entry: DatasetPlan, target: Target, results: Sequence[DatasetResult]) -> DatasetResult:
    if not entry.has_changes:
        return DatasetResult(entry.name, entry.action, ok=True)
    if any(not r.ok and r.action is not DatasetAction.REFUSED for r in results):
        return DatasetResult(entry.name, entry.action, ok=False,
                             error="失敗したデータセットがあるため、カタログのファイル (index.html など) は更新していません",
                             hint="原因を直して再実行してください (書けたファイルはそのまま使われます)")
    counter = _Count()
    try:
        ids = target.apply_catalog(entry, progress=counter)
    except OpendataPubError as exc:
        return DatasetResult(entry.name, entry.action, ok=False, error=exc.message, hint=exc.hint,
                             uploaded_bytes=counter.total, exception=exc)
    return DatasetResult(entry.name, entry.action, ok=True, uploaded_bytes=counter.total, resources=ids)


class _Count:
    """A TransferProgress for the catalog entry that only counts."""

    def __init__(self) -> None:
        self.total = 0

    def sent(self, key: str, completed: int) -> None:
        self.total += completed

    def warn(self, key: str, message: str) -> None:
        pass  # the catalog entry has nothing beside its files


def _settings_of(target: Target) -> Settings | None:
    # The plan stored the descriptor made self-contained with the project's publishers; the check
    # of a saved plan must make it the same way. Both targets keep the settings they were opened with.
    settings = getattr(target, "settings", None)
    return settings if isinstance(settings, Settings) else None


def _recheck(todo: list[DatasetPlan], target: Target, results: dict[str, DatasetResult]) -> list[DatasetPlan]:
    """A saved plan's datasets to apply: each package unchanged since the plan (the others fail), then
    the preflight again."""
    checked = []
    for d in todo:
        try:
            d.source = load_source(d.package, settings=_settings_of(target))
            _check_saved(d, d.source)
            checked.append(d)
        except OpendataPubError as exc:
            results[d.name] = DatasetResult(d.name, d.action, ok=False, error=exc.message, hint=exc.hint,
                                            exception=exc)
    if checked:
        target.preflight([d.source for d in checked if d.source is not None])
    return checked


def _apply_datasets(datasets: list[DatasetPlan], target: Target, *, jobs: int, progress: Progress,
                    saved: bool) -> list[DatasetResult]:
    todo = [d for d in datasets if d.has_changes]
    results: dict[str, DatasetResult] = {
        d.name: DatasetResult(d.name, d.action, ok=d.action is not DatasetAction.REFUSED, error=d.reason)
        for d in datasets if not d.has_changes}
    if saved and todo:
        todo = _recheck(todo, target, results)

    transfer = _Transfer(progress)
    progress.start("datasets", "データセット", len(todo), unit="datasets")
    progress.start("bytes", "アップロード", sum(d.upload_bytes for d in todo), unit="bytes")
    done = 0

    def run(d: DatasetPlan) -> DatasetResult:
        source = d.source if d.source is not None else load_source(d.package, settings=_settings_of(target))
        try:
            ids = target.apply_dataset(d, source, progress=transfer)
        except OpendataPubError as exc:
            return DatasetResult(d.name, d.action, ok=False, error=exc.message, hint=exc.hint,
                                 uploaded_bytes=transfer.bytes_for(d.name), exception=exc)
        return DatasetResult(d.name, d.action, ok=True, uploaded_bytes=transfer.bytes_for(d.name), resources=ids,
                             warnings=transfer.warnings_for(d.name))

    try:
        if jobs == 1 or len(todo) <= 1:
            for d in todo:
                results[d.name] = run(d)
                done += 1
                progress.advance("datasets", done)
        else:
            with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="publish") as pool:
                futures = {pool.submit(run, d): d for d in todo}
                try:
                    for fut in as_completed(futures):
                        r = fut.result()
                        results[r.name] = r
                        done += 1
                        progress.advance("datasets", done)
                except BaseException:
                    # Ctrl-C: start nothing new; the writes under way finish (each is atomic on the portal)
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
    finally:
        progress.finish("datasets")
        progress.finish("bytes")
    return [results[d.name] for d in datasets if d.name in results]
