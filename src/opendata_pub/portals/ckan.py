"""A CKAN portal as a publishing target: preflight, plan (diff) and apply.

How a dataset is written, and why:

* Every write after the dataset exists is a ``package_revise`` with ``match`` on the dataset's id and
  ``metadata_modified``. CKAN checks the match under a row lock, so a dataset someone changed since we
  read it (or since the saved plan was made) is refused, never overwritten; and a write that is sent
  twice (a retry after a lost answer) cannot apply twice. ``package_update`` is never called with a
  partial resource list (CKAN ≤ 2.11 would delete the missing resources): package_revise always
  passes the full list on.
* Order: (1) ``package_create`` if the dataset is new (metadata only), (2) one revise per file to
  upload, each streaming one file, (3) one final revise with the dataset fields, metadata-only
  resource changes, deletions (``--prune``), the resource order and ``datapackage.json``, which
  therefore changes last and together with the metadata. A run killed at any point leaves each step
  either done or not done; a re-run plans again from the portal's state (resources are matched by
  name, files by sha256 and size) and finishes the job without duplicates.
* A file whose sha256 and size match the portal's is never uploaded, nor downloaded to compare.
* After an ambiguous failure of a write (connection dropped after sending, read timeout, 502/504) the
  dataset is read again: unchanged → the write is sent again; changed and showing our write → done;
  changed otherwise → refused as a conflict.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Literal

import requests

from ..config import Portal, Settings
from ..errors import NotAuthorized, NotFound, PortalRejected, PortalUnreachable, PortalValidationError, UsageError
from ..metadata.ckan_names import untaggable
from ..metadata.licenses import License
from ..metadata.publication import resolve_publisher
from .datastore import datastore_problem, load_tables
from .http import AmbiguousWrite, CkanClient, Timeouts
from .licence_map import LicenseNotOffered, mapped_id_problems, resolve_license_id
from .mapping import (
    DATASET_FIELDS,
    MANAGED_EXTRAS,
    RESOURCE_FIELDS,
    RESOURCE_KEY,
    SHA256_ALGORITHM,
    MappingContext,
    normalize_dataset,
    normalize_resource,
    resource_key,
    to_ckan_dataset,
    to_ckan_resource,
)
from .multipart import FilePart
from .plan import Change, DatasetAction, DatasetPlan, Plan, PlannedFile, ResourceAction, ResourcePlan
from .retry import RetryPolicy
from .rules import dataset_name_problem, tag_problems
from .scheming import DatasetSchema, cleared, fetch_schema, may_have_schema, normalize, place, schema_problems
from .source import DESCRIPTOR_RESOURCE, SourceFile, SourcePackage
from .target import ConflictError, PreflightError, TransferProgress

__all__ = ["DESCRIPTOR_DESCRIPTION", "CkanTarget", "LicenseNotOffered", "OrganizationMode", "final_resources", "match_resources", "natural_order", "plan_leftovers",
           "plan_resource", "resource_order"]

DESCRIPTOR_DESCRIPTION = ("このデータセットのデータパッケージ記述子 (Frictionless Data Package v2)。"
                          "opendata-pub pull などでパッケージを復元するときに使います。")


OrganizationMode = Literal["require", "report", "create"]

_MISSING_ORG_HINT = ("組織をポータルで作成する (システム管理者のトークンなら publish --create-organization で作成できます)か、"
                     "opendata.yaml の publishers[].organization (またはポータルの organization) を実在する組織にするか、"
                     "--organization で指定してください")


def _missing_organization(org: str, sources: Sequence[SourcePackage]) -> str:
    return f"組織 {org} がポータルにありません (データセット: {', '.join(s.name for s in sources)})"  # what to do: the hint


def _short_hash(h: str | None) -> str:
    return f"sha256:{h[:12]}…" if h else "なし"


def _file_label(size: Any, sha: str | None) -> str:
    return f"{_short_hash(sha)} ({int(size):,} バイト)" if isinstance(size, int) else _short_hash(sha)


class CkanTarget:
    """Publishes packages to one CKAN portal (see the module doc)."""

    kind = "ckan"

    def __init__(
        self,
        url: str,
        *,
        token: str | None,
        organization: str | None = None,
        allow_insecure: bool = False,
        settings: Settings | None = None,
        session_factory: Callable[[], requests.Session] = requests.Session,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts = Timeouts(),
    ) -> None:
        self.client = CkanClient(url, token=token, allow_insecure=allow_insecure, timeouts=timeouts, retry=retry,
                                 session_factory=session_factory)
        self.organization = organization
        self.settings = settings
        self._licenses: list[dict[str, Any]] | None = None
        self.version: str | None = None
        # a missing organization: a preflight problem ("require"), planned ("report": plan
        # --create-organization) or created by the preflight ("create": publish --create-organization)
        self.organizations: OrganizationMode = "require"
        self.organizations_to_create: dict[str, str] = {}  # name → title, found by the last preflight
        # the portal's ckanext-scheming schema of "dataset", read by the preflight (None: stock CKAN)
        self.schema: DatasetSchema | None = None

    def __repr__(self) -> str:
        return f"CkanTarget({self.client.url!r}, organization={self.organization!r})"

    # -- identity ---------------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "url": self.client.url, "organization": self.organization}

    def label(self) -> str:
        org = f" (組織: {self.organization})" if self.organization else ""
        return f"CKAN {self.client.url}{org}"

    def close(self) -> None:
        self.client.close()

    # -- the catalog-level entry: a CKAN has none (its catalog is the portal itself) ----------------
    def plan_catalog(self, plan: Plan) -> DatasetPlan | None:
        return None

    def applying(self, plan: Plan, *, saved: bool) -> AbstractContextManager[None]:
        return nullcontext()

    def apply_catalog(self, entry: DatasetPlan, *, progress: TransferProgress) -> dict[str, str]:
        raise UsageError("CKAN の公開先にはカタログ全体の項目はありません (静的カタログの計画です)",
                         hint="plan のときと同じ --to を指定してください")

    # -- reads ------------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """``status_show``: proves the URL is a CKAN (and which version)."""
        try:
            st = self.client.get("status_show")
        except (NotFound, PortalRejected) as exc:
            raise PortalUnreachable(f"{self.client.url} は CKAN ではないようです ({exc.message})",
                                    hint="CKAN サイトのトップの URL (例: https://ckan.example.jp) を指定してください") from exc
        if not isinstance(st, Mapping) or not st.get("ckan_version"):
            raise PortalUnreachable(f"{self.client.url} は CKAN ではないようです (status_show に版がありません)",
                                    hint="CKAN サイトのトップの URL を指定してください")
        self.version = str(st["ckan_version"])
        return dict(st)

    def licenses(self) -> list[dict[str, Any]]:
        if self._licenses is None:
            result = self.client.get("license_list")
            self._licenses = [dict(x) for x in result or [] if isinstance(x, Mapping)]
        return self._licenses

    def show(self, name: str) -> dict[str, Any] | None:
        """The dataset, or None when there is none (a deleted dataset counts as none)."""
        try:
            pkg = self.client.get("package_show", {"id": name})
        except NotFound:
            return None
        except NotAuthorized as exc:
            raise NotAuthorized(f"データセット {name} はポータルにありますが、このトークンでは読めません",
                                status=exc.status, kind=exc.kind,
                                hint="ほかの組織の非公開データセットかもしれません。名前を変えるか管理者に確認してください") from exc
        if not isinstance(pkg, Mapping) or pkg.get("state") == "deleted":
            return None
        return dict(pkg)

    def is_published(self, name: str) -> bool:
        """Whether the portal has dataset ``name`` (not deleted)."""
        return self.show(name) is not None

    # -- mapping ----------------------------------------------------------------------------------
    def organization_for(self, source: SourcePackage) -> str:
        if self.organization:
            return self.organization
        agent = resolve_publisher(source.descriptor.get("publisher"), self.settings)
        if agent is not None and agent.configured is not None and agent.configured.organization:
            return agent.configured.organization
        raise UsageError(f"{source.name}: 公開先の組織がわかりません",
                         hint="--organization を指定するか、opendata.yaml の publishers[].organization "
                              "(またはポータルの organization) を書いてください")

    @property
    def portal(self) -> Portal | None:
        """This portal's entry in opendata.yaml (by URL, so ``--to URL`` finds it too), for its licence map."""
        return self.settings.portal_at(self.client.url) if self.settings is not None else None

    def license_id(self, lic: License | None, raw: str) -> str:
        """The portal's id for our licence: the configured map's, else matched by URL or id
        (licence_map.py)."""
        return resolve_license_id(lic, raw, self.licenses(), portal=self.portal, url=self.client.url)

    def context_for(self, source: SourcePackage) -> MappingContext:
        return MappingContext(settings=self.settings, organization=self.organization_for(source),
                              license_id=self.license_id)

    def desired(self, source: SourcePackage) -> tuple[dict[str, Any], list[tuple[SourceFile, dict[str, Any]]]]:
        """The dataset and its resources in normal form, datapackage.json last."""
        ctx = self.context_for(source)
        dataset = to_ckan_dataset(source.descriptor, ctx)
        if self.schema is not None:  # a scheming portal: our extras go into the schema's fields
            dataset = place(dataset, self.schema)
        resources = []
        for f in source.files:
            res = to_ckan_resource(source.resource(f.name), source.descriptor, ctx, size=f.size, sha256=f.sha256)
            if f.url is not None:
                res["url"] = f.url
            resources.append((f, res))
        dp = source.datapackage
        resources.append((dp, {"name": DESCRIPTOR_RESOURCE, RESOURCE_KEY: DESCRIPTOR_RESOURCE,
                               "description": DESCRIPTOR_DESCRIPTION, "format": "JSON",
                               "mimetype": "application/json", "size": dp.size, "hash": dp.sha256,
                               "hash_algorithm": SHA256_ALGORITHM}))
        return dataset, resources

    # -- preflight --------------------------------------------------------------------------------
    def preflight(self, sources: Sequence[SourcePackage]) -> None:
        """Before any write: a CKAN answers, the token may write to each organization, each licence
        is one the portal offers (a mapped id too), names and tags follow CKAN's rules. Every problem
        is one line saying what to do. A missing organization is created here, after every other
        check passed, when ``organizations`` is "create" (publish --create-organization)."""
        status = self.status()
        self.schema = fetch_schema(self.client) if may_have_schema(status) else None
        if not self.client.has_token:
            raise UsageError("API トークンがありません", hint="CKAN_API_TOKEN か opendata.yaml の token を設定してください")
        problems: list[str] = []
        orgs: dict[str, list[SourcePackage]] = {}
        for s in sources:
            try:
                orgs.setdefault(self.organization_for(s), []).append(s)
            except UsageError as exc:
                problems.append(exc.message)
        missing = self._missing_organizations(orgs)
        if self.organizations == "require":
            problems += [_missing_organization(org, orgs[org]) for org in missing]
        problems += mapped_id_problems(self.portal, self.licenses())
        if self.portal is not None and self.portal.datastore and (
                no_datastore := datastore_problem(self.portal.name, status)) is not None:
            problems.append(no_datastore)
        problems += self._package_problems(sources, problems)
        if problems:
            fix = "パッケージか opendata.yaml を直してから再実行してください"
            if missing and self.organizations == "require":
                fix = _MISSING_ORG_HINT + ("。ほかの問題は" + fix if len(problems) > len(missing) else "")
            raise PreflightError(problems, hint=fix)
        self.organizations_to_create = {org: self._organization_title(orgs[org]) for org in missing}
        if self.organizations == "create":
            for org, title in self.organizations_to_create.items():
                self.create_organization(org, title)

    def _missing_organizations(self, orgs: Mapping[str, Sequence[SourcePackage]]) -> list[str]:
        """The organizations the portal does not have. One that exists but the token may not write to
        stops the preflight (NotAuthorized): nothing else could be published there."""
        if not orgs:
            return []
        writable = self.client.get("organization_list_for_user", {"permission": "create_dataset"}) or []
        names = {str(o.get("name")) for o in writable if isinstance(o, Mapping)}
        names |= {str(o.get("id")) for o in writable if isinstance(o, Mapping)}
        missing: list[str] = []
        for org in sorted(orgs):
            if org in names:
                continue
            try:
                self.client.get("organization_show", {"id": org, "include_datasets": False})
            except NotFound:
                missing.append(org)
                continue
            raise NotAuthorized(
                f"このトークンには組織 {org} でデータセットを作成・更新する権限 (create_dataset) がありません",
                status=403, kind="Authorization Error",
                hint=f"組織 {org} の管理者に編集者 (editor) 以上のロールを依頼してください。"
                     "トークンが無効なときも CKAN は匿名として扱うためこのエラーになります")
        return missing

    def _package_problems(self, sources: Sequence[SourcePackage], known: Sequence[str]) -> list[str]:
        """Names, licences and tags of each package (``known``: problems found so far, not repeated)."""
        problems: list[str] = []
        seen: dict[str, str] = {}
        for s in sources:
            if s.name in seen:
                problems.append(f"データセット名 {s.name} が二つのパッケージで使われています ({seen[s.name]}, {s.path})")
            seen[s.name] = str(s.path)
            if (p := dataset_name_problem(s.name)) is not None:
                problems.append(f"{s.name}: {p}")
            try:
                dataset, _ = self.desired(s)
            except (LicenseNotOffered, UsageError) as exc:
                if not any(exc.message in x for x in [*known, *problems]):
                    problems.append(f"{s.name}: {exc.message}")
                continue
            problems += [f"{s.name}: {p}" for p in tag_problems(dataset.get("tags") or [])]
            if self.schema is not None:
                problems += [f"{s.name}: {p}" for p in schema_problems(dataset, self.schema)]
        return problems

    # -- organizations (publish --create-organization) --------------------------------------------
    def _organization_title(self, sources: Sequence[SourcePackage]) -> str:
        """A new organization's title: the publisher's name in opendata.yaml (of its first package)."""
        for s in sources:
            agent = resolve_publisher(s.descriptor.get("publisher"), self.settings)
            if agent is not None and agent.name:
                return str(agent.name)
        return self.organization_for(sources[0])

    def create_organization(self, name: str, title: str) -> dict[str, Any]:
        """``organization_create``. Whether a user who is no sysadmin may create one is the portal's
        choice (``ckan.auth.user_create_organizations``: true in stock CKAN, false on most public
        portals), so a refusal names the right that is usually missing."""
        try:
            org = self.client.post("organization_create", {"name": name, "title": title})
        except NotAuthorized as exc:
            raise NotAuthorized(
                f"このトークンには組織 {name} を作成する権限がありません (多くのポータルでは組織の作成にシステム管理者の権限が必要です)",
                status=exc.status, kind=exc.kind,
                hint=f"ポータルの管理者に組織 {name} の作成を依頼するか、システム管理者のトークンで"
                     " --create-organization を使ってください") from exc
        except PortalValidationError as exc:
            raise PortalValidationError(f"組織 {name} を作成できません: {exc.message}", fields=exc.fields,
                                        status=exc.status,
                                        hint="削除済みの同名の組織がないか、ポータルの管理者に確認してください") from exc
        return dict(org) if isinstance(org, Mapping) else {}

    def organization_notes(self, organization: str) -> list[str]:
        """What the plan says about ``organization`` when it will be created (plan --create-organization)."""
        title = self.organizations_to_create.get(organization)
        if title is None:
            return []
        verb = "作成しました" if self.organizations == "create" else "publish --create-organization で作成します"
        return [f"組織 {organization} はポータルにありません。{verb} (タイトル: {title})"]

    # -- plan -------------------------------------------------------------------------------------
    def plan_dataset(self, source: SourcePackage, *, prune: bool) -> DatasetPlan:
        dataset, wanted = self.desired(source)
        remote = self.show(source.name)
        plan = DatasetPlan(name=source.name, package=str(source.path), action=DatasetAction.UNCHANGED,
                           desired=dataset, source=source,
                           notes=[*source.notes, *_tag_notes(source),
                                  *self.organization_notes(str(dataset.get("owner_org")))])
        if remote is None:
            plan.action = DatasetAction.CREATE
            plan.changes = [Change(k, None, v) for k, v in dataset.items()]
            plan.resources = [plan_resource(f, want, None) for f, want in wanted]
            plan.order = [f.name for f, _ in wanted]
            return plan

        plan.remote_id = str(remote["id"])
        plan.metadata_modified = str(remote.get("metadata_modified") or "")
        current = self._normalize(remote)
        if current.get("owner_org") and current.get("owner_org") != dataset.get("owner_org"):
            plan.action = DatasetAction.REFUSED
            plan.reason = (f"データセット名 {source.name} はポータルで組織 {current.get('owner_org')} が使っています "
                           f"(公開先は {dataset.get('owner_org')})")
            return plan
        plan.changes = _diff(current, dataset)
        remote_resources: list[dict[str, Any]] = list(remote.get("resources") or [])
        matched, extra = match_resources(remote_resources)
        plan.resources = [plan_resource(f, want, matched.get(f.name)) for f, want in wanted]
        leftovers, kept = plan_leftovers(matched, extra, {f.name for f, _ in wanted}, prune=prune)
        plan.resources += leftovers
        plan.order = resource_order([f.name for f, _ in wanted], kept)
        plan.reorder = natural_order(remote_resources, matched, plan.resources) != plan.order
        touched = any(r.action not in (ResourceAction.UNCHANGED, ResourceAction.KEEP) for r in plan.resources)
        if plan.changes or touched or plan.reorder:
            plan.action = DatasetAction.UPDATE
        return plan

    # -- apply ------------------------------------------------------------------------------------
    def apply_dataset(self, plan: DatasetPlan, source: SourcePackage, *, progress: TransferProgress
                      ) -> dict[str, str]:
        if not plan.has_changes:
            return {r.name: r.remote_id for r in plan.resources if r.remote_id}
        files = {f.name: f for f in (*source.files, source.datapackage)}
        if plan.action is DatasetAction.CREATE:
            state = self._create(plan)
        else:
            shown = self.show(plan.name)
            if shown is None:
                raise ConflictError(f"データセット {plan.name} は計画の後でポータルから削除されました")
            state = shown
            if state.get("metadata_modified") != plan.metadata_modified:
                raise ConflictError(
                    f"データセット {plan.name} は計画の後でポータル上で変更されました "
                    f"(計画時 {plan.metadata_modified}、現在 {state.get('metadata_modified')})。上書きしません")
        for rp in plan.resources:
            if rp.uploads and rp.name != DESCRIPTOR_RESOURCE:
                state = self._upload(plan, rp, files[rp.name], state, progress)
        if self._needs_final(plan):
            state = self._final(plan, files[DESCRIPTOR_RESOURCE], state, progress)
        if self.portal is not None and self.portal.datastore:  # last: a load changes metadata_modified
            for warning in load_tables(self.client, source, state.get("resources") or []):
                progress.warn(plan.name, warning)
        return {resource_key(r): str(r["id"]) for r in state.get("resources") or []}

    def _needs_final(self, plan: DatasetPlan) -> bool:
        if plan.changes or plan.reorder:
            return True
        for rp in plan.resources:
            if rp.name == DESCRIPTOR_RESOURCE and rp.action is not ResourceAction.UNCHANGED:
                return True
            if rp.action in (ResourceAction.UPDATE, ResourceAction.DELETE):
                return True
            if rp.action in (ResourceAction.CREATE, ResourceAction.REPLACE) and not rp.uploads:
                return True
        return False

    def _payload(self, desired: Mapping[str, Any], current: Mapping[str, Any] | None) -> dict[str, Any]:
        """Dataset fields to send: those that differ (all of them for a new dataset)."""
        have = self._normalize(current) if current is not None else {}
        out: dict[str, Any] = {}
        for key in DATASET_FIELDS:
            if key == "name" and current is not None:
                continue
            if desired.get(key) != have.get(key):
                out[key] = desired.get(key) if desired.get(key) is not None else ""
        if desired.get("tags") != have.get("tags"):
            out["tags"] = [{"name": t} for t in desired.get("tags") or []]
        if desired.get("extras") != have.get("extras"):
            foreign = [e for e in (current or {}).get("extras") or [] if e.get("key") not in MANAGED_EXTRAS]
            out["extras"] = foreign + [{"key": k, "value": v} for k, v in (desired.get("extras") or {}).items()]
        for key in sorted((set(desired) | set(have)) - {*DATASET_FIELDS, "tags", "extras"}):  # scheming fields
            if desired.get(key) != have.get(key):
                out[key] = desired[key] if desired.get(key) is not None else cleared(have.get(key))
        return out

    def _normalize(self, pkg: Mapping[str, Any]) -> dict[str, Any]:
        """A ``package_show`` result in normal form (on a scheming portal, with the schema's fields)."""
        return normalize(pkg, self.schema) if self.schema is not None else normalize_dataset(pkg)

    def _create(self, plan: DatasetPlan) -> dict[str, Any]:
        payload = {"name": plan.name, **self._payload(plan.desired, None)}

        def ours(current: dict[str, Any] | None) -> bool:
            # The first try went through and only its answer was lost: same org, same title, no files yet.
            if current is None:
                return False
            n = normalize_dataset(current)
            return (n.get("owner_org") == plan.desired.get("owner_org") and n.get("title") == plan.desired.get("title")
                    and not current.get("resources"))

        try:
            return self._write(plan.name, lambda: self.client.post("package_create", payload),
                               expected=None, satisfied=ours, what="作成")
        except PortalValidationError as exc:
            if any("already" in m or "使われて" in m for m in exc.fields.get("name", [])):
                raise ConflictError(f"データセット名 {plan.name} は計画の後でポータル上で使われました (作成していません)",
                                    hint="ほかの人が同じ名前で作ったか、見えない場所にあります。plan で確かめてください") from exc
            raise

    def _write(self, name: str, send: Callable[[], Any], *, expected: str | None,
               satisfied: Callable[[dict[str, Any] | None], bool], what: str) -> dict[str, Any]:
        """Send a write; after an ambiguous failure, look before sending it again (module doc)."""
        attempt = 0
        retry = self.client.retry
        while True:
            attempt += 1
            try:
                result = send()
                return dict(result.get("package", result)) if isinstance(result, Mapping) else {}
            except AmbiguousWrite as exc:
                current = self.show(name)
                untouched = current is None if expected is None else (
                    current is not None and current.get("metadata_modified") == expected)
                if untouched:
                    if retry.gives_up(attempt):
                        raise
                    retry.sleep(retry.delay(attempt))
                    continue
                if satisfied(current):
                    assert current is not None
                    return current
                raise ConflictError(f"データセット {name} の{what}中に、ポータル上でほかの変更がありました。上書きしません") from exc
            except PortalValidationError as exc:
                if "match" in exc.fields:
                    current = self.show(name)
                    if attempt > 1 and satisfied(current):
                        assert current is not None
                        return current
                    now = current.get("metadata_modified") if current else "削除済み"
                    raise ConflictError(f"データセット {name} はポータル上で変更されました ({expected} → {now})。"
                                        "上書きしません") from exc
                raise

    def _revise(self, plan: DatasetPlan, state: Mapping[str, Any], *, update: Mapping[str, Any] | None = None,
                flat: Sequence[tuple[str, Any]] = (), filter_: Sequence[str] = (), file: FilePart | None = None,
                satisfied: Callable[[dict[str, Any] | None], bool], what: str,
                progress: TransferProgress | None = None) -> dict[str, Any]:
        expected = str(state.get("metadata_modified") or "")
        match = {"id": state["id"], "metadata_modified": expected}

        def send() -> Any:
            if file is None:
                body: dict[str, Any] = {"match": match, **dict(flat)}
                if filter_:
                    body["filter"] = list(filter_)
                if update:
                    body["update"] = update
                return self.client.post("package_revise", body)
            fields = [("match", json.dumps(match))]
            if filter_:
                fields.append(("filter", json.dumps(list(filter_))))
            if update:
                fields.append(("update", json.dumps(update, ensure_ascii=False)))
            fields += [(k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for k, v in flat]
            key = f"{plan.name}/{file.filename}"
            on = (lambda n: progress.sent(key, n)) if progress is not None else None
            return self.client.upload("package_revise", fields, file, on_progress=on)

        try:
            return self._write(plan.name, send, expected=expected, satisfied=satisfied, what=what)
        except PortalValidationError as exc:
            if file is not None and ("upload" in exc.fields or exc.status == 413):
                where = file.path if file.data is None else file.filename
                raise PortalValidationError(
                    f"ファイルが大きすぎてポータルに登録できません: {where} ({file.size:,} バイト)",
                    fields=exc.fields, status=exc.status,
                    hint="ポータルのアップロード上限 (ckan.max_resource_size) を管理者に確認してください") from exc
            raise
        except NotAuthorized as exc:
            org = plan.desired.get("owner_org")
            raise NotAuthorized(f"組織 {org} のデータセット {plan.name} を更新する権限がありません ({exc.message})",
                                status=exc.status, kind=exc.kind, hint=exc.hint) from exc

    def _file_part(self, field: str, f: SourceFile) -> FilePart:
        assert f.size is not None
        # a generated datapackage.json has data instead of a path; its filename stands in for the path
        return FilePart(field=field, path=f.path or Path(f.filename), filename=f.filename,
                        content_type=f.media_type, size=f.size, sha256=f.sha256, data=f.data)

    def _upload(self, plan: DatasetPlan, rp: ResourcePlan, f: SourceFile, state: dict[str, Any],
                progress: TransferProgress) -> dict[str, Any]:
        assert rp.desired is not None
        desired = {k: v for k, v in rp.desired.items() if k != "url"}

        def done(current: dict[str, Any] | None) -> bool:
            same = [r for r in (current or {}).get("resources") or [] if resource_key(r) == rp.name]
            return len(same) == 1 and normalize_resource(same[0]).get("hash") == f.sha256 \
                and normalize_resource(same[0]).get("size") == f.size and same[0].get("url_type") == "upload"

        existing = next((r for r in state.get("resources") or [] if r.get("id") == rp.remote_id), None) \
            if rp.remote_id else None
        if existing is None and rp.action is ResourceAction.REPLACE:
            raise ConflictError(f"リソース {rp.name} は計画の後でポータルから消えました")
        if existing is None:
            flat: list[tuple[str, Any]] = [("update__resources__extend", [desired])]
            part = self._file_part("update__resources__-1__upload", f)
        else:
            flat = [(f"update__resources__{existing['id']}", desired)]
            part = self._file_part(f"update__resources__{existing['id']}__upload", f)
        return self._revise(plan, state, flat=flat, file=part, satisfied=done, progress=progress,
                            what=f"リソース {rp.name} の登録")

    def _final(self, plan: DatasetPlan, dp: SourceFile, state: dict[str, Any],
               progress: TransferProgress) -> dict[str, Any]:
        by_name = {r.name: r for r in plan.resources if r.action is not ResourceAction.DELETE}
        final = final_resources(plan, state.get("resources") or [])
        dp_plan = by_name.get(DESCRIPTOR_RESOURCE)
        upload = dp_plan is not None and dp_plan.uploads
        update = self._payload(plan.desired, state)
        # package_revise merges lists item by item: a list field is removed first, then written whole
        filters = ["-resources"] + [f"-{k}" for k, v in update.items() if isinstance(v, list)]
        update["resources"] = final
        order = [resource_key(r) for r in final]

        def done(current: dict[str, Any] | None) -> bool:
            if current is None or self._normalize(current) != {**self._normalize(current), **plan.desired}:
                return False
            names = [resource_key(r) for r in current.get("resources") or []]
            last = (current.get("resources") or [{}])[-1]
            return names == order and normalize_resource(last).get("hash") == dp.sha256

        part = self._file_part("update__resources__-1__upload", dp) if upload else None
        return self._revise(plan, state, update=update, filter_=filters, file=part, satisfied=done,
                            progress=progress, what="メタデータと datapackage.json の更新")


# ---------------------------------------------------------------------------------------------
# Planning, as pure functions of the portal's resources and ours (testable without a portal)


def match_resources(remote: Sequence[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The portal's resources by our name (the first of each) and the rest: unnamed resources and
    later ones with a name already taken, in the portal's order.

    A resource is ours by its kept name (``RESOURCE_KEY``) first; one published before CKAN names
    were titles has none and matches by its CKAN ``name`` (then the final write adds the key), so a
    re-publish converges without duplicates."""
    matched: dict[str, dict[str, Any]] = {}
    for res in remote:
        key = str(res.get(RESOURCE_KEY) or "")
        if key and key not in matched:
            matched[key] = res
    for res in remote:
        name = str(res.get("name") or "")
        if not res.get(RESOURCE_KEY) and name and name not in matched:
            matched[name] = res
    keys = {id(r): k for k, r in matched.items()}
    in_order = {keys[id(r)]: r for r in remote if id(r) in keys}  # the portal's order, as before
    return in_order, [r for r in remote if id(r) not in keys]


def _tag_notes(source: SourcePackage) -> list[str]:
    """Keywords that become no tag (metadata/ckan_names.py): said in the plan, kept in extras."""
    keywords = source.descriptor.get("keywords")
    return [f"キーワード {k!r} は CKAN のタグにできないため、タグにせず元のキーワード (extras の keywords) にだけ残します"
            for k in untaggable(keywords if isinstance(keywords, list) else [])]


def _same_content(f: SourceFile, have: Mapping[str, Any], normal: Mapping[str, Any]) -> bool:
    if f.url is not None:
        return normal.get("url") == f.url
    return have.get("url_type") == "upload" and normal.get("hash") == f.sha256 and normal.get("size") == f.size


def plan_resource(f: SourceFile, want: dict[str, Any], have: dict[str, Any] | None) -> ResourcePlan:
    """How our file ``f`` (as the resource ``want``) meets the portal's resource of its name
    (``have``; None: there is none, so create it)."""
    if have is None:
        return ResourcePlan(f.name, ResourceAction.CREATE, desired=want, file=_planned(f),
                            changes=[Change("file", None, _file_label(f.size, f.sha256))])
    normal = normalize_resource(have)
    rp = ResourcePlan(f.name, ResourceAction.UNCHANGED, remote_id=str(have["id"]), desired=want, file=_planned(f))
    if not _same_content(f, have, normal):
        rp.action = ResourceAction.REPLACE
        rp.changes = [Change("file", _file_label(normal.get("size"), normal.get("hash")),
                             f.url or _file_label(f.size, f.sha256))]
        rp.changes += [c for c in _diff(normal, want) if c.field not in ("size", "hash", "hash_algorithm", "url")]
    else:
        rp.changes = _diff(normal, want)
        if rp.changes:
            rp.action = ResourceAction.UPDATE
    return rp


def plan_leftovers(matched: Mapping[str, dict[str, Any]], extra: Sequence[dict[str, Any]],
                   wanted_names: set[str], *, prune: bool) -> tuple[list[ResourcePlan], list[str]]:
    """The portal's resources the package does not account for (not ours, or duplicates of a name):
    deleted with ``prune``, else kept. Also the names kept in place (named, not duplicates)."""
    plans: list[ResourcePlan] = []
    kept: list[str] = []
    for res in list(matched.values()) + list(extra):
        name = resource_key(res)
        if name in wanted_names and matched.get(name) is res:
            continue
        duplicate = name in matched and matched[name] is not res
        why = "同じ名前のリソースが重複しています" if duplicate else "パッケージにありません"
        label, remote_id = name or str(res["id"]), str(res["id"])
        if prune:
            plans.append(ResourcePlan(label, ResourceAction.DELETE, remote_id=remote_id, note=why))
        else:
            plans.append(ResourcePlan(label, ResourceAction.KEEP, remote_id=remote_id, note=f"{why} (--prune で削除)"))
            if not duplicate and name:
                kept.append(name)
    return plans, kept


def resource_order(names: Sequence[str], kept: Sequence[str]) -> list[str]:
    """The wanted order: ours, with kept resources before the last (datapackage.json stays last)."""
    return [*names[:-1], *kept, *names[-1:]]


def natural_order(remote: Sequence[Mapping[str, Any]], matched: Mapping[str, Mapping[str, Any]],
                  resources: Sequence[ResourcePlan]) -> list[str]:
    """What the list would be without reordering: survivors in place, new ones appended."""
    deleted = {r.remote_id for r in resources if r.action is ResourceAction.DELETE}
    natural = [resource_key(r) for r in remote if r["id"] not in deleted and r is matched.get(resource_key(r))]
    return natural + [r.name for r in resources if r.action is ResourceAction.CREATE]


def final_resources(plan: DatasetPlan, current: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The resource list to write last: the portal's current resources (``current``) in the
    planned order with our fields applied, leftovers before datapackage.json, deleted ones gone."""
    by_name = {r.name: r for r in plan.resources if r.action is not ResourceAction.DELETE}
    deleted = {r.remote_id for r in plan.resources if r.action is ResourceAction.DELETE}
    pool = [r for r in current if r.get("id") not in deleted]
    final: list[dict[str, Any]] = []
    placed: set[str] = set()
    for name in plan.order:
        rp = by_name.get(name)
        res = _placed_resource(pool, rp, name, placed)
        if res is not None:
            placed.add(str(res["id"]))
            final.append(_merge(res, rp.desired if rp is not None else None))
        elif rp is not None and rp.desired is not None:
            final.append(dict(rp.desired))
    leftovers = [r for r in pool if str(r.get("id")) not in placed]
    return final[:-1] + leftovers + final[-1:]  # keep datapackage.json last


def _placed_resource(pool: Sequence[dict[str, Any]], rp: ResourcePlan | None, name: str,
                     placed: set[str]) -> dict[str, Any] | None:
    """The current resource that fills the place of ``name``: the planned one by id, else the first
    not yet placed with that name."""
    if rp is not None and rp.remote_id:
        res = next((r for r in pool if r.get("id") == rp.remote_id), None)
        if res is not None:
            return res
    return next((r for r in pool if resource_key(r) == name and r.get("id") not in placed), None)


def _merge(res: Mapping[str, Any], desired: Mapping[str, Any] | None) -> dict[str, Any]:
    """A portal resource with our fields applied; managed fields we no longer have are removed."""
    if desired is None:
        return dict(res)
    out = {k: v for k, v in res.items() if k not in RESOURCE_FIELDS or k in desired}
    out.update(desired)
    if "url" in desired:  # a link now: it is no longer an uploaded file
        out["url_type"] = ""
    return out


def _planned(f: SourceFile) -> PlannedFile:
    return PlannedFile(filename=f.filename, media_type=f.media_type, size=f.size, sha256=f.sha256,
                       path=str(f.path) if f.path is not None else None, url=f.url, generated=f.data is not None)


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Field-level differences between two normal forms (extras compared key by key)."""
    changes: list[Change] = []
    for key in sorted(set(before) | set(after)):
        if key == "extras":
            b, a = before.get("extras") or {}, after.get("extras") or {}
            changes += [Change(f"extras.{k}", b.get(k), a.get(k)) for k in sorted(set(b) | set(a)) if b.get(k) != a.get(k)]
        elif before.get(key) != after.get(key):
            changes.append(Change(key, before.get(key), after.get(key)))
    return changes
