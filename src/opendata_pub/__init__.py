"""opendata-pub: publish Japanese municipal open data as validated Frictionless data packages."""

from __future__ import annotations

__version__ = "0.1.0"

from .packaging.evaluation_read import load_evaluations as load_evaluations  # noqa: E402  (after __version__, which modules below import)
