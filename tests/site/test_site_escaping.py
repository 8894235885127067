"""Text from descriptors never becomes markup on the static site (issue 9, item 6: HTML too).

Every text is escaped; in the schema.org JSON-LD ``<script>`` block ``<``, ``>`` and ``&`` are JSON
escapes, so a ``</script>`` in a title cannot end the block.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from opendata_pub import actions
from opendata_pub.config import load_config

EVIL = "</script><script>alert(1)</script><img src=x onerror=alert(2)>\"'&"


def _strings(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_hostile_text_is_escaped_everywhere(project: Path) -> None:
    desc = project / "datapackages/demo/datapackage.yaml"
    quoted = json.dumps(EVIL)
    _edit(desc, "title: デモデータ", f"title: {quoted}")
    _edit(desc, "description: テスト用のデータパッケージ", f"description: {quoted}")
    _edit(desc, "keywords: [テスト, デモ]", f"keywords: [テスト, {quoted}]")
    _edit(desc, "    title: 団体一覧", f"    title: {quoted}")
    _edit(project / "opendata.yaml", "title: テストカタログ", f"title: {quoted}")
    settings = load_config(project / "opendata.yaml")
    report = actions.validate([project / "datapackages/demo"], settings=settings)
    assert report.valid, [str(f) for f in report.errors]  # such text is legal: it must be escaped, not refused
    actions.publish([project / "datapackages/demo"], to=str(project / "site"), settings=settings)
    pages = [project / "site/index.html", project / "site/demo/index.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert "&lt;/script&gt;" in html, page  # the text is there, as text
        blocks = re.findall(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S)
        assert blocks, page
        for block in blocks:
            assert "</script" not in block.lower()
            data = json.loads(block)
            assert EVIL in _strings(data), page  # the JSON-LD keeps the text whole
