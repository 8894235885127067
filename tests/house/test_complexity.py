"""Functions a reader can follow (issue 10): none in src above cyclomatic complexity 25 (radon) and
none longer than 80 lines, except tables (module-level data, which radon does not count).

``DEBT`` names the functions still above either limit; the test fails when a new one appears and
when a listed one has been brought under the limits, so the list can only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

from radon.complexity import cc_visit

SRC = Path(__file__).resolve().parents[2] / "src" / "opendata_pub"
MAX_COMPLEXITY = 25
MAX_LINES = 80

DEBT: set[str] = {
    'config.py:parse_config',
    'inventory/collect.py:entry_from_package',
    'inventory/yamlfile.py:_entry',
    'packaging/build.py:import_evaluations',
    'packaging/describe.py:describe_file',
    'rdf/dcat_out.py:_catalog',
    'site/jsonld.py:dataset_json_ld',
    'site/render.py:_meta_rows',
}


def _offenders() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(SRC).as_posix()
        for block in cc_visit(text):
            name = f"{rel}:{block.fullname}"
            if block.complexity > MAX_COMPLEXITY:
                out[name] = f"complexity {block.complexity}"
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_LINES:
                    out.setdefault(f"{rel}:{node.name}", f"{lines} lines")
    return out


def test_the_scan_sees_functions():
    # guards the scanner: radon must find blocks in a module we know has functions
    text = (SRC / "errors.py").read_text(encoding="utf-8")
    assert len(cc_visit(text)) > 3


def test_functions_stay_small():
    found = _offenders()
    new = {k: v for k, v in found.items() if k not in DEBT}
    gone = sorted(DEBT - set(found))
    assert not new, f"functions over complexity {MAX_COMPLEXITY} or {MAX_LINES} lines: {new}"
    assert not gone, f"these functions are now small enough; remove them from DEBT: {gone}"
