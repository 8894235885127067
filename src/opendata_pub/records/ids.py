"""Stable evaluation ids: ``<municipality_code>-<fiscal_year>-<policy>`` (or ``-<program>``).

The id must come out the same every time the same sheet is imported, in any year, on any machine:
it is built only from what the sheet prints. Program and indicator ids append ``-p<no>`` and
``-i<no>`` (see ``EvaluationRecord.program_id``). This module must not read clocks, files or
anything random.

A program-level evaluation (one row of a 事務事業評価 workbook) is named by its 事務事業ID, not by
the 施策 it belongs to: many programs of one 施策 are evaluated in one year, and each needs its own id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["evaluation_id"]

_SAFE_CODE = re.compile(r"^[0-9A-Za-z]+(?:[-_.][0-9A-Za-z]+)*$")


def evaluation_id(
    municipality_code: str,
    fiscal_year: int,
    *,
    policy_code: str | None,
    policy_name: str | None,
    program_code: str | None = None,
    program_name: str | None = None,
) -> str:
    """The id of one evaluation, e.g. ``132217-2020-513``.

    A sheet without a 施策コード (常総) is named by a short digest of its 施策名 instead
    (``082112-2020-n1a2b3c4d``): stable, ASCII, and different for different policies. A
    program-level evaluation passes its 事務事業ID (``program_code``, zeros kept: ``132217-2025-0086``)
    or, without one, its 事務事業名 (hashed as above, together with the 施策).
    """
    if program_code or program_name:
        return _named(municipality_code, fiscal_year, program_code,
                      f"{policy_code or ''}|{policy_name or ''}|{program_name or ''}")
    return _named(municipality_code, fiscal_year, policy_code, policy_name or "")


def _named(municipality_code: str, fiscal_year: int, code_as_printed: str | None, name: str) -> str:
    code = unicodedata.normalize("NFKC", code_as_printed).strip() if code_as_printed else ""
    if code and _SAFE_CODE.match(code):
        return f"{municipality_code}-{fiscal_year}-{code}"
    # Names (and odd codes) are hashed: ids go into file names and URLs, so they stay ASCII.
    basis = unicodedata.normalize("NFC", f"{code_as_printed or ''}|{name}")
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:8]
    return f"{municipality_code}-{fiscal_year}-n{digest}"
