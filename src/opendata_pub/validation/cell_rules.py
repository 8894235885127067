"""Rules over every text cell of a package's tables: what publishing would turn into trouble.

- ``csv-formula-injection`` (warning): a string cell Excel would run as a formula (it starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a CR; ``packaging.excel.formula_risk``). The site's Excel copies
  neutralise such cells with a leading ``'``; the original CSV keeps them, and so does anyone who
  opens it in Excel — hence a warning, so the publisher can decide (write ``+81`` numbers as
  ``042-492-5111``, drop a leading ``-`` of a list item).
- ``cell-control-character``: a cell holding a character XML 1.0 cannot (a C0 control other than
  tab, LF, CR; ``rdf.terms.literal_problem``). In an evaluation package the cells become RDF
  literals and RDF/XML could not be written: an error. Elsewhere only the CSV carries it: a warning.

A rule yields at most ``_LIMIT`` findings per resource and then one that counts the rest, so a large
file with one habit does not bury the report.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from ..csvtext import FORMULA_STARTS
from ..findings import Finding, Layer, Location, Severity
from ..packaging.excel import formula_risk
from .rules import PackageView, rule, text_cells_of

_LIMIT = 20


def _resources(view: PackageView) -> list[str]:
    resources = view.descriptor.get("resources")
    names = [r.get("name") for r in resources if isinstance(r, dict)] if isinstance(resources, list) else []
    return [n for n in names if isinstance(n, str) and view.has(n)]


# Pre-filters for view.text_cells (RE2 and re alike): the cells each rule must look at, and no others.
_FORMULA_START = "^[" + "".join(f"\\x{ord(c):02x}" for c in FORMULA_STARTS) + "]"
_NOT_XML_CHAR = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\ufffe\uffff]"  # U+FFFE/U+FFFF as characters: re has no \\x{} escape


def _capped(findings: Iterator[Finding], code: str, severity: Severity, file: str, resource: str,
            what: str) -> Iterator[Finding]:
    extra = 0
    for n, finding in enumerate(findings):
        if n < _LIMIT:
            yield finding
        else:
            extra += 1
    if extra:
        yield Finding(code, f"ほかに {extra} 個のセルが{what}", severity, Location(file=file), Layer.DOMAIN,
                      resource, {"more": extra})


@rule("csv-formula-injection", text_pattern=_FORMULA_START)
def _formula_cells(view: PackageView) -> Iterator[Finding]:
    """Warn about string cells Excel would run as a formula (= + - @ tab CR at the start)."""
    for resource in _resources(view):
        file = view.file(resource)

        def found(resource: str = resource, file: str = file) -> Iterator[Finding]:
            for row, name, ftype, cell in text_cells_of(view, resource, _FORMULA_START):
                if formula_risk(cell, ftype):
                    shown = cell if len(cell) <= 40 else cell[:40] + "…"
                    yield Finding(
                        "csv-formula-injection",
                        f"{row} 行目の列「{name}」の値 {shown!r} は {cell[0]!r} で始まるため、Excel で開くと数式として"
                        "扱われます (例: +81-42-492-5111 → -5564)。サイトの Excel 用 CSV では先頭に ' を付けます",
                        Severity.WARNING, Location(file=file, row=row, field=name), Layer.DOMAIN, resource,
                        {"cell": cell, "start": cell[0]})

        yield from _capped(found(), "csv-formula-injection", Severity.WARNING, file, resource,
                           "数式とみなされる値で始まります")


@rule("cell-control-character", text_pattern=_NOT_XML_CHAR)
def _control_cells(view: PackageView) -> Iterator[Finding]:
    """Cells holding a character XML 1.0 cannot: an error where the cells become RDF (evaluation data)."""
    for resource in _resources(view):
        file = view.file(resource)
        hits = text_cells_of(view, resource, _NOT_XML_CHAR)
        first = next(hits, None)
        if first is None:
            continue
        # rdf imports rdflib (0.1 s): only for a package that has such a cell at all.
        from ..rdf.evaluation import is_evaluation_package
        from ..rdf.terms import literal_problem

        to_rdf = is_evaluation_package(view.descriptor)
        severity = Severity.ERROR if to_rdf else Severity.WARNING
        why = "評価データは RDF になるため公開できません" if to_rdf else "Excel や XML で扱えないことがあります"

        def found(hits: Iterator[tuple[int | None, str, str, str]], file: str = file, resource: str = resource,
                  severity: Severity = severity, why: str = why) -> Iterator[Finding]:
            for row, name, _ftype, cell in hits:
                problem = literal_problem(cell)
                if problem is not None:
                    yield Finding("cell-control-character", f"{row} 行目の列「{name}」の値が{problem}。{why}",
                                  severity, Location(file=file, row=row, field=name), Layer.DOMAIN, resource,
                                  {"cell": cell})

        yield from _capped(found(itertools.chain([first], hits)), "cell-control-character", severity, file, resource,
                           "同じ問題を含みます")
