"""A project's packages as the inventory and the site take them: the named ones, else every package
in the configured folder. (The inventory itself takes any package-like object and never imports
this layer; see ``inventory.collect.PackageSource``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..config import Settings
from .package import LocalPackage, discover_packages, load_package

__all__ = ["load_packages"]


def load_packages(settings: Settings, paths: Sequence[str | Path] = ()) -> list[LocalPackage]:
    """The packages named, else every package in the configured folder (sorted by folder name)."""
    folders = [Path(p) for p in paths] if paths else discover_packages(settings.packages_path)
    return [load_package(p) for p in folders]
