"""CKAN's own rules for names and tags, checked before anything is sent (preflight).

CKAN refuses a dataset whose name or tags break these rules with a 409 after the request; checking
first gives one clear message per problem and no half-written dataset. The rules are those of CKAN
2.9–2.12 (``ckan/logic/validators.py``: ``name_validator``, ``tag_length_validator``,
``tag_name_validator``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["MAX_NAME", "MAX_TAG", "MIN_NAME", "MIN_TAG", "dataset_name_problem", "tag_problems"]

MIN_NAME, MAX_NAME = 2, 100
MIN_TAG, MAX_TAG = 2, 100
_NAME = re.compile(r"^[a-z0-9_-]+$")
_TAG = re.compile(r"^[\w \-.]+$", re.UNICODE)  # letters/digits of any script, space, - _ .
_RESERVED = {"new", "edit", "search"}  # CKAN's own URL segments


def dataset_name_problem(name: object) -> str | None:
    if not isinstance(name, str) or not name:
        return "データセット名 (name) がありません"
    if not MIN_NAME <= len(name) <= MAX_NAME:
        return f"データセット名は {MIN_NAME}〜{MAX_NAME} 文字にしてください: {name!r} ({len(name)} 文字)"
    if not _NAME.match(name):
        return f"データセット名には英小文字・数字・- _ だけが使えます: {name!r}"
    if name in _RESERVED:
        return f"データセット名 {name!r} は CKAN が予約しています"
    return None


def tag_problems(tags: Iterable[str]) -> list[str]:
    problems = []
    for tag in tags:
        if len(tag) < MIN_TAG:
            problems.append(f"キーワード {tag!r} は短すぎます (CKAN のタグは {MIN_TAG} 文字以上)")
        elif len(tag) > MAX_TAG:
            problems.append(f"キーワード {tag[:20]!r}… は長すぎます (CKAN のタグは {MAX_TAG} 文字まで)")
        elif not _TAG.match(tag):
            bad = sorted({c for c in tag if not _TAG.match(c)})
            problems.append(f"キーワード {tag!r} に CKAN のタグに使えない文字があります: {' '.join(map(repr, bad))}"
                            " (使えるのは文字・数字・空白・- _ .)")
    return problems
