"""The layer rules of README "Development": which package of ours may import which, and which
third-party library lives in which layer. Read from the source with ``ast``, so it holds for imports
made inside functions too.

Issue 10 removed the last breaches (inventory → packaging, metadata ↔ config, PyYAML outside yamlio,
rdflib in site); the test keeps them out.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "opendata_pub"

# Each layer may import itself and the layers listed for it (README "Layers", bottom up).
FOUNDATION = {"errors", "findings", "progress", "atomicfile", "cachefolder", "yamlio", "inputfile", "folderlock",
              "csvtext", "lazyexports"}
ALLOWED: dict[str, set[str]] = {name: set() for name in FOUNDATION}
ALLOWED.update({
    "errors": set(),
    "findings": {"errors"},
    "progress": set(),
    "atomicfile": {"errors"},
    "cachefolder": {"atomicfile"},
    "yamlio": {"errors", "inputfile"},
    "inputfile": {"errors"},
    "folderlock": {"errors"},
    "japan": FOUNDATION,
    "standards": FOUNDATION,
    "metadata": FOUNDATION | {"japan"},
    "config": FOUNDATION | {"japan", "metadata"},
    "records": FOUNDATION | {"japan"},
    "inventory": FOUNDATION | {"japan", "metadata", "config", "standards"},
    "packaging": FOUNDATION | {"japan", "metadata", "config", "standards", "records", "inventory"},
    "rdf": FOUNDATION | {"japan", "metadata", "config", "standards", "records", "inventory", "packaging"},
    "validation": FOUNDATION | {"japan", "metadata", "config", "standards", "records", "inventory", "packaging",
                                "rdf"},
    "site": FOUNDATION | {"japan", "metadata", "config", "standards", "records", "inventory", "packaging", "rdf"},
    "portals": FOUNDATION | {"japan", "metadata", "config", "standards", "records", "inventory", "packaging", "rdf",
                             "validation", "site"},
})
TOP = {"actions", "cli", "__main__"}  # compose everything

# Third-party libraries and the modules (package or package.module prefixes) they may be imported in.
LIBRARIES: dict[str, tuple[str, ...]] = {
    "frictionless": ("packaging",),
    "rdflib": ("rdf", "validation.shacl"),  # pyshacl takes and returns rdflib graphs
    "pyshacl": ("validation.shacl",),
    "requests": ("portals",),
    "urllib3": ("portals",),
    "click": ("cli",),
    "rich": ("cli",),
    "yaml": ("yamlio",),
    "python_calamine": ("records.workbook",),
    "openpyxl": ("records.template.writer",),
    "pandas": ("packaging.opened",),  # optional: only to_pandas() imports it
    "pyarrow": ("packaging.columnar",),  # the columnar validation engine
    "numpy": ("packaging.columnar",),  # pyarrow's masks and row numbers
}

def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        out[".".join(parts) or "__init__"] = ast.parse(path.read_text(encoding="utf-8"))
    return out


def _imports(module: str, tree: ast.Module, is_package: bool) -> set[str]:
    """Absolute names this module imports (``opendata_pub.x.y`` or a third-party top name)."""
    here = ["opendata_pub", *[p for p in module.split(".") if p != "__init__"]]
    base = here if is_package else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
                if not node.module:  # from .. import x: x may be a module
                    found.update(f"{target}.{a.name}" for a in node.names)
                    continue
            else:
                target = node.module or ""
            found.add(target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _layer(dotted: str) -> str:
    """The package (or top-level module) of ours a name belongs to; the root package itself (for
    ``from .. import __version__``) is "__init__"."""
    parts = dotted.split(".")
    if len(parts) < 2 or not ((SRC / parts[1]).is_dir() or (SRC / f"{parts[1]}.py").exists()):
        return "__init__"
    return parts[1]


def _edges() -> set[tuple[str, str]]:
    """(module, imported) pairs: ours as 'pkg.mod' → layer name, third-party as 'lib:<name>'."""
    edges: set[tuple[str, str]] = set()
    for module, tree in _modules().items():
        is_package = (SRC / module.replace(".", "/") / "__init__.py").exists() or module == "__init__"
        for name in _imports(module, tree, is_package):
            top = name.split(".")[0]
            if top == "opendata_pub":
                edges.add((module, _layer(name)))
            elif top in LIBRARIES:
                edges.add((module, f"lib:{top}"))
    return edges


def _breaches() -> set[tuple[str, str]]:
    bad = set()
    for module, imported in _edges():
        layer = module.split(".")[0]
        if imported.startswith("lib:"):
            lib = imported[4:]
            if not any(module == p or module.startswith(p + ".") for p in LIBRARIES[lib]):
                bad.add((module, imported))
        elif layer in TOP or module == "__init__" or imported in (layer, "__init__"):
            continue  # the root package is imported only for __version__ below the top
        elif imported not in ALLOWED.get(layer, set()):
            bad.add((module, imported))
    return bad


def test_the_scan_sees_the_known_imports():
    # guards the scanner itself: these edges exist, so a scanner that finds nothing fails here
    edges = _edges()
    assert ("portals.http", "lib:requests") in edges
    assert ("cli.app", "lib:click") in edges
    assert any(m.startswith("packaging") and i == "lib:frictionless" for m, i in edges)
    assert ("actions", "portals") in edges


def test_layers_hold():
    bad = sorted(_breaches())
    assert not bad, f"imports that break the layer rules: {bad}"


def test_no_import_cycle_between_packages():
    graph: dict[str, set[str]] = {}
    for module, imported in _edges():
        layer = module.split(".")[0]
        if not imported.startswith("lib:") and imported != layer and "__init__" not in (layer, imported):
            graph.setdefault(layer, set()).add(imported)
    cycles = set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in graph.get(node, ()):
            if nxt in path:
                cycle = path[path.index(nxt):]
                cycles.add(" → ".join(sorted(cycle)))
            elif len(path) < 20:
                visit(nxt, [*path, nxt])

    for start in graph:
        visit(start, [start])
    assert not cycles, f"import cycles between packages: {sorted(cycles)}"
