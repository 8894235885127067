"""Support for the real-CKAN publishing tests: a project, a target that counts requests and bytes."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from opendata_pub.config import Settings, load_config
from opendata_pub.portals import CkanTarget, RetryPolicy, Timeouts
from tests.conftest import write
from tests.portals.helpers import CSV, make_package, set_csv  # noqa: F401 (re-exported)
from tests.projectfiles import KIYOSE, KIYOSE_URL, as_yaml, config, publisher

CONFIG = as_yaml(config(publisher(KIYOSE, url=KIYOSE_URL, organization="ORG"), catalog={"title": "テストカタログ"},
                        portals={"local": {"url": "URL", "token": {"$env": "ODP_IT_TOKEN"}}}, default_target="local"))


@dataclass
class Sent:
    method: str
    action: str
    body_bytes: int


@dataclass
class Counter:
    """Every request the publisher makes, with the size of its body."""

    sent: list[Sent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def writes(self) -> list[Sent]:
        return [s for s in self.sent if s.method == "POST"]

    def bytes_sent(self) -> int:
        return sum(s.body_bytes for s in self.sent)

    def clear(self) -> None:
        with self.lock:
            self.sent.clear()


class CountingAdapter(HTTPAdapter):
    def __init__(self, counter: Counter) -> None:
        super().__init__()
        self.counter = counter

    def send(self, request, **kw):  # type: ignore[override]
        body = request.body
        n = len(body) if body is not None and hasattr(body, "__len__") else 0
        action = urlsplit(request.url).path.rsplit("/", 1)[-1]
        with self.counter.lock:
            self.counter.sent.append(Sent(request.method, action, n))
        return super().send(request, **kw)


def counting_session_factory(counter: Counter):
    def make() -> requests.Session:
        s = requests.Session()
        s.trust_env = False  # loopback only: never through a proxy from the environment
        adapter = CountingAdapter(counter)
        s.mount("http://", adapter)
        s.mount("https://", adapter)
        return s

    return make


def project(tmp_path: Path, ckan, org: str, tables: dict[str, str] | None = None, name: str = "demo") -> Path:
    root = tmp_path / "proj"
    write(root / "opendata.yaml", CONFIG.replace("ORG", org).replace("URL", ckan.url))
    make_package(root / "datapackages", name, tables or {"towns": CSV})
    return root


def target(ckan, settings: Settings, counter: Counter | None = None, *, url: str | None = None,
           retry: RetryPolicy | None = None, timeouts: Timeouts | None = None) -> CkanTarget:
    counter = counter or Counter()
    return CkanTarget(url or ckan.url, token=ckan.token, settings=settings,
                      session_factory=counting_session_factory(counter),
                      retry=retry or RetryPolicy(attempts=6, base_delay=0.05, max_delay=0.3, rng=random.Random(7)),
                      timeouts=timeouts or Timeouts(connect=5, read=30, upload=120))


def settings_of(root: Path) -> Settings:
    return load_config(root / "opendata.yaml")


def package_show(ckan, name: str) -> dict:
    with ckan.session() as s:
        r = s.get(ckan.api + "package_show", params={"id": name}, timeout=30)
    assert r.status_code == 200, r.text[:500]
    return r.json()["result"]
