"""Parsed YAML descriptors kept between runs, so a publish of thousands of packages does not parse
every unchanged ``datapackage.yaml`` again.

YAML is parsed in pure Python under our strict rules (``yamlio``): ~10 ms for a 23 KB evaluation
descriptor, against 0.1 ms to read the same descriptor back as JSON. A publish loads every package
(CKAN: to compare each with the portal; a static catalog: for the catalog level whenever one package
changed), so at 2,000 packages the parse alone was ~20 s of each run.

One entry per descriptor file (its resolved path names the entry, so the folder holds as many entries
as there are packages, not one per edit): the sha256 of the text and of ``salt`` (the toolkit's
fingerprint: another version may parse otherwise), and the descriptor as JSON. ``get`` answers only for
the same text under the same salt; anything unexpected in an entry is a miss, never an error. ``put``
keeps only a descriptor that JSON gives back exactly (str keys; dict, list, str, int, float, bool,
None: a ``!!binary`` or ``!!set`` value would come back as something else), and a cache that cannot be
written only costs time next run. The folder carries a ``.gitignore`` of ``*``: it is never committed,
even when it is written by a run that keeps no validation report beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from pathlib import Path
from typing import Any

from ..atomicfile import write_text
from ..cachefolder import ignore_in_git

__all__ = ["FORMAT", "FileDescriptorMemo"]

FORMAT = 1  # bump when an entry's shape changes: older entries are then misses
_SCALARS = (str, int, float, bool, type(None))


class FileDescriptorMemo:
    """A ``packaging.package.DescriptorMemo`` in ``folder``. ``hits`` and ``misses`` count ``get``s."""

    def __init__(self, folder: str | Path, *, salt: str) -> None:
        self.folder = Path(folder)
        self.salt = salt
        self.hits = 0
        self.misses = 0

    def _entry(self, path: Path) -> Path:
        return self.folder / f"{hashlib.sha256(str(path.resolve()).encode()).hexdigest()}.json"

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{FORMAT}\0{self.salt}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, path: Path, text: str) -> dict[str, Any] | None:
        found = self._read(self._entry(path), self._key(text))
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, path: Path, text: str, descriptor: dict[str, Any]) -> None:
        if not _json_exact(descriptor):
            return
        body = json.dumps({"key": self._key(text), "descriptor": descriptor}, ensure_ascii=False)
        # A memo that cannot be written (read-only project, full disk) only costs time next run.
        with contextlib.suppress(OSError, ValueError):
            write_text(self._entry(path), body)
            ignore_in_git(self.folder)

    @staticmethod
    def _read(entry: Path, key: str) -> dict[str, Any] | None:
        try:
            stored = json.loads(entry.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return None
        if not isinstance(stored, dict) or stored.get("key") != key:
            return None
        descriptor = stored.get("descriptor")
        return descriptor if isinstance(descriptor, dict) else None


def _json_exact(value: Any, depth: int = 0) -> bool:
    """True when ``json.loads(json.dumps(value))`` gives ``value`` back with the same types."""
    if depth > 200:  # yamlio refuses deeper nesting; never expected here
        return False
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and _json_exact(v, depth + 1) for k, v in value.items())
    if kind is list:
        return all(_json_exact(v, depth + 1) for v in value)
    if kind is float:
        return not math.isnan(value)  # NaN reads back, but is not equal to itself: keep it simple
    return kind in _SCALARS
