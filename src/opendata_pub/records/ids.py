"""Stable evaluation ids: ``<municipality_code>-<fiscal_year>-<policy>``.

The id must come out the same every time the same sheet is imported, in any year, on any machine:
it is built only from what the sheet prints. Program and indicator ids append ``-p<no>`` and
``-i<no>`` (see ``EvaluationRecord.program_id``). This module must not read clocks, files or
anything random.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["evaluation_id"]

_SAFE_CODE = re.compile(r"^[0-9A-Za-z]+(?:[-_.][0-9A-Za-z]+)*$")


def evaluation_id(
    municipality_code: str, fiscal_year: int, *, policy_code: str | None, policy_name: str | None
) -> str:
    """The id of one evaluation, e.g. ``132217-2020-513``.

    A sheet without a 施策コード (常総) is named by a short digest of its 施策名 instead
    (``082112-2020-n1a2b3c4d``): stable, ASCII, and different for different policies.
    """
    code = unicodedata.normalize("NFKC", policy_code).strip() if policy_code else ""
    if code and _SAFE_CODE.match(code):
        return f"{municipality_code}-{fiscal_year}-{code}"
    # Names (and odd codes) are hashed: ids go into file names and URLs, so they stay ASCII.
    basis = unicodedata.normalize("NFC", f"{policy_code or ''}|{policy_name or ''}")
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:8]
    return f"{municipality_code}-{fiscal_year}-n{digest}"
