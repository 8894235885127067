"""A cache folder git never commits: a ``.gitignore`` of ``*`` written into it on first use, whether or
not the project's own .gitignore names it (the validation cache, the descriptor memo)."""

from __future__ import annotations

from pathlib import Path

from .atomicfile import write_text

__all__ = ["ignore_in_git"]


def ignore_in_git(folder: Path) -> None:
    """Write ``folder/.gitignore`` (``*``) unless it is there; OSError when it cannot be written."""
    marker = folder / ".gitignore"
    if not marker.exists():
        write_text(marker, "# opendata-pub のキャッシュ (コミットしません)\n*\n")
