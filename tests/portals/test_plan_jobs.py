"""plan_packages with ``jobs``: packages validated in worker processes give the plan one by one gives,
and the cache keeps each report for the content hashed before it was validated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opendata_pub.config import load_config
from opendata_pub.packaging.project import discover_packages
from opendata_pub.portals import StaticTarget, plan_packages
from opendata_pub.portals import engine as engine_module
from opendata_pub.portals.plan import DatasetAction
from tests.conftest import write
from tests.projectfiles import KIYOSE, KIYOSE_URL, as_yaml, config, publisher

from .helpers import CSV, make_package

BAD = "code,name,population\n132217,清瀬市,たくさん\n"


def _project(root: Path) -> Path:
    write(root / "opendata.yaml", as_yaml(config(publisher(KIYOSE, url=KIYOSE_URL))))
    make_package(root / "datapackages", "alpha", {"towns": CSV})
    make_package(root / "datapackages", "bravo", {"t": BAD})
    make_package(root / "datapackages", "charlie", {"a": CSV, "b": CSV})
    return root


def _plan(root: Path, site: Path, *, jobs: int, use_cache: bool = True, cache: Path | None = None) -> dict[str, Any]:
    settings = load_config(root / "opendata.yaml")
    target = StaticTarget(site, settings=settings)
    try:
        return plan_packages(discover_packages(settings.packages_path), target, settings=settings, jobs=jobs,
                             use_cache=use_cache, cache_dir=cache).to_dict()
    finally:
        target.close()


def _validated(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Records the packages each call of the engine's validation was given."""
    calls: list[list[str]] = []
    real = engine_module.validate_packages

    def spy(paths, *a, **k):  # type: ignore[no-untyped-def]
        calls.append([Path(p).name for p in paths])
        return real(paths, *a, **k)

    monkeypatch.setattr(engine_module, "validate_packages", spy)
    return calls


def test_jobs_give_the_plan_one_by_one_gives(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    one = _plan(root, tmp_path / "site", jobs=1, use_cache=False)
    two = _plan(root, tmp_path / "site", jobs=2, use_cache=False)  # a plan writes nothing: same folder
    actions = {d["name"]: d["action"] for d in one["datasets"]}
    assert actions["bravo"] == DatasetAction.REFUSED.value  # the bad package is refused in both
    assert actions["alpha"] == actions["charlie"] == DatasetAction.CREATE.value
    for plan in (one, two):
        plan.pop("created")
    assert two == one


def test_only_what_the_cache_does_not_answer_is_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "project")
    calls = _validated(monkeypatch)
    cache = tmp_path / "cache"
    first = _plan(root, tmp_path / "site", jobs=2, cache=cache)
    assert calls == [["alpha", "bravo", "charlie"]]
    second = _plan(root, tmp_path / "site", jobs=2, cache=cache)
    assert calls[1] == []  # every report from the cache
    assert second["datasets"] == first["datasets"]
    (root / "datapackages" / "charlie" / "data" / "a.csv").write_text(BAD, encoding="utf-8")
    third = _plan(root, tmp_path / "site", jobs=2, cache=cache)
    assert calls[2] == ["charlie"]
    charlie = next(d for d in third["datasets"] if d["name"] == "charlie")
    assert charlie["action"] == DatasetAction.REFUSED.value  # its recorded hash no longer matches, and 'たくさん'


def test_plan_jobs_on_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path / "project")
    site = tmp_path / "site"
    r = cli("plan", "--to", str(site), "--jobs", "2", "--format", "json", cwd=root)
    assert r.code == 1, r.err  # bravo is refused: exit 1, as without --jobs
    got = {d["name"]: d["action"] for d in r.json["datasets"]}
    assert got["bravo"] == DatasetAction.REFUSED.value and got["alpha"] == DatasetAction.CREATE.value
    bad = cli("plan", "--to", str(site), "--jobs", "0", cwd=root)
    assert bad.code == 2 and "--jobs" in bad.err and "Traceback" not in bad.err


def test_an_interrupted_plan_keeps_the_reports_it_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from opendata_pub.validation import validator

    root = _project(tmp_path / "project")
    cache = tmp_path / "cache"
    real = validator.validate_package

    def stop_at_charlie(path, *a, **k):  # type: ignore[no-untyped-def]
        if Path(path).name == "charlie":
            raise KeyboardInterrupt
        return real(path, *a, **k)

    monkeypatch.setattr(validator, "validate_package", stop_at_charlie)
    with pytest.raises(KeyboardInterrupt):
        _plan(root, tmp_path / "site", jobs=1, cache=cache)
    monkeypatch.setattr(validator, "validate_package", real)
    calls = _validated(monkeypatch)
    _plan(root, tmp_path / "site", jobs=1, cache=cache)
    assert calls == [["charlie"]]  # alpha and bravo were stored as they were validated
