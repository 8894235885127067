"""Reading Japanese municipal files: encodings, era years and dates, full-width text, local government codes.

Everything that reads a file goes through ``japan.encoding``; the other modules are pure.
"""

from __future__ import annotations

from opendata_pub.japan.encoding import (
    EncodingDecision,
    detect_encoding,
    detect_file_encoding,
    normalize_codec_name,
    read_text,
)
from opendata_pub.japan.lgcode import (
    PREFECTURES,
    check_digit,
    is_valid_lg_code,
    lg_code_problem,
    prefecture_of,
    with_check_digit,
)
from opendata_pub.japan.wareki import (
    ERAS,
    bare_fiscal_year,
    era_to_western,
    fiscal_year_label,
    fiscal_year_period,
    parse_bare_fiscal_year,
    parse_date,
    parse_fiscal_year,
)
from opendata_pub.japan.zenkaku import normalize_number, parse_number, to_hankaku

__all__ = [
    "ERAS",
    "PREFECTURES",
    "EncodingDecision",
    "bare_fiscal_year",
    "check_digit",
    "detect_encoding",
    "detect_file_encoding",
    "era_to_western",
    "fiscal_year_label",
    "fiscal_year_period",
    "is_valid_lg_code",
    "lg_code_problem",
    "normalize_codec_name",
    "normalize_number",
    "parse_bare_fiscal_year",
    "parse_date",
    "parse_fiscal_year",
    "parse_number",
    "prefecture_of",
    "read_text",
    "to_hankaku",
    "with_check_digit",
]
