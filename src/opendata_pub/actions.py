"""The verbs the CLI and the Python API share. Each takes plain arguments and returns values; none
prints or exits.

    init_project, load_settings          a publishing project
    new_package, new_from                a new package: empty for a standard, or from an existing CSV
    describe, validate                   files and packages
    import_evaluations, build            evaluation packages from sheets and reviewed sources
    evaluation_template, evaluation_layouts   the fill-in workbook; the layouts import knows
    resolve_target, plan, apply, publish   publishing (CKAN or a static catalog: one engine, whose
                                         targets add their catalog-level files themselves)
    pull, pull_dataset                   a published dataset back as a package
    package_graph                        DCAT-AP 3 (and evaluation data) as an rdflib Graph
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from .atomicfile import write_text
from .config import CONFIG_NAME, Settings, find_config, load_config, starter_config
from .errors import NotFound, OpendataPubError, UsageError
from .findings import Report
from .inventory import INVENTORY_NAME
from .packaging.package import find_descriptor, load_descriptor
from .progress import Progress
from .validation.validator import Profile, validate_packages

if TYPE_CHECKING:
    from .inventory.scaffold import ScaffoldResult
    from .packaging.adopt import AdoptResult
    from .packaging.build import ImportOutcome
    from .packaging.describe import Description
    from .packaging.opened import OpenedPackage
    from .packaging.stamp import StampResult
    from .packaging.writer import BuildResult
    from .portals import ApplyResult, Plan, Target
    from .portals.ckan import OrganizationMode
    from .portals.listing import DatasetSummary
    from .portals.pull import PullResult

# Imported where used: `opendata-pub validate` must not pay for rdflib, pyshacl, requests and the
# portals (lazyexports.py has the figures). The timeouts are plain numbers, named where they belong.
DEFAULT_TIMEOUT = 600.0  # = portals.pull.DEFAULT_TIMEOUT (tests/test_lazy_imports.py checks they agree)
MAX_FILE_BYTES = 10 * 1024**3  # = portals.pull.MAX_FILE_BYTES

__all__ = [
    "apply",
    "build",
    "package_graph",
    "plan",
    "publish",
    "pull",
    "pull_dataset",
    "resolve_target",
    "describe",
    "LayoutInfo",
    "evaluation_layouts",
    "evaluation_template",
    "import_evaluations",
    "init_project",
    "load_settings",
    "new_from",
    "new_package",
    "NewFromResult",
    "resolve_packages",
    "validate",
]


def load_settings(config: str | os.PathLike[str] | None = None, *, cwd: Path | None = None) -> Settings:
    """The settings of ``config``, else of the nearest opendata.yaml, else defaults for ``cwd``."""
    cwd = cwd or Path.cwd()
    if config is not None:
        return load_config(config)
    found = find_config(cwd)
    return load_config(found) if found else Settings.defaults(cwd)


def init_project(directory: str | os.PathLike[str] = ".", *, force: bool = False) -> list[Path]:
    """Write a commented starter ``opendata.yaml`` and an empty ``datapackages/``; return what was written."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: フォルダではありません")
    config = root / CONFIG_NAME
    if config.exists() and not force:
        raise UsageError(f"{config}: すでにあります (上書きするには --force)")
    root.mkdir(parents=True, exist_ok=True)
    write_text(config, starter_config())
    packages = root / "datapackages"
    packages.mkdir(exist_ok=True)
    keep = packages / ".gitkeep"
    if not keep.exists():
        write_text(keep, "")
    return [config, packages]


def resolve_packages(paths: Sequence[str | os.PathLike[str]], settings: Settings) -> list[Path]:
    """The packages named, or every package under the configured folder when none is named."""
    from .packaging.package import discover_packages

    if paths:
        named = [Path(p) for p in paths]
        # `publish datapackages/*` also names the folder's inventory.yaml, which is never a package
        packages = [p for p in named if not (p.name == INVENTORY_NAME and p.is_file())]
        if not packages:
            raise UsageError(f"{named[0]}: データセット一覧 ({INVENTORY_NAME}) で、データパッケージではありません",
                             hint="パッケージのフォルダを指定してください")
        return packages
    found = discover_packages(settings.packages_path)
    if not found:
        raise UsageError(
            f"{settings.packages_path}: データパッケージがありません",
            hint="パッケージのフォルダを指定するか、opendata.yaml の packages を確認してください",
        )
    return found


def validate(
    paths: Sequence[str | os.PathLike[str]] = (),
    *,
    settings: Settings | None = None,
    profile: Profile | str = Profile.JP,
    allow_remote: bool = False,
    progress: Progress | None = None,
    target: str | None = None,
    jobs: int = 1,
    limit_errors: int = 1000,
) -> Report:
    """Validate packages (default: every package under the configured folder) into one report.
    ``target`` (a portal name from opendata.yaml, a CKAN URL or a folder, as ``publish --to``): also
    what it would refuse that is known without reaching it (CKAN tags and names). ``jobs``: packages
    validated at a time, each in a worker process. ``limit_errors``: row findings per resource (as
    frictionless's ``--limit-errors``)."""
    from .validation.target import target_info

    settings = settings or load_settings()
    info = target_info(target, settings) if target else None
    return validate_packages(resolve_packages(paths, settings), settings, profile=Profile(profile),
                             allow_remote=allow_remote, progress=progress, target=info, jobs=jobs,
                             limit_errors=limit_errors)


def describe(path: str | os.PathLike[str], *, encoding: str | None = None) -> Description:
    """Describe a delimited file: encoding with evidence, dialect, Table Schema."""
    from .packaging.describe import describe_file

    return describe_file(path, declared_encoding=encoding)


def import_evaluations(
    sheets: Sequence[str | os.PathLike[str]],
    *,
    package_dir: str | os.PathLike[str],
    municipality_code: str,
    municipality_name: str | None = None,
    layout: str | os.PathLike[str] | None = None,
    settings: Settings | None = None,
    day: str,
    modified: str | None = None,
    to: Where | None = None,
) -> ImportOutcome:
    """Import evaluation sheets into a package (records into sources/, then build).

    Text sheets give one evaluation each, workbooks and CSV files (.xlsx, .xlsm, .csv) one per row.
    ``layout`` is a text layout (kiyose, joso, koto), a built-in layout's name or a layout file's path;
    None: the publisher's ``evaluation.layout`` in opendata.yaml, else recognised from the sheet.
    """
    from .packaging.build import import_evaluations as _import_evaluations

    settings = settings or load_settings()

    def run(published: bool) -> ImportOutcome:
        return _import_evaluations(
            [Path(s) for s in sheets], package_dir=Path(package_dir), municipality_code=municipality_code,
            municipality_name=municipality_name, layout=os.fspath(layout) if layout is not None else None,
            settings=settings, day=day, modified=modified, published=published,
        )

    return _unless_unpublished(run, Path(package_dir), settings, to)


def build(
    paths: Sequence[str | os.PathLike[str]] = (),
    *,
    settings: Settings | None = None,
    modified: str | None = None,
    to: Where | None = None,
) -> list[tuple[Path, BuildResult | StampResult]]:
    """Rebuild packages from their sources/ (a ``BuildResult``); a package without sources/ gets its
    files' ``bytes`` and ``hash`` recorded in its descriptor instead (a ``StampResult``).

    ``modified`` (YYYY-MM-DD) is set in each package's sources/package.yaml, or in the descriptor of a
    package without sources. Changed data needs a new ``modified`` only when a package built from
    sources is already published on ``to`` (resolved as ``--to``; default ``default_target``): before
    its first publication a build updates freely."""
    from .packaging.build import build_from_sources, has_sources
    from .packaging.stamp import stamp_package

    settings = settings or load_settings()
    out: list[tuple[Path, BuildResult | StampResult]] = []
    for path in resolve_packages(paths, settings):
        if not has_sources(path):
            out.append((path, stamp_package(path, modified=modified)))
            continue

        def run(published: bool, path: Path = path) -> BuildResult:
            return build_from_sources(path, settings, modified=modified, published=published)

        out.append((path, _unless_unpublished(run, path, settings, to)))
    return out


_T = TypeVar("_T")


def _unless_unpublished(run: Callable[[bool], _T], package: Path, settings: Settings, to: Where | None) -> _T:
    """``run(published=True)``; when that refuses changed data under an unchanged ``modified``, ask
    the target whether the package was ever published, and run again with ``published=False`` if not.

    The target is asked only then (a portal is contacted only for this one question); when it cannot
    answer (unreachable, no token), the package counts as published: the refusal stands."""
    from .packaging.writer import StaleModifiedError

    try:
        return run(True)
    except StaleModifiedError:
        if _published(package, settings, to):
            raise
        return run(False)


def _published(package: Path, settings: Settings, to: Where | None) -> bool:
    name = _package_name(package)
    if name is None:
        return False
    try:
        target, made_here = _the_target(to, settings, organization=None, force=False, allow_insecure=False)
    except OpendataPubError:
        return True
    try:
        return target.is_published(name)
    except OpendataPubError:
        return True
    finally:
        if made_here:
            target.close()


def _package_name(package: Path) -> str | None:
    """The name in the package's current descriptor (the one a publication used), if any."""
    try:
        name = load_descriptor(find_descriptor(package)).get("name")
    except OpendataPubError:
        return None
    return name if isinstance(name, str) else None


if TYPE_CHECKING:
    Where: TypeAlias = str | os.PathLike[str] | Target  # where plan/publish go: a Target, or what --to takes


# Re-exported verbs, imported on first call (their modules pull in requests and rdflib); type
# checkers see the real functions.
if TYPE_CHECKING:
    from .portals import pull_dataset as pull_dataset
    from .portals import resolve_target as resolve_target
    from .rdf import package_graph as package_graph
else:
    def resolve_target(*args: Any, **kwargs: Any) -> Any:
        """See portals.resolve.resolve_target."""
        from .portals import resolve_target as resolve

        return resolve(*args, **kwargs)

    def pull_dataset(*args: Any, **kwargs: Any) -> Any:
        """See portals.pull.pull_dataset."""
        from .portals import pull_dataset as pull_it

        return pull_it(*args, **kwargs)

    def package_graph(*args: Any, **kwargs: Any) -> Any:
        """See rdf.dcat_out.package_graph."""
        from .rdf import package_graph as graph

        return graph(*args, **kwargs)


def _the_target(to: Where | None, settings: Settings, *, organization: str | None, force: bool,
                allow_insecure: bool) -> tuple[Target, bool]:
    """``to`` as a target, and whether it was made here (then it is closed here)."""
    if to is None or isinstance(to, (str, os.PathLike)):
        return resolve_target(None if to is None else os.fspath(to), settings, organization=organization, allow_insecure=allow_insecure,
                              force=force), True
    return to, False


def _organizations(target: Target, mode: OrganizationMode) -> None:
    """What a CKAN target does about a missing organization (CkanTarget.preflight)."""
    from .portals.ckan import CkanTarget

    if isinstance(target, CkanTarget):
        target.organizations = mode
    else:
        raise UsageError("--create-organization は CKAN の公開先だけで使えます (静的カタログに組織はありません)")


def plan(
    paths: Sequence[str | os.PathLike[str]] = (),
    to: Where | None = None,
    *,
    organization: str | None = None,
    settings: Settings | None = None,
    prune: bool = False,
    force: bool = False,
    validate: bool = True,
    allow_insecure: bool = False,
    create_organization: bool = False,
    use_cache: bool = True,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Plan:
    """What publishing ``paths`` (default: every package under the configured folder) to ``to`` would
    change. ``to``: a Target (left open), or resolved as ``--to`` is (URL, portal name, folder,
    default). A static catalog's plan ends with its catalog-level entry. ``create_organization``:
    a CKAN organization the portal lacks is noted as to be created instead of refused. ``use_cache``:
    False validates every package again (validation/cache.py). ``jobs``: packages validated at a time
    (worker processes)."""
    from .portals import plan_packages

    settings = settings or load_settings()
    packages = resolve_packages(paths, settings)
    target, made = _the_target(to, settings, organization=organization, force=force, allow_insecure=allow_insecure)
    try:
        if create_organization:  # a target passed in keeps what its owner set otherwise
            _organizations(target, "report")
        return plan_packages(packages, target, settings=settings, prune=prune, force=force, validate=validate,
                             use_cache=use_cache, jobs=jobs, progress=progress)
    finally:
        if made:
            target.close()


def apply(the_plan: Plan, target: Target, *, jobs: int = 1, progress: Progress | None = None,
          saved: bool = False) -> ApplyResult:
    """Apply exactly ``the_plan`` (``saved``: a plan read back from ``plan -o``, checked for drift)."""
    from .portals import apply_plan

    return apply_plan(the_plan, target, jobs=jobs, progress=progress, saved=saved)


def publish(
    paths: Sequence[str | os.PathLike[str]] = (),
    to: Where | None = None,
    *,
    plan: Plan | str | os.PathLike[str] | None = None,
    organization: str | None = None,
    settings: Settings | None = None,
    prune: bool = False,
    force: bool = False,
    validate: bool = True,
    jobs: int = 1,
    progress: Progress | None = None,
    allow_insecure: bool = False,
    create_organization: bool = False,
    use_cache: bool = True,
) -> tuple[Plan, ApplyResult]:
    """Plan and apply at once, or apply a saved ``plan`` (a Plan, or the file ``plan -o`` wrote; checked
    for drift, and then no ``paths`` nor ``prune``). ``to``: a Target (left open), or resolved as ``--to`` is (URL, portal
    name, folder, default; for a saved plan, its folder or its organization unless named).
    ``create_organization``: a CKAN organization the portal lacks is created (title: the publisher's
    name) after the preflight found nothing else wrong; the token must be a sysadmin's.
    ``use_cache``: False validates every package again (validation/cache.py). ``jobs``: datasets
    written at a time (threads), and packages validated at a time (worker processes)."""
    from .portals import Plan, apply_plan, plan_packages
    from .portals.static import StaticTarget

    settings = settings or load_settings()
    saved: Plan | None = None
    if plan is not None:
        if paths or prune:
            raise UsageError("--plan のときはパッケージや --prune を指定できません (計画に含まれています)")
        saved = plan if isinstance(plan, Plan) else Plan.load(plan)
        if organization is None:
            organization = saved.target.get("organization")
        if to is None and saved.target.get("kind") == StaticTarget.kind:
            to = str(saved.target.get("path"))  # a folder plan names its folder (absolute)
    target, made = _the_target(to, settings, organization=organization, force=force, allow_insecure=allow_insecure)
    try:
        if create_organization:
            _organizations(target, "create")
        the_plan = saved if saved is not None else plan_packages(
            resolve_packages(paths, settings), target, settings=settings, prune=prune, force=force,
            validate=validate, use_cache=use_cache, jobs=jobs, progress=progress)
        return the_plan, apply_plan(the_plan, target, jobs=jobs, progress=progress, saved=saved is not None)
    finally:
        if made:
            target.close()


def pull(
    dataset: str,
    source: str | None = None,
    out: str | os.PathLike[str] | None = None,
    *,
    settings: Settings | None = None,
    force: bool = False,
    validate: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FILE_BYTES,
    allow_insecure: bool = False,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
) -> PullResult:
    """Download ``dataset`` as a package into ``out`` (default: ``./DATASET``), verified and validated.

    ``source`` is resolved as ``pull --from`` is: a portal name from opendata.yaml, a URL (a
    configured portal's own URL, else a static catalog, else a CKAN), or a static catalog folder;
    default ``default_target``. A token is sent only to a configured portal, never to any other URL.
    ``timeout``: seconds for the whole pull (None: no limit); ``max_bytes``: the most written for a
    file whose size nothing records."""
    from .portals import resolve_source
    from .portals.pull import pull_from

    settings = settings or load_settings()
    where = resolve_source(source, settings, allow_insecure=allow_insecure, environ=environ)
    return pull_from(dataset, where, out if out is not None else dataset, force=force, validate=validate,
                     progress=progress, timeout=timeout, max_bytes=max_bytes)


def evaluation_template(
    output: str | os.PathLike[str],
    *,
    records_from: Sequence[str | os.PathLike[str]] | None = None,
    force: bool = False,
) -> Path:
    """Write the fill-in template workbook (.xlsx) to ``output``; return its path.

    ``records_from``: packages (their sources/evaluations/*.yaml), folders of record YAML files or
    the files themselves, whose records pre-fill the sheets; None writes an empty template. An
    existing ``output`` is replaced only with ``force``. Raises ``UsageError`` for that or for an
    output that is no .xlsx, ``InputError`` for a record that cannot be read; nothing is written then.
    """
    from .records import template

    target = Path(output)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"テンプレートは .xlsx に書きます（{target}）", hint="-o FILE.xlsx を指定してください")
    if target.is_dir():
        raise UsageError(f"{target} はフォルダです", hint="-o にはファイル名 (FILE.xlsx) を指定してください")
    if target.exists() and not force:
        raise UsageError(f"{target} はすでにあります", hint="上書きするには --force を付けてください")
    records = template.load_records(records_from) if records_from else []
    template.write_template(records, target)
    return target


@dataclass(frozen=True)
class LayoutInfo:
    """One layout ``evaluation import`` knows: a workbook layout (built in) or a text-sheet layout."""

    name: str
    title: str
    kind: str  # "workbook" (.xlsx/.xlsm/.csv) or "text" (.txt extracted from a PDF)
    level: str | None = None  # policy / program, for workbook layouts


def evaluation_layouts() -> list[LayoutInfo]:
    """The built-in workbook layouts, then the text-sheet layouts, by name."""
    from .records.importers import LAYOUTS as TEXT_LAYOUTS
    from .records.layouts import builtin_layout, builtin_names

    workbook = [builtin_layout(name) for name in builtin_names()]
    return ([LayoutInfo(lay.name, lay.title, "workbook", lay.level.value) for lay in workbook]
            + [LayoutInfo(name, "評価シートのテキスト (.txt)", "text") for name in sorted(TEXT_LAYOUTS)])


# ---------------------------------------------------------------------------------------------
# consumers: list what a source publishes, open a package


def list_datasets(
    source: str | None = None,
    *,
    query: str | None = None,
    publisher: str | None = None,
    settings: Settings | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_insecure: bool = False,
    environ: Mapping[str, str] | None = None,
) -> list[DatasetSummary]:
    """The datasets ``source`` publishes (a CKAN portal or a static catalog, resolved as ``pull
    --from`` is), sorted by name. ``query``: words each must contain; ``publisher``: a 団体コード."""
    from .portals import resolve_source
    from .portals.listing import list_source

    settings = settings or load_settings()
    where = resolve_source(source, settings, allow_insecure=allow_insecure, environ=environ)
    return list_source(where, query=query, publisher=publisher, timeout=timeout)


def _split_package_url(url: str) -> tuple[str, str]:
    """(site URL, dataset name) of a static catalog package URL: ``SITE/DATASET/datapackage.json``,
    ``SITE/DATASET/`` or ``SITE/DATASET/index.html`` (its page)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] in ("datapackage.json", "index.html"):
        segments.pop()
    if not segments:
        raise UsageError(f"データセットの URL ではありません: {url}",
                         hint="SITE/DATASET/datapackage.json か SITE/DATASET/ の形で指定してください")
    base = "/".join(segments[:-1])
    site = urlunsplit((parts.scheme, parts.netloc, "/" + base + "/" if base else "/", "", ""))
    return site, unquote(segments[-1])


def _pull_package_url(url: str, dest: Path, timeout: float | None) -> PullResult:
    from .portals.pull import pull_from
    from .portals.target import PullSource

    site, dataset = _split_package_url(url)
    try:
        return pull_from(dataset, PullSource("url", site), dest, validate=False, timeout=timeout)
    except NotFound:
        if not site.rstrip("/").endswith("/dataset"):
            raise
    # a CKAN dataset page: PORTAL/dataset/NAME
    portal = site.rstrip("/")[: -len("/dataset")] + "/"
    return pull_from(dataset, PullSource("url", portal), dest, validate=False, timeout=timeout, force=True)


def open_package(path_or_url: str | os.PathLike[str], *, timeout: float | None = DEFAULT_TIMEOUT) -> OpenedPackage:
    """Open a package for reading: a local package folder or descriptor file, or an http(s) URL — a
    static catalog's ``DATASET/datapackage.json`` or dataset page, or a CKAN dataset page
    (``PORTAL/dataset/NAME``) — pulled (bounded, every file verified) into a temporary folder that
    lives as long as the package (``close()`` or ``with`` removes it)."""
    from .packaging.opened import open_local_package

    text = os.fspath(path_or_url)
    if not text.lower().startswith(("http://", "https://")):
        return open_local_package(text)
    tmp = tempfile.TemporaryDirectory(prefix="opendata-pub-open-")
    try:
        result = _pull_package_url(text, Path(tmp.name) / "package", timeout)
        return open_local_package(result.path, keep=tmp)
    except BaseException:
        tmp.cleanup()
        raise


@dataclass(frozen=True, slots=True)
class NewFromResult:
    """``new_from``: the package made from the file, and its validation report."""

    adopted: AdoptResult
    report: Report

    @property
    def path(self) -> Path:
        return self.adopted.path


def new_from(
    file: str | os.PathLike[str],
    package_dir: str | os.PathLike[str],
    *,
    settings: Settings | None = None,
    template: str | None = None,
    publisher: str | None = None,
) -> NewFromResult:
    """Adopt an existing CSV as the new package ``package_dir`` (``opendata-pub new --from``) and
    validate it: the file copied as is, the standard its header follows (in its layout, old or new;
    ``template`` to name it) or the inferred schema applied, metadata defaults from opendata.yaml,
    ``bytes`` and ``hash`` recorded. Problems in the data are findings in ``report``."""
    from .packaging.adopt import adopt_file

    settings = settings or load_settings()
    adopted = adopt_file(file, package_dir, settings, template=template, publisher=publisher)
    return NewFromResult(adopted, validate([adopted.path], settings=settings))


def new_package(
    package_dir: str | os.PathLike[str],
    template: str,
    *,
    settings: Settings | None = None,
    publisher: str | None = None,
) -> ScaffoldResult:
    """A new, empty package for a standard (``opendata-pub new --template``): datapackage.yaml with the
    standard's schema and a header-only CSV. ``template`` is an id, number ("08"), title or short name
    ("AED", "投票所")."""
    from .inventory.scaffold import scaffold_package

    return scaffold_package(Path(package_dir), template, settings or load_settings(), publisher=publisher)
