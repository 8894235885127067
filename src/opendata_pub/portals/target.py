"""Where packages are published: the Target protocol, the errors targets raise, and the constants
``--to``/``--from`` resolution shares. Resolution itself lives in resolve.py (above ckan.py and
static.py), so this module imports neither.

The plan/apply engine (engine.py) only knows the protocol below, so the folder target plugs in
beside the CKAN one. How ``--to`` and ``pull --from`` are resolved: resolve.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ..errors import PortalError, PortalRejected
from .plan import DatasetPlan, Plan
from .source import SourcePackage

__all__ = ["CATALOG_ENTRY", "DEFAULT_SITE", "TOKEN_ENV", "ConflictError", "PreflightError", "PullSource", "Target", "TransferProgress",
           "token_env"]

TOKEN_ENV = "CKAN_API_TOKEN"
DEFAULT_SITE = "site/"  # the static catalog's folder when nothing names a target (relative to the project)
# The name of a plan's catalog-level entry (Target.plan_catalog), always its last; never a package
# name: names have no parentheses.
CATALOG_ENTRY = "(catalog)"


def token_env() -> str:
    return TOKEN_ENV


class PreflightError(PortalError):
    """Checks before any write found problems; ``problems`` lists each (the message joins them)."""

    def __init__(self, problems: Sequence[str], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(f"公開前の確認で {len(self.problems)} 件の問題が見つかりました: " + " / ".join(self.problems),
                         hint=hint)


class ConflictError(PortalRejected):
    """The dataset changed on the portal since it was planned (or read): nothing was overwritten."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, status=409, kind="Conflict",
                         hint=hint or "opendata-pub plan で変更内容を確認してから公開し直してください")


class TransferProgress(Protocol):
    """What a target reports while it applies a dataset (thread-safe on the engine's side)."""

    def sent(self, key: str, completed: int) -> None:
        """``completed`` bytes of upload ``key`` sent so far in its current attempt."""

    def warn(self, key: str, message: str) -> None:
        """Something beside dataset ``key``'s files did not work (a DataStore load); the dataset is done."""


class Target(Protocol):
    """A place packages are published to (a CKAN portal, or a static catalog folder)."""

    kind: str

    def describe(self) -> dict[str, Any]:
        """Identifies the target in a saved plan (no secret)."""

    def label(self) -> str:
        """A one-line name for people."""

    def preflight(self, sources: Sequence[SourcePackage]) -> None:
        """Check before any write; raise (PreflightError, NotAuthorized, PortalUnreachable …)."""

    def is_published(self, name: str) -> bool:
        """Whether dataset ``name`` is on the target already (a manifest entry, a portal dataset).

        ``build`` lets changed data keep its ``modified`` date only while this is False: before
        the first publication nobody has seen the old data under that date."""

    def plan_dataset(self, source: SourcePackage, *, prune: bool) -> DatasetPlan:
        """Compare one package with the target's current state."""

    def apply_dataset(self, plan: DatasetPlan, source: SourcePackage, *, progress: TransferProgress
                      ) -> dict[str, str]:
        """Make the target match the plan; return resource name → id. Raise ConflictError when the
        target changed since the plan."""

    def plan_catalog(self, plan: Plan) -> DatasetPlan | None:
        """The catalog-level entry (named CATALOG_ENTRY) for ``plan``, whose packages are planned;
        None when the target has none (CKAN). The engine appends it to ``plan.datasets``. It may
        re-plan the datasets of ``plan`` (a static catalog's pages list every dataset on the site)."""

    def applying(self, plan: Plan, *, saved: bool) -> AbstractContextManager[None]:
        """Around applying ``plan`` (``saved``: read back from a file, to be checked for drift before
        any write); what a target must do after the last write happens on leaving without an error."""

    def apply_catalog(self, entry: DatasetPlan, *, progress: TransferProgress) -> dict[str, str]:
        """Apply the catalog-level entry, after every dataset of the plan was applied without a failure."""

    def close(self) -> None:
        ...


# ---------------------------------------------------------------------------------------------
# pull --from: where a dataset is read from (resolve.resolve_source decides)


@dataclass(frozen=True, slots=True)
class PullSource:
    """Where ``pull`` reads from (see ``resolve_source``). ``token`` is set only for a configured
    portal; it is never shown by ``repr``."""

    kind: Literal["folder", "portal", "url"]  # "url": a static catalog, else a CKAN (tried in that order)
    location: str  # the folder (absolute), or the base URL
    portal: str | None = None  # the opendata.yaml portal name, for kind "portal"
    allow_insecure: bool = False
    token: str | None = field(default=None, repr=False, compare=False)
