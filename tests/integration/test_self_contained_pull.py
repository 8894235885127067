"""Issue 13 on the real CKAN: a package pulled from the portal validates with no opendata.yaml, because
the datapackage.json stored there carries the publisher's name, the contact point and the licence."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from opendata_pub import actions
from opendata_pub.portals import pull_dataset
from tests.portals.integration_support import CSV, project, settings_of, target


def test_a_pulled_package_validates_with_no_project(ckan, ckan_org, tmp_path: Path) -> None:
    name = "it-self-" + uuid.uuid4().hex[:10]
    root = project(tmp_path, ckan, ckan_org, {"towns": CSV}, name=name)
    assert 'publisher: "132217"' in (root / "datapackages" / name / "datapackage.yaml").read_text(encoding="utf-8")  # a bare code
    t = target(ckan, settings_of(root))
    try:
        _, result = actions.publish([root / "datapackages" / name], t, settings=t.settings)
        assert result.ok, [(d.name, d.error) for d in result.datasets]
        empty = tmp_path / "empty"
        empty.mkdir()
        out = empty / name
        pull_dataset(name, t, out, validate=False)
    finally:
        t.close()
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["publisher"]["name"] and descriptor["publisher"]["code"]
    assert descriptor["contactPoint"] and all(lic["title"] and lic["path"] for lic in descriptor["licenses"])
    assert not (empty / "opendata.yaml").exists()
    report = actions.validate([out], settings=actions.load_settings(cwd=empty))
    assert [f"{f.code} {f.where}: {f.message}" for f in report.errors] == []
    assert "shacl" in report.packages[0].checked
