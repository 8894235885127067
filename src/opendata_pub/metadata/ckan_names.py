"""CKAN's rules for dataset names, resource names and tags, and how a keyword becomes a tag.

Pure (no I/O, no ``requests``): preflight checks these before anything is sent, and ``validate
--target`` reports them without reaching the portal. The rules are those of CKAN 2.9–2.12
(``ckan/logic/validators.py``: ``name_validator``, ``tag_length_validator``,
``tag_name_validator``, whose pattern is ``[\\w \\-.]*$``).

The keyword → tag rule (``ckan_tag``), deterministic so a re-publish sends the same tags:

1. each character CKAN does not allow in a tag (anything but a letter or digit of any script, ``_``,
   space, ``-`` and ``.``; so '・', '、', '（', '/' are out) becomes a space;
2. runs of spaces collapse to one and the ends are trimmed;
3. the result is cut at 100 characters (on a character boundary) and trimmed again.

A result shorter than 2 characters is no tag at all (``None``): the keyword is reported as a
warning and only the original keywords keep it. Keywords that map to the same tag give it once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "MAX_NAME",
    "MAX_TAG",
    "MIN_NAME",
    "MIN_TAG",
    "ckan_tag",
    "ckan_tags",
    "dataset_name_problem",
    "tag_problems",
    "untaggable",
]

MIN_NAME, MAX_NAME = 2, 100
MIN_TAG, MAX_TAG = 2, 100
_NAME = re.compile(r"^[a-z0-9_-]+$")
_TAG = re.compile(r"[\w \-.]+", re.UNICODE)  # letters/digits of any script, space, - _ .
_TAG_CHAR = re.compile(r"[\w \-.]", re.UNICODE)
_SPACES = re.compile(r" {2,}")
_RESERVED = {"new", "edit", "search"}  # CKAN's own URL segments


def ckan_tag(keyword: str) -> str | None:
    """The CKAN tag for ``keyword`` (the rule in the module doc), or None when nothing is left."""
    text = "".join(c if _TAG_CHAR.fullmatch(c) else " " for c in str(keyword))
    text = _SPACES.sub(" ", text).strip()[:MAX_TAG].strip()
    return text if len(text) >= MIN_TAG else None


def ckan_tags(keywords: Iterable[object]) -> list[str]:
    """The tags for ``keywords``: mapped, each once, sorted (CKAN keeps tags as a set)."""
    return sorted({t for k in keywords if (t := ckan_tag(str(k))) is not None})


def untaggable(keywords: Iterable[object]) -> list[str]:
    """The keywords that map to no tag (kept only in the original keywords)."""
    return [str(k) for k in keywords if ckan_tag(str(k)) is None]


def dataset_name_problem(name: object) -> str | None:
    """Why CKAN would refuse ``name`` as a dataset name, or None."""
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
    """Why CKAN would refuse each of ``tags`` (already mapped tags; ``ckan_tag`` output passes)."""
    problems = []
    for tag in tags:
        if len(tag) < MIN_TAG:
            problems.append(f"キーワード {tag!r} は短すぎます (CKAN のタグは {MIN_TAG} 文字以上)")
        elif len(tag) > MAX_TAG:
            problems.append(f"キーワード {tag[:20]!r}… は長すぎます (CKAN のタグは {MAX_TAG} 文字まで)")
        elif not _TAG.fullmatch(tag):
            bad = sorted({c for c in tag if not _TAG_CHAR.fullmatch(c)})
            problems.append(f"キーワード {tag!r} に CKAN のタグに使えない文字があります: {' '.join(map(repr, bad))}"
                            " (使えるのは文字・数字・空白・- _ .)")
    return problems
