"""opendata-pub: publish Japanese municipal open data as validated Frictionless data packages."""

from __future__ import annotations

__version__ = "0.1.0"
