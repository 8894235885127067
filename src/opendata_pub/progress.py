"""Progress reporting for long work, without printing: the library calls, the CLI draws.

A ``Progress`` receives tasks (a label and a total, in rows or bytes) and advances; the default
does nothing. The CLI passes one backed by rich's progress bars.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["NullProgress", "Progress"]


class Progress(Protocol):
    def start(self, key: str, label: str, total: int | None, unit: str = "rows") -> None:
        """A task begins; ``total`` may be None when unknown."""

    def advance(self, key: str, completed: int) -> None:
        """The task has ``completed`` units done (absolute, not a delta)."""

    def finish(self, key: str) -> None:
        """The task is over (successfully or not)."""


class NullProgress:
    def start(self, key: str, label: str, total: int | None, unit: str = "rows") -> None:
        pass

    def advance(self, key: str, completed: int) -> None:
        pass

    def finish(self, key: str) -> None:
        pass
