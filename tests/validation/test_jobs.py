"""validate --jobs N: worker processes give the report one process gives, in the same order."""

from __future__ import annotations

from pathlib import Path

from opendata_pub.validation.validator import Profile, validate_packages
from tests.validation.test_progress import Recorder

REPO = Path(__file__).resolve().parents[2]


def test_jobs_give_the_same_report_in_the_same_order(tmp_path: Path) -> None:
    packages = sorted(p for p in (REPO / "datapackages").iterdir() if p.is_dir())
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "datapackage.json").write_text('{"name": "bad", "resources": [{"name": "t", "path": "t.csv", '
                                          '"schema": {"fields": [{"name": "n", "type": "integer"}]}}]}',
                                          encoding="utf-8")
    (bad / "t.csv").write_text("n\n1\nx\n", encoding="utf-8")
    paths = [*packages, bad]
    one = validate_packages(paths, profile=Profile.NONE)
    progress = Recorder()
    two = validate_packages(paths, profile=Profile.NONE, jobs=2, progress=progress)
    assert [p.path for p in two.packages] == [p.path for p in one.packages]
    assert two.to_dict() == one.to_dict()
    assert not one.valid and any(f.code == "type-error" for p in two.packages for f in p.findings)
    assert progress.events[0] == ("start", "packages", len(paths), "packages")
    assert ("advance", "packages", len(paths)) in progress.events and progress.events[-1] == ("finish", "packages")
