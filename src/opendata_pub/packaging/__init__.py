"""packaging: records and files -> Frictionless data packages, and evaluation packages read back."""

from __future__ import annotations

from .evaluation_read import load_evaluations

__all__ = ["load_evaluations"]
