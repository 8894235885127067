"""An in-process fake CKAN (http.server on 127.0.0.1, in a thread) for fast tests with fault injection.

It implements the few actions the publisher uses (status_show, license_list,
organization_list_for_user, organization_show, package_show, package_create, package_revise with
match/filter/update/flattened keys and uploads) and file downloads, with CKAN's error shapes. Faults
are queued per action: a status (with body and headers), a dropped connection before or after the
action ran, a slow answer, an HTML page, a redirect.
"""

from __future__ import annotations

import copy
import json
import threading
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.localserver import serve

GOOD_TOKEN = "odp-test-TOKEN-7f3a9c51d2"  # not JWT-shaped: redact()'s patterns must not be what hides it
LICENSES = [
    {"id": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/", "title": "クリエイティブ・コモンズ 表示 4.0 国際"},
    {"id": "PDL-1.0", "url": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
     "title": "公共データ利用規約（第1.0版）"},
    {"id": "CC0-1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/", "title": "CC0"},
]


@dataclass
class Fault:
    action: str  # action name, "*" for any, "download" for file downloads
    kind: str  # "status" | "drop-before" | "drop-after" | "delay" | "html" | "redirect" | "bare"
    status: int = 503
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    times: int = 1


@dataclass
class Logged:
    method: str
    action: str
    bytes_in: int
    status: int


class FakeCkan:
    def __init__(self, *, max_upload: int = 10 * 1024 * 1024) -> None:
        self.lock = threading.RLock()
        self.datasets: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.orgs = {"kiyose": {"id": str(uuid.uuid4()), "name": "kiyose", "title": "清瀬市"},
                     "other": {"id": str(uuid.uuid4()), "name": "other", "title": "Other"}}
        self.writable = {"kiyose"}
        self.faults: list[Fault] = []
        self.log: list[Logged] = []
        self.max_upload = max_upload
        self._clock = 0
        # Started here and stopped by close(): fixtures hold the fake as an object, not a with block.
        self._running = ExitStack()
        self.url = self._running.enter_context(serve(self._handler(), name="fake-ckan"))

    def close(self) -> None:
        self._running.close()

    # -- helpers for tests --------------------------------------------------------------------------
    def fail(self, action: str, kind: str = "status", **kw: Any) -> None:
        self.faults.append(Fault(action, kind, **kw))

    def writes(self) -> list[Logged]:
        return [x for x in self.log if x.action in ("package_create", "package_revise", "package_update",
                                                    "package_patch", "resource_create", "resource_patch")]

    def _now(self) -> str:
        with self.lock:
            self._clock += 1
            return f"2026-01-01T00:00:{self._clock // 1000000 % 60:02d}.{self._clock:06d}"

    def _take_fault(self, action: str) -> Fault | None:
        with self.lock:
            for f in self.faults:
                if f.action in (action, "*"):
                    f.times -= 1
                    if f.times <= 0:
                        self.faults.remove(f)
                    return f
        return None

    # -- CKAN semantics -----------------------------------------------------------------------------
    def _show(self, name_or_id: str) -> dict[str, Any] | None:
        for d in self.datasets.values():
            if d["name"] == name_or_id or d["id"] == name_or_id:
                return d
        return None

    def _public(self, d: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(d)
        org = next(o for o in self.orgs.values() if o["id"] == d["owner_org"])
        out["organization"] = dict(org)
        return out

    def act(self, action: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]], authed: bool
            ) -> tuple[int, Any]:
        with self.lock:
            if action == "status_show":
                return 200, {"ckan_version": "2.12.0", "site_url": self.url, "extensions": []}
            if action == "license_list":
                return 200, LICENSES
            if action == "organization_list_for_user":
                return 200, [self.orgs[o] for o in sorted(self.writable)] if authed else []
            if action == "organization_show":
                org = self.orgs.get(params.get("id", ""))
                return (200, org) if org else (404, {"__type": "Not Found Error", "message": "Not found"})
            if action == "package_show":
                d = self._show(params.get("id", ""))
                return (200, self._public(d)) if d else (404, {"__type": "Not Found Error", "message": "Not found"})
            if action in ("package_create", "package_revise") and not authed:
                return 403, {"__type": "Authorization Error", "message": "Access denied: User  not authorized to edit"}
            if action == "package_create":
                if self._show(params.get("name", "")):
                    return 409, {"__type": "Validation Error", "name": ["That URL is already in use."]}
                org = self.orgs.get(params.get("owner_org", ""))
                if org is None:
                    return 409, {"__type": "Validation Error", "owner_org": ["Organization does not exist"]}
                for t in params.get("tags") or []:
                    if len(t["name"]) < 2:
                        return 409, {"__type": "Validation Error",
                                     "tags": [f'Tag "{t["name"]}" length is less than minimum 2']}
                d = {k: v for k, v in params.items() if k != "resources"}
                d.update(id=str(uuid.uuid4()), owner_org=org["id"], state="active", resources=[],
                         metadata_modified=self._now())
                d.setdefault("tags", [])
                d.setdefault("extras", [])
                self.datasets[d["id"]] = d
                return 200, self._public(d)
            if action == "package_revise":
                return self._revise(params, files)
            return 400, "Bad request: Action name not known: " + action

    def _revise(self, params: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> tuple[int, Any]:
        match = params.get("match") or {}
        if isinstance(match, str):
            match = json.loads(match)
        d = self._show(match.get("id") or match.get("name") or "")
        if d is None:
            return 404, {"__type": "Not Found Error", "message": "Not found"}
        bad = [k for k, v in match.items() if d.get(k) != v]
        if bad:
            return 409, {"__type": "Validation Error", "match": bad}
        new = copy.deepcopy(d)
        filt = params.get("filter") or []
        if isinstance(filt, str):
            filt = json.loads(filt)
        for f in filt:
            new.pop(f.lstrip("-"), None)
        update = params.get("update") or {}
        if isinstance(update, str):
            update = json.loads(update)
        new.update(copy.deepcopy(update))
        flat = {k: (json.loads(v) if isinstance(v, str) else v) for k, v in params.items() if k.startswith("update__")}
        resources = new.setdefault("resources", [])
        for key in sorted(flat, key=lambda k: (not k.endswith("extend"), k)):
            parts = key.split("__")[1:]
            if parts == ["resources", "extend"]:
                resources.extend(copy.deepcopy(flat[key]))
            elif len(parts) == 2 and parts[0] == "resources":
                self._res(resources, parts[1]).update(flat[key])
        for key, (filename, content) in files.items():
            parts = key.split("__")[1:]
            if len(parts) != 3 or parts[0] != "resources" or parts[2] != "upload":
                return 409, {"__type": "Validation Error", key: ["unknown upload"]}
            if len(content) > self.max_upload:
                return 409, {"__type": "Validation Error", "upload": ["File upload too large"]}
            res = self._res(resources, parts[1])
            res["_upload"] = (filename, content)
        for res in resources:
            res.setdefault("id", str(uuid.uuid4()))
            res.setdefault("state", "active")
            up = res.pop("_upload", None)
            if up is not None:
                filename, content = up
                self.files[res["id"]] = content
                res.update(url_type="upload", size=len(content),
                           url=f"{self.url}/dataset/{d['id']}/resource/{res['id']}/download/{filename}")
        for i, res in enumerate(resources):
            res["position"] = i
            res["package_id"] = d["id"]
        new["metadata_modified"] = d["metadata_modified"]
        if new != d:
            new["metadata_modified"] = self._now()
        self.datasets[d["id"]] = new
        return 200, {"package": self._public(new)}

    @staticmethod
    def _res(resources: list[dict[str, Any]], key: str) -> dict[str, Any]:
        if key.lstrip("-").isdigit():
            return resources[int(key)]
        return next(r for r in resources if r.get("id", "").startswith(key))

    # -- HTTP -----------------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, ctype: str = "application/json;charset=utf-8",
                      headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def _drop(self) -> None:
                self.close_connection = True
                try:
                    import socket
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def _handle(self, method: str) -> None:
                parts = urlsplit(self.path)
                if "/download/" in parts.path:
                    action = "download"
                else:
                    action = parts.path.rsplit("/", 1)[-1]
                fault = fake._take_fault(action)
                if fault and fault.kind == "drop-before":
                    return self._drop()
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if fault and fault.kind == "delay":
                    time.sleep(fault.seconds)
                if fault and fault.kind == "redirect":
                    fake.log.append(Logged(method, action, len(raw), 301))
                    return self._send(301, b"", "text/html", {"Location": "https" + fake.url[4:] + self.path})
                if fault and fault.kind == "html":
                    fake.log.append(Logged(method, action, len(raw), fault.status))
                    return self._send(fault.status, b"<!DOCTYPE html><html><body>Login</body></html>", "text/html")
                if fault and fault.kind == "status":
                    fake.log.append(Logged(method, action, len(raw), fault.status))
                    body = fault.body if fault.body is not None else {"success": False, "error": {
                        "__type": "Service Unavailable", "message": "try later"}}
                    return self._send(fault.status, json.dumps(body).encode(), headers=fault.headers)
                if action == "download":
                    rid = parts.path.split("/resource/")[1].split("/")[0]
                    content = fake.files.get(rid)
                    fake.log.append(Logged(method, action, len(raw), 200 if content is not None else 404))
                    if content is None:
                        return self._send(404, b"not found", "text/plain")
                    return self._send(200, content, "application/octet-stream")
                params: dict[str, Any] = {k: v[0] for k, v in parse_qs(parts.query).items()}
                files: dict[str, tuple[str, bytes]] = {}
                ctype = self.headers.get("Content-Type", "")
                if raw and ctype.startswith("application/json"):
                    params.update(json.loads(raw))
                elif raw and ctype.startswith("multipart/form-data"):
                    msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
                    for part in msg.iter_parts():
                        name = part.get_param("name", header="content-disposition")
                        payload = part.get_payload(decode=True)
                        if part.get_filename() is not None:
                            files[name] = (part.get_filename(), payload)
                        else:
                            params[name] = payload.decode("utf-8")
                authed = self.headers.get("Authorization") == GOOD_TOKEN
                status, result = fake.act(action, params, files, authed)
                fake.log.append(Logged(method, action, len(raw), status))
                if fault and fault.kind == "drop-after":
                    return self._drop()
                if fault and fault.kind == "status-after":  # a gateway error after the portal did the work
                    return self._send(fault.status, b"<html><body>502 Bad Gateway</body></html>", "text/html")
                if fault and fault.kind == "bare":
                    return self._send(400, json.dumps("Bad request: JSON Error: Invalid request").encode())
                if isinstance(result, str):
                    body = result
                elif status == 200:
                    body = {"help": "", "success": True, "result": result}
                else:
                    body = {"help": "", "success": False, "error": result}
                self._send(status, json.dumps(body, ensure_ascii=False).encode("utf-8"))

        return Handler
