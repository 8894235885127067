"""CKAN's own rules for names and tags, checked before anything is sent (preflight).

They live in ``metadata/ckan_names.py`` (pure, no ``requests``) so that ``validate --target`` can
check them without the portal; this module keeps the names preflight imports.
"""

from __future__ import annotations

from ..metadata.ckan_names import MAX_NAME, MAX_TAG, MIN_NAME, MIN_TAG, dataset_name_problem, tag_problems

__all__ = ["MAX_NAME", "MAX_TAG", "MIN_NAME", "MIN_TAG", "dataset_name_problem", "tag_problems"]
