"""Publishing to portals (CKAN) with a plan/apply sync, and pulling datasets back as packages.

``requests`` is used only in this package. The verbs::

    target = resolve_target("https://ckan.example.jp", settings)      # or a portal name from opendata.yaml
    plan = plan_packages(["datapackages/demo"], target, settings=settings)
    result = apply_plan(plan, target, jobs=4)                          # or publish_packages(...)
    pull_dataset("demo", target, "demo/")

Modules: target (protocol, ``--to`` resolution), ckan (the CKAN target), mapping (the CKAN mapping as
data), rules (CKAN name/tag rules), source (a package ready to publish), plan (the plan as a value),
engine (plan/apply orchestration), pull, http (the HTTP client), multipart (streamed uploads),
retry (backoff policy).
"""

from .ckan import CkanTarget
from .engine import ApplyResult, DatasetResult, apply_plan, plan_packages, publish_packages
from .http import CkanClient, Timeouts
from .plan import Change, DatasetAction, DatasetPlan, Plan, ResourceAction, ResourcePlan
from .pull import PullResult, pull_dataset
from .retry import RetryPolicy
from .target import ConflictError, PreflightError, Target, resolve_target

__all__ = [
    "ApplyResult",
    "Change",
    "CkanClient",
    "CkanTarget",
    "ConflictError",
    "DatasetAction",
    "DatasetPlan",
    "DatasetResult",
    "Plan",
    "PreflightError",
    "PullResult",
    "ResourceAction",
    "ResourcePlan",
    "RetryPolicy",
    "Target",
    "Timeouts",
    "apply_plan",
    "plan_packages",
    "publish_packages",
    "pull_dataset",
    "resolve_target",
]
