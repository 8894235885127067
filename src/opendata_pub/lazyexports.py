"""Package namespaces whose names are imported on first use (PEP 562 module ``__getattr__``).

``opendata-pub validate`` needs frictionless and pyarrow, not rdflib, pyshacl and requests; a
package ``__init__`` that imported all its modules made every command pay for all of them (0.6 s of
a 1 s start). A package lists its public names and the module each comes from; the module is
imported when a name is first read, and the name is then cached in the package's namespace.
The same imports stay under ``TYPE_CHECKING`` for type checkers and for the house layer test.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, names: Mapping[str, tuple[str, str]]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``; ``names`` maps each public name to
    (relative module, attribute in it)."""

    def __getattr__(name: str) -> Any:
        try:
            module, attribute = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module, package), attribute)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__
