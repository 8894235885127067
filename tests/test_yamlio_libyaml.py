"""yamlio reads with libyaml's event parser under the strict Python composer: the same values, types and
line numbers as the pure-Python loader, on every YAML file of the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from opendata_pub import yamlio

REPO = Path(__file__).resolve().parent.parent
FILES = sorted([*REPO.glob("datapackages/**/*.yaml"), REPO / "opendata.yaml"])


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")
@pytest.mark.parametrize("loader", [yamlio._UniqueKeyLoader, yamlio._LineLoader], ids=["parse_yaml", "with_lines"])
def test_libyaml_events_give_what_the_python_loader_gives(loader: type[yamlio.StrictLoader]) -> None:
    fast = yamlio._C_VARIANTS[loader]
    assert fast is not None and FILES
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        slow, quick = yaml.load(text, Loader=loader), yaml.load(text, Loader=fast)
        assert quick == slow and repr(quick) == repr(slow), path
        if isinstance(slow, yamlio.LineMap):
            assert quick.key_lines == slow.key_lines, path
