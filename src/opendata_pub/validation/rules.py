"""The domain-rule registry: layer (d) of the validation report.

A rule is a small generator over a ``PackageView`` (the package's typed rows, read once and cached)
that yields ``Finding``s. Rules register themselves with ``@rule(code, applies=...)`` when their module
is imported; ``RULE_MODULES`` lists the modules the validator imports, so adding a rule module is one
line here. Rules never raise for bad data: bad data is a finding.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..findings import Finding

__all__ = ["RULE_MODULES", "PackageView", "Rule", "registered_rules", "rule", "row_text_cells", "run_rules", "text_cells_of", "text_patterns"]

# Modules that define rules. Each imports ``rule`` and ``PackageView`` from this module, so importing
# them here at module level would be an import cycle (rules -> cell_rules -> rules); registered_rules
# imports them on first use instead, when this module is complete.
RULE_MODULES: tuple[str, ...] = (
    "opendata_pub.validation.cell_rules",
    "opendata_pub.validation.evaluation_rules",
    "opendata_pub.validation.standard_rules",
)


class PackageView(Protocol):
    """What a rule may look at. Implemented by the validator over a frictionless package."""

    @property
    def name(self) -> str: ...

    @property
    def descriptor(self) -> Mapping[str, Any]:
        """The package descriptor as loaded (camelCase Frictionless keys plus our metadata keys)."""
        ...

    def has(self, resource: str) -> bool:
        """True when the package has a tabular resource of that name whose rows could be read."""
        ...

    def rows(self, resource: str) -> list[dict[str, Any]]:
        """Typed rows of a resource by field name: integer → int, number → Decimal, empty → None.

        Each row also carries ``"__row__"``: its 1-based row number in the file (header = row 1).
        """
        ...

    def text_cells(self, resource: str, pattern: str) -> Iterator[tuple[int | None, str, str, str]]:
        """(row, field, field type, cell) of each text cell of ``resource`` (a str in its typed rows) in
        which ``pattern`` finds a match, in row order. The pattern must mean the same in Python's re
        and RE2 (the columnar engine searches whole columns with it): a cheap pre-filter, the rule
        then decides on the cells found."""
        ...

    def file(self, resource: str) -> str:
        """The resource's file path as shown to users (relative to the working directory)."""
        ...

    def fields(self, resource: str) -> list[Mapping[str, Any]]:
        """The resource's Table Schema fields."""
        ...


RuleFunc = Callable[[PackageView], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    check: RuleFunc
    applies: Callable[[PackageView], bool]
    description: str
    text_pattern: str | None = None  # the rule reads view.text_cells(resource, text_pattern)


_REGISTRY: dict[str, Rule] = {}


def rule(code: str, *, applies: Callable[[PackageView], bool] = lambda view: True,
         text_pattern: str | None = None) -> Callable[[RuleFunc], RuleFunc]:
    """Register ``check`` as the rule ``code``. The first docstring line becomes its description.
    ``text_pattern``: the pre-filter the rule passes to ``view.text_cells``, declared so the data
    layer can find those cells in the pass that validates the rows (``text_patterns``).

    A rule may yield findings with other codes than its own (one rule, several related codes),
    but each code belongs to one rule.
    """

    def decorate(check: RuleFunc) -> RuleFunc:
        if code in _REGISTRY and _REGISTRY[code].check.__qualname__ != check.__qualname__:
            raise ValueError(f"rule code {code!r} registered twice")
        doc = (check.__doc__ or "").strip().splitlines()
        _REGISTRY[code] = Rule(code, check, applies, doc[0] if doc else "", text_pattern)
        return check

    return decorate


def registered_rules() -> list[Rule]:
    """Every rule of every module in RULE_MODULES, in a stable order (by code)."""
    for module in RULE_MODULES:
        importlib.import_module(module)
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


class _Rows(Protocol):
    def rows(self, resource: str) -> list[dict[str, Any]]: ...

    def fields(self, resource: str) -> list[Mapping[str, Any]]: ...


def text_cells_of(view: PackageView, resource: str, pattern: str) -> Iterator[tuple[int | None, str, str, str]]:
    """``view.text_cells`` where the view has it (the validator's does), else ``row_text_cells``
    (a view over rows already in memory)."""
    finder = getattr(view, "text_cells", None)
    return finder(resource, pattern) if finder is not None else row_text_cells(view, resource, pattern)


def row_text_cells(view: _Rows, resource: str, pattern: str) -> Iterator[tuple[int | None, str, str, str]]:
    """The text cells of ``view.rows(resource)`` in which ``pattern`` finds a match."""
    compiled = re.compile(pattern)
    types = {str(f.get("name")): str(f.get("type") or "string") for f in view.fields(resource)}
    for row in view.rows(resource):
        for name, value in row.items():
            if name != "__row__" and isinstance(value, str) and compiled.search(value):
                yield row.get("__row__"), name, types.get(name, "string"), value


def text_patterns() -> list[str]:
    """The text pre-filters of the registered rules (see ``rule``), each once."""
    return sorted({r.text_pattern for r in registered_rules() if r.text_pattern})


def run_rules(view: PackageView) -> Iterator[Finding]:
    """Run every applicable rule over ``view``."""
    for r in registered_rules():
        if r.applies(view):
            yield from r.check(view)
