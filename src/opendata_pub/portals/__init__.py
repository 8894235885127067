"""Publishing to portals (CKAN, or a static catalog folder) with a plan/apply sync, and pulling
datasets back as packages.

``requests`` is used only in this package. The verbs::

    target = resolve_target("https://ckan.example.jp", settings)      # or a portal name from opendata.yaml
    plan = plan_packages(["datapackages/demo"], target, settings=settings)
    result = apply_plan(plan, target, jobs=4)                          # both at once: actions.publish
    pull_dataset("demo", target, "demo/")

    site = resolve_target("site/", settings)                           # a folder: the static catalog
    plan = plan_packages(paths, site, settings=settings)               # + the catalog-level entry, last
    result = apply_plan(plan, site)                                    # writes it after the datasets
    pull_static("demo", "https://opendata.example.jp/", "demo/")       # from a static catalog

Modules: resolve (``--to``/``--from`` resolution: the factory above the targets), target (the
protocol, its errors), ckan (the CKAN target), static (the static catalog folder target and its
manifest), mapping (the CKAN mapping as data), rules (CKAN name/tag rules),
source (a package ready to publish), plan (the plan as a value), engine (plan/apply orchestration),
pull, http (the HTTP client), multipart (streamed uploads), retry (backoff policy).
"""

from typing import TYPE_CHECKING

from ..lazyexports import lazy_exports

if TYPE_CHECKING:
    from .ckan import CkanTarget
    from .engine import ApplyResult, DatasetResult, apply_plan, plan_packages
    from .http import CkanClient, Timeouts
    from .plan import Change, DatasetAction, DatasetPlan, Plan, ResourceAction, ResourcePlan
    from .pull import NotAStaticCatalog, PullResult, pull_dataset, pull_static
    from .resolve import resolve_source, resolve_target
    from .retry import RetryPolicy
    from .static import MANIFEST_NAME, StaticTarget
    from .target import CATALOG_ENTRY, ConflictError, PreflightError, PullSource, Target

_LAZY = {
    "CkanTarget": (".ckan", "CkanTarget"),
    "ApplyResult": (".engine", "ApplyResult"),
    "DatasetResult": (".engine", "DatasetResult"),
    "apply_plan": (".engine", "apply_plan"),
    "plan_packages": (".engine", "plan_packages"),
    "CkanClient": (".http", "CkanClient"),
    "Timeouts": (".http", "Timeouts"),
    "Change": (".plan", "Change"),
    "DatasetAction": (".plan", "DatasetAction"),
    "DatasetPlan": (".plan", "DatasetPlan"),
    "Plan": (".plan", "Plan"),
    "ResourceAction": (".plan", "ResourceAction"),
    "ResourcePlan": (".plan", "ResourcePlan"),
    "NotAStaticCatalog": (".pull", "NotAStaticCatalog"),
    "PullResult": (".pull", "PullResult"),
    "pull_dataset": (".pull", "pull_dataset"),
    "pull_static": (".pull", "pull_static"),
    "resolve_source": (".resolve", "resolve_source"),
    "resolve_target": (".resolve", "resolve_target"),
    "RetryPolicy": (".retry", "RetryPolicy"),
    "MANIFEST_NAME": (".static", "MANIFEST_NAME"),
    "StaticTarget": (".static", "StaticTarget"),
    "CATALOG_ENTRY": (".target", "CATALOG_ENTRY"),
    "ConflictError": (".target", "ConflictError"),
    "PreflightError": (".target", "PreflightError"),
    "PullSource": (".target", "PullSource"),
    "Target": (".target", "Target"),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "CATALOG_ENTRY",
    "MANIFEST_NAME",
    "ApplyResult",
    "Change",
    "CkanClient",
    "CkanTarget",
    "ConflictError",
    "DatasetAction",
    "DatasetPlan",
    "DatasetResult",
    "NotAStaticCatalog",
    "Plan",
    "PreflightError",
    "PullSource",
    "PullResult",
    "ResourceAction",
    "ResourcePlan",
    "RetryPolicy",
    "StaticTarget",
    "Target",
    "Timeouts",
    "apply_plan",
    "plan_packages",
    "pull_dataset",
    "pull_static",
    "resolve_source",
    "resolve_target",
]
