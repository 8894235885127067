"""What a publishing target would refuse, known without reaching it (``validate --target NAME``).

A CKAN portal refuses tags and names that break its rules (``metadata/ckan_names.py``); publish
checks them in preflight, after contacting the portal. Here the same rules run offline over the
package, as findings. Each check is a small function in ``TARGET_CHECKS``: one more (licence ids of
a configured portal, say) is one more entry. Pure: no I/O, no ``requests``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..config import Portal, Settings
from ..findings import Finding, Layer, Location, Severity
from ..metadata.ckan_names import ckan_tag, dataset_name_problem
from .portal_licences import licence_map_findings

__all__ = ["TARGET_CHECKS", "TargetCheck", "TargetInfo", "check_target", "target_info"]


@dataclass(frozen=True, slots=True)
class TargetInfo:
    """A publishing target as far as it is known offline."""

    name: str  # as given: a portal name from opendata.yaml, a URL or a folder
    kind: Literal["ckan", "static"]
    portal: Portal | None = None  # the configured portal (None: a bare URL, or a folder)
    settings: Settings | None = None


TargetCheck = Callable[[Mapping[str, Any], TargetInfo, str], Iterable[Finding]]


def target_info(name: str, settings: Settings | None) -> TargetInfo:
    """``name`` as ``publish --to`` reads it: a URL or a configured portal is a CKAN, else a folder."""
    if name.lower().startswith(("http://", "https://")):
        return TargetInfo(name, "ckan", settings=settings)
    portal = settings.portals.get(name) if settings is not None else None
    if portal is not None:
        return TargetInfo(name, "ckan", portal=portal, settings=settings)
    return TargetInfo(name, "static", settings=settings)


def _finding(code: str, message: str, severity: Severity, file: str, key: str,
             params: Mapping[str, Any] | None = None) -> Finding:
    return Finding(code, message, severity, Location(file=file, key=key), Layer.METADATA, params=params or {})


def _ckan_tags(descriptor: Mapping[str, Any], target: TargetInfo, file: str) -> Iterable[Finding]:
    """Keywords become tags by the rule of metadata/ckan_names.py; one that maps to nothing is
    published only in the original keywords (a warning); a changed one is said (info)."""
    if target.kind != "ckan":
        return
    keywords = descriptor.get("keywords")
    for i, keyword in enumerate(keywords if isinstance(keywords, list) else []):
        tag = ckan_tag(str(keyword))
        if tag is None:
            yield _finding("ckan-keyword-no-tag",
                           f"キーワード {str(keyword)!r} は CKAN のタグにできません (文字・数字・空白・- _ . が 2 文字以上"
                           "残りません)。タグにはせず、元のキーワード (extras の keywords) にだけ残します",
                           Severity.WARNING, file, f"keywords[{i}]", {"keyword": str(keyword)})
        elif tag != keyword:
            yield _finding("ckan-keyword-mapped", f"キーワード {str(keyword)!r} は CKAN のタグ {tag!r} として公開します",
                           Severity.INFO, file, f"keywords[{i}]", {"keyword": str(keyword), "tag": tag})


def _ckan_names(descriptor: Mapping[str, Any], target: TargetInfo, file: str) -> Iterable[Finding]:
    """The dataset name follows CKAN's name rule; each resource has a name, the key a re-publish
    matches the portal's resource by (CKAN shows the title)."""
    if target.kind != "ckan":
        return
    problem = dataset_name_problem(descriptor.get("name"))
    if problem is not None:
        yield _finding("ckan-dataset-name", problem, Severity.ERROR, file, "name")
    # a duplicate name is the descriptor layer's "resource-name-duplicate"; a missing one breaks matching here
    resources = descriptor.get("resources")
    for i, res in enumerate(resources if isinstance(resources, list) else []):
        name = res.get("name") if isinstance(res, Mapping) else None
        if not isinstance(name, str) or not name:
            yield _finding("ckan-resource-name", f"リソース {i + 1} に名前 (name) がありません。CKAN の"
                           "リソースを再公開のときに見つける鍵になります", Severity.ERROR, file, f"resources[{i}].name")


def _portal_licences(descriptor: Mapping[str, Any], target: TargetInfo, file: str) -> Iterable[Finding]:
    """A configured portal's licence map against the package's licence (validation/portal_licences.py);
    a CKAN URL finds the portal configured with that URL."""
    if target.kind != "ckan" or target.settings is None:
        return []
    portal = target.portal or target.settings.portal_at(target.name)
    return licence_map_findings(descriptor, portal, target.settings, file=file)


TARGET_CHECKS: list[TargetCheck] = [_ckan_names, _ckan_tags, _portal_licences]


def check_target(descriptor: Mapping[str, Any], target: TargetInfo, *, file: str) -> list[Finding]:
    """Every finding of ``TARGET_CHECKS`` for one package descriptor."""
    return [f for check in TARGET_CHECKS for f in check(descriptor, target, file)]
