"""The project configuration ``opendata.yaml``: read, checked, frozen.

A publishing project has one ``opendata.yaml`` at its root: the catalog, the publishers (one project
may hold the packages of several municipalities), named portals, the default target and where the
packages live. Unknown keys and bad values are errors naming the file and the key. Secrets are never
literal in the file: a token is ``{$env: NAME}`` (read from the environment when it is used) or
``{$file: PATH}`` (a file holding only the token, e.g. outside the repository).

This module reads one YAML file and the mapping it is given as the environment; it never prints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, register_secret
from .inputfile import UnreadableInput, read_input_bytes
from .japan.lgcode import LG_CODE_QUOTE_HINT, lg_code_problem, lg_code_type_problem
from .metadata.licenses import find_license
from .yamlio import MAX_YAML_BYTES, YamlSyntaxError, key_lines, line_of, parse_yaml

__all__ = [
    "CONFIG_NAME",
    "Catalog",
    "Contact",
    "EvaluationSettings",
    "Portal",
    "Publisher",
    "Secret",
    "PLACEHOLDER_CODE",
    "Settings",
    "check_token",
    "find_config",
    "licence_map_line",
    "load_config",
    "parse_config",
    "placeholders",
    "starter_config",
]

CONFIG_NAME = "opendata.yaml"
DEFAULT_PACKAGES_DIR = "datapackages"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_ORG_NAME = re.compile(r"^[a-z0-9_-]{2,100}$")


TOKEN_FILE_MAX = 64 * 1024  # a token file holds one token; anything bigger is the wrong file


def check_token(raw: str, *, source: str, from_file: bool = False, config: str | None = None,
                key: str | None = None) -> str:
    """The token in ``raw`` (an environment variable's value or a token file's text), checked, and
    registered so that ``errors.redact`` hides it from every message from now on. Returns ``""``
    when ``raw`` holds no token (the caller says what is missing).

    Surrounding spaces are dropped; so is, for a file, one final line end (``\n`` or ``\r\n``: editors
    end a file with one) and a UTF-8 BOM. Anything else that is not printable ASCII — a line break,
    another control character, a non-ASCII letter — is refused with a ConfigError that names
    ``source`` (the environment variable or the file) and the opendata.yaml ``key``, never the value:
    such a token cannot go into an HTTP header, and the header error would quote it in full.
    """
    value = raw
    if from_file:
        value = value.removeprefix("\ufeff")
        value = value[:-2] if value.endswith("\r\n") else value.removesuffix("\n")
    value = value.strip(" ")
    for i, ch in enumerate(value, 1):
        if " " <= ch <= "~":
            continue
        kind = "改行" if ch in "\r\n" else "制御文字" if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F else "ASCII 以外の文字"
        raise ConfigError(
            f"{source} のトークンに使えない文字があります ({i} 文字目: {kind} U+{ord(ch):04X})",
            path=config, key=key,
            hint="トークンだけを 1 行で書いてください (改行・制御文字・全角文字を含めない)",
        )
    register_secret(value)
    return value


@dataclass(frozen=True, slots=True)
class Secret:
    """A reference to a secret. ``repr`` and ``str`` never show the value. ``config`` and ``key`` say
    where it is written (for messages)."""

    env: str | None = None
    file: str | None = None
    config: str | None = field(default=None, compare=False)
    key: str | None = field(default=None, compare=False)

    def resolve(self, environ: Mapping[str, str] | None = None, *, base: Path | None = None) -> str:
        """Return the secret's value, or raise ConfigError saying where it was looked for.
        ``environ``: default the process environment, read at call time (never a default argument:
        help() would print it)."""
        if environ is None:
            environ = os.environ
        if self.env is not None:
            value = check_token(environ.get(self.env, ""), source=f"環境変数 {self.env}", config=self.config,
                                key=self.key)
            if not value:
                raise ConfigError(
                    f"環境変数 {self.env} が設定されていません (トークンの参照先)",
                    hint=f"export {self.env}=... で API トークンを設定してください",
                )
            return value
        assert self.file is not None
        path = Path(os.path.expanduser(self.file))
        if base is not None and not path.is_absolute():
            path = base / path
        value = check_token(_read_token_file(path), source=f"トークンファイル {path}", from_file=True,
                            config=self.config, key=self.key)
        if not value:
            raise ConfigError("トークンファイルが空です", path=str(path))
        return value

    def describe(self) -> str:
        return f"$env:{self.env}" if self.env is not None else f"$file:{self.file}"


def _read_token_file(path: Path) -> str:
    """The text of a token file. Only a regular file, at most TOKEN_FILE_MAX bytes, in UTF-8: a FIFO
    would hang the run, a link to /dev/zero fill the memory."""
    try:
        if not path.is_file():
            raise ConfigError("トークンファイルが普通のファイルではありません", path=str(path))
        with path.open("rb") as f:
            data = f.read(TOKEN_FILE_MAX + 1)
    except OSError as exc:
        raise ConfigError(f"トークンファイルを読めません: {exc.strerror}", path=str(path)) from exc
    if len(data) > TOKEN_FILE_MAX:
        raise ConfigError(f"トークンファイルが大きすぎます ({TOKEN_FILE_MAX:,} バイトまで)", path=str(path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError("トークンファイルが UTF-8 ではありません", path=str(path)) from None

    def __repr__(self) -> str:
        return f"Secret({self.describe()})"


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact point (DCAT ``dcat:contactPoint``, a vCard)."""

    name: str
    email: str | None = None
    url: str | None = None
    telephone: str | None = None


@dataclass(frozen=True, slots=True)
class EvaluationSettings:
    """How a publisher's evaluation workbooks are read (``evaluation:`` of a publisher)."""

    layout: str | None = None  # a built-in layout's name, or a layout file (relative to opendata.yaml)
    grades: tuple[str, ...] = ()  # the publisher's grade words, best first; they replace the layout's


@dataclass(frozen=True, slots=True)
class Publisher:
    """A municipality (or other body) whose packages the project publishes."""

    code: str  # 全国地方公共団体コード (6 digits with check digit)
    name: str
    name_en: str | None = None
    url: str | None = None
    organization: str | None = None  # its organization name on CKAN portals
    contact: Contact | None = None
    license: str | None = None  # default licence id (see metadata.licenses), e.g. "PDL-1.0"
    evaluation: EvaluationSettings | None = None


@dataclass(frozen=True, slots=True)
class Portal:
    """A named CKAN portal."""

    name: str
    url: str
    organization: str | None = None
    token: Secret | None = None
    allow_insecure: bool = False
    # our licence id (metadata.licenses) → the portal's licence id: portals differ in ids (stock
    # CKAN has ``cc-by`` with an opendefinition URL and no PDL 1.0), so matching by URL cannot find all
    licenses: Mapping[str, str] = field(default_factory=dict)
    # CSV resources are also loaded into the portal's DataStore (portals/datastore.py)
    datastore: bool = False


@dataclass(frozen=True, slots=True)
class Catalog:
    """The catalog the project publishes (DCAT ``dcat:Catalog``)."""

    title: str
    operator: str | None = None  # publisher code of the body that operates the catalog
    base_url: str | None = None  # where published files will live (static catalog, RDF URLs)
    description: str | None = None
    title_en: str | None = None
    homepage: str | None = None
    language: str = "ja"


@dataclass(frozen=True, slots=True)
class Settings:
    """The whole configuration. ``root`` is the folder the file is in (paths are relative to it)."""

    root: Path
    catalog: Catalog
    publishers: tuple[Publisher, ...] = ()
    portals: Mapping[str, Portal] = field(default_factory=dict)
    default_target: str | None = None
    packages_dir: str = DEFAULT_PACKAGES_DIR
    path: Path | None = None  # the file read, None for defaults

    @property
    def packages_path(self) -> Path:
        return self.root / self.packages_dir

    def publisher(self, code: str) -> Publisher | None:
        return next((p for p in self.publishers if p.code == code), None)

    def portal_at(self, url: str) -> Portal | None:
        """The configured portal whose URL is ``url`` (scheme and host case aside, trailing / aside):
        ``--to URL`` of a configured portal uses its settings that are not secret (the licence map)."""
        wanted = _url_key(url)
        return next((p for p in self.portals.values() if _url_key(p.url) == wanted), None)

    @classmethod
    def defaults(cls, root: Path) -> Settings:
        """Settings for a folder without opendata.yaml: validate and describe still work."""
        return cls(root=root, catalog=Catalog(title="opendata-pub catalog"))


def licence_map_line(portal: Portal | None, url: str, license_id: str, portal_id: str = "<ポータルの ID>") -> str:
    """The opendata.yaml line that maps our ``license_id`` to ``portal_id`` on a portal (a new
    portal entry when it is not configured: ``--to URL``)."""
    if portal is not None:
        return f"portals.{portal.name}.licenses: {{{license_id}: {portal_id}}}"
    return f"portals: {{<名前>: {{url: {url}, licenses: {{{license_id}: {portal_id}}}}}}}"


def _url_key(url: str) -> tuple[str, str]:
    scheme, _, rest = url.strip().partition("://")
    host, _, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}", path.rstrip("/")


# A text field: the pattern its value must match and what the message calls it (None: any text).
_Text = tuple[re.Pattern[str] | None, str]
_ANY: _Text = (None, "")
_URL_FIELD: _Text = (_URL, "URL")

_CATALOG_TEXTS: dict[str, _Text] = {
    "title": _ANY, "title_en": _ANY, "description": _ANY, "base_url": _URL_FIELD, "homepage": _URL_FIELD,
    "language": (re.compile(r"^[a-z]{2}$"), "ISO 639-1 言語コード"),
}
_PUBLISHER_TEXTS: dict[str, _Text] = {
    "name_en": _ANY, "url": _URL_FIELD,
    "organization": (_ORG_NAME, "CKAN の組織名 (英小文字・数字・-_ の 2〜100 文字)"),
}
_CONTACT_TEXTS: dict[str, _Text] = {
    "email": (_EMAIL, "メールアドレス"), "url": _URL_FIELD, "telephone": _ANY,
}
_PORTAL_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Reader:
    """Walks the parsed YAML, checking types and rejecting unknown keys with the key path (and the
    line, when the text's ``key_lines`` are known)."""

    def __init__(self, path: str, lines: Mapping[str, int] | None = None) -> None:
        self.path = path
        self.lines = lines or {}

    def fail(self, key: str, message: str, hint: str | None = None) -> ConfigError:
        line = line_of(self.lines, key)
        return ConfigError(f"{message} (line {line})" if line else message, path=self.path, key=key, hint=hint)

    def mapping(self, value: Any, key: str, allowed: set[str], required: frozenset[str] | set[str] = frozenset()
                ) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, f"マッピング (key: value) が必要です。{type(value).__name__} が書かれています")
        for k in value:
            if not isinstance(k, str) or k not in allowed:
                near = ", ".join(sorted(allowed))
                raise self.fail(f"{key}.{k}" if key else str(k), "不明なキーです", hint=f"使えるキー: {near}")
        for k in sorted(required):
            if value.get(k) in (None, ""):
                raise self.fail(f"{key}.{k}" if key else k, "必須のキーがありません")
        return value

    def string(self, value: Any, key: str, *, optional: bool = True, pattern: re.Pattern[str] | None = None,
               what: str = "") -> str | None:
        if value is None:
            if optional:
                return None
            raise self.fail(key, "値が必要です")
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise self.fail(key, f"文字列が必要です ({type(value).__name__} が書かれています)")
        text = str(value).strip()
        if pattern is not None and not pattern.match(text):
            raise self.fail(key, f"{what or '値'}として不正です: {text!r}")
        return text

    def strings(self, m: Mapping[str, Any], key: str, fields: Mapping[str, _Text]) -> dict[str, str | None]:
        """The optional text ``fields`` of mapping ``m`` (at ``key``), each checked by its pattern."""
        return {name: self.string(m.get(name), f"{key}.{name}", pattern=pattern, what=what)
                for name, (pattern, what) in fields.items()}

    def code(self, value: Any, key: str) -> str:
        if value is None:
            raise self.fail(key, "値が必要です")
        if isinstance(value, str) and value.strip() == PLACEHOLDER_CODE:
            # the starter's blank: it loads, so that validate can say what to replace (placeholders)
            return PLACEHOLDER_CODE
        problem = lg_code_type_problem(value) or lg_code_problem(value.strip())
        if problem:
            raise self.fail(key, problem, hint=LG_CODE_QUOTE_HINT if not isinstance(value, str) else None)
        return value.strip()

    def secret(self, value: Any, key: str) -> Secret | None:
        if value is None:
            return None
        if isinstance(value, str):
            raise self.fail(key, "トークンを設定ファイルに直接書くことはできません",
                            hint="token: {$env: CKAN_API_TOKEN} のように環境変数か {$file: パス} を指定してください")
        m = self.mapping(value, key, {"$env", "$file"})
        if len(m) != 1:
            raise self.fail(key, "$env か $file のどちらか一つを指定してください")
        if "$env" in m:
            name = self.string(m["$env"], f"{key}.$env", optional=False, pattern=_ENV_NAME, what="環境変数名")
            return Secret(env=name, config=self.path, key=key)
        return Secret(file=self.string(m["$file"], f"{key}.$file", optional=False), config=self.path, key=key)


def _catalog(r: _Reader, value: Any) -> Catalog:
    cat = r.mapping(value or {}, "catalog", {*_CATALOG_TEXTS, "operator"})
    operator = r.code(cat["operator"], "catalog.operator") if cat.get("operator") is not None else None
    texts = r.strings(cat, "catalog", _CATALOG_TEXTS)
    base_url = texts["base_url"]
    return Catalog(
        title=texts["title"] or "opendata-pub catalog",
        title_en=texts["title_en"],
        description=texts["description"],
        operator=operator,
        base_url=base_url if not base_url or base_url.endswith("/") else base_url + "/",
        homepage=texts["homepage"],
        language=texts["language"] or "ja",
    )


def _contact(r: _Reader, value: Any, key: str) -> Contact | None:
    if value is None:
        return None
    c = r.mapping(value, key, {"name", *_CONTACT_TEXTS}, {"name"})
    texts = r.strings(c, key, _CONTACT_TEXTS)
    return Contact(name=r.string(c["name"], f"{key}.name", optional=False) or "", email=texts["email"],
                   url=texts["url"], telephone=texts["telephone"])


def _license(r: _Reader, value: Any, key: str) -> str | None:
    if value is None:
        return None
    text = r.string(value, key) or ""
    lic = find_license(text)
    if lic is None:
        raise r.fail(key, f"知らないライセンスです: {text!r}",
                     hint="PDL-1.0, CC-BY-4.0, CC0-1.0 などの ID か、その URL を書いてください")
    return lic.id


# A layout named by a path rather than a built-in name (which is lower-case letters, digits, - and _).
_LAYOUT_PATH = re.compile(r"[/\\]|\.ya?ml$")


def _evaluation(r: _Reader, value: Any, k: str, root: Path | None) -> EvaluationSettings | None:
    if value is None:
        return None
    e = r.mapping(value, k, {"layout", "grades"})
    layout = r.string(e.get("layout"), f"{k}.layout")
    if layout and _LAYOUT_PATH.search(layout) and root is not None and not (root / layout).is_file():
        raise r.fail(f"{k}.layout", f"様式ファイル {layout} がありません (opendata.yaml のフォルダからの相対パス)")
    grades = e.get("grades")
    if grades is None:
        return EvaluationSettings(layout=layout)
    if not isinstance(grades, list) or not grades:
        raise r.fail(f"{k}.grades", "評価の語のリストが必要です", hint="grades: [A, B, C, D] のように書きます")
    words = tuple(r.string(g, f"{k}.grades[{i}]", optional=False) or "" for i, g in enumerate(grades))
    repeated = sorted({w for w in words if words.count(w) > 1})
    if repeated:
        raise r.fail(f"{k}.grades", f"同じ語が複数あります: {', '.join(repeated)}")
    return EvaluationSettings(layout=layout, grades=words)


def _publisher(r: _Reader, raw: Any, k: str, root: Path | None = None) -> Publisher:
    p = r.mapping(raw, k, {"code", "name", "contact", "license", "evaluation", *_PUBLISHER_TEXTS}, {"code", "name"})
    contact = _contact(r, p.get("contact"), f"{k}.contact")
    license_id = _license(r, p.get("license"), f"{k}.license")
    texts = r.strings(p, k, _PUBLISHER_TEXTS)
    return Publisher(
        code=r.code(p["code"], f"{k}.code"),
        name=r.string(p["name"], f"{k}.name", optional=False) or "",
        name_en=texts["name_en"],
        url=texts["url"],
        organization=texts["organization"],
        contact=contact,
        license=license_id,
        evaluation=_evaluation(r, p.get("evaluation"), f"{k}.evaluation", root),
    )


def _publishers(r: _Reader, value: Any, root: Path | None = None) -> tuple[Publisher, ...]:
    if not isinstance(value, list):
        raise r.fail("publishers", "リストが必要です")
    publishers: list[Publisher] = []
    for i, raw in enumerate(value):
        pub = _publisher(r, raw, f"publishers[{i}]", root)
        if any(q.code == pub.code for q in publishers):
            raise r.fail(f"publishers[{i}].code", f"団体コード {pub.code} が重複しています")
        publishers.append(pub)
    return tuple(publishers)


def _portal(r: _Reader, name: Any, raw: Any) -> Portal:
    k = f"portals.{name}"
    if not isinstance(name, str) or not _PORTAL_NAME.match(name) or name.startswith(("http", ".", "/")):
        raise r.fail(k, "ポータル名には英数字と . _ - だけが使えます (URL やパスと区別するため)")
    p = r.mapping(raw, k, {"url", "organization", "token", "allow_insecure", "licenses", "datastore"}, {"url"})
    url = r.string(p["url"], f"{k}.url", optional=False, pattern=_URL, what="URL") or ""
    allow_insecure, datastore = p.get("allow_insecure", False), p.get("datastore", False)
    for key, flag in (("allow_insecure", allow_insecure), ("datastore", datastore)):
        if not isinstance(flag, bool):
            raise r.fail(f"{k}.{key}", "true か false を書いてください")
    return Portal(
        name=name,
        url=url.rstrip("/"),
        organization=r.string(p.get("organization"), f"{k}.organization", pattern=_ORG_NAME, what="CKAN の組織名"),
        token=r.secret(p.get("token"), f"{k}.token"),
        allow_insecure=allow_insecure,
        licenses=_license_map(r, p.get("licenses"), f"{k}.licenses"),
        datastore=datastore,
    )


def _license_map(r: _Reader, value: Any, key: str) -> dict[str, str]:
    """``licenses: {PDL-1.0: other-at}``: keys are licences we know (an id, alias or URL, kept as our
    id), values the portal's licence ids."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise r.fail(key, "マッピングが必要です", hint="licenses: {PDL-1.0: other-at, CC-BY-4.0: cc-by} のように書きます")
    out: dict[str, str] = {}
    for ours, theirs in value.items():
        k = f"{key}.{ours}"
        lic = find_license(str(ours)) if isinstance(ours, str) else None
        if lic is None:
            raise r.fail(k, f"知らないライセンスです: {ours!r}",
                         hint="キーは PDL-1.0, CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0 (またはその URL) です")
        if lic.id in out:
            raise r.fail(k, f"ライセンス {lic.id} が二度書かれています")
        portal_id = r.string(theirs, k)
        if not portal_id:
            raise r.fail(k, "ポータルのライセンス ID が空です", hint=f"{lic.id}: cc-by のようにポータルの ID を書いてください")
        out[lic.id] = portal_id
    return out


def _portals(r: _Reader, value: Any) -> dict[str, Portal]:
    portals_map = r.mapping(value, "portals", set(value) if isinstance(value, dict) else set())
    return {name: _portal(r, name, raw) for name, raw in portals_map.items()}


def _packages_dir(r: _Reader, value: Any) -> str:
    packages_dir = r.string(value, "packages") or DEFAULT_PACKAGES_DIR
    if Path(packages_dir).is_absolute() or ".." in Path(packages_dir).parts:
        raise r.fail("packages", "プロジェクト内の相対パスを書いてください")
    return packages_dir


def parse_config(data: Any, *, path: str = CONFIG_NAME, root: Path | None = None,
                 lines: Mapping[str, int] | None = None) -> Settings:
    """Check and freeze an already parsed configuration mapping. ``lines`` (``yamlio.key_lines`` of
    its text) add the line to the messages."""
    r = _Reader(path, lines)
    root = root if root is not None else Path(path).resolve().parent
    top = r.mapping({} if data is None else data, "", {"catalog", "publishers", "portals", "default_target",
                                                       "packages"})
    catalog = _catalog(r, top.get("catalog"))
    publishers = _publishers(r, top.get("publishers") or [], root)
    if catalog.operator is not None and not any(p.code == catalog.operator for p in publishers):
        raise r.fail("catalog.operator", f"団体コード {catalog.operator} が publishers にありません")
    return Settings(
        root=root,
        catalog=catalog,
        publishers=publishers,
        portals=_portals(r, top.get("portals") or {}),
        default_target=r.string(top.get("default_target"), "default_target"),
        packages_dir=_packages_dir(r, top.get("packages")),
        path=Path(path) if path else None,
    )


def load_yaml_text(text: str, *, path: str) -> Any:
    """Parse YAML, turning a syntax error into a ConfigError with the line and column."""
    try:
        return parse_yaml(text)
    except YamlSyntaxError as exc:
        raise ConfigError(f"YAML として読めません: {exc.problem}", path=path, key=exc.where) from exc


def _key_lines(text: str, *, path: str) -> dict[str, int]:
    try:
        return key_lines(text)
    except YamlSyntaxError as exc:
        raise ConfigError(f"YAML として読めません: {exc.problem}", path=path, key=exc.where) from exc


def load_config(path: str | os.PathLike[str]) -> Settings:
    """Read and check ``opendata.yaml``."""
    p = Path(path)
    try:
        raw = read_input_bytes(p, max_bytes=MAX_YAML_BYTES)  # not a FIFO, a device or a huge file
    except UnreadableInput as exc:
        if exc.missing:
            raise ConfigError("設定ファイルがありません", path=str(p),
                              hint="opendata-pub init で作成できます") from exc
        raise ConfigError(f"設定ファイルを読めません: {exc.problem}", path=str(p)) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"UTF-8 ではありません (byte {exc.start})", path=str(p),
                          hint="設定ファイルは UTF-8 で保存してください") from exc
    data = load_yaml_text(text, path=str(p))
    return parse_config(data, path=str(p), root=p.resolve().parent, lines=_key_lines(text, path=str(p)))


def find_config(start: Path) -> Path | None:
    """The nearest opendata.yaml in ``start`` or a parent folder, as git finds its repository."""
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def starter_config() -> str:
    """The commented configuration ``opendata-pub init`` writes: a neutral one, every value a
    placeholder that ``placeholders`` finds until the user puts in their own."""
    return _STARTER


# The starter's blanks. 000000 is no municipality (there is no prefecture 00), so it cannot be a real
# code left as it was; example.lg.jp addresses are placeholders only next to it, because tests and
# documentation use them as real-looking values; "○○" is the Japanese "fill in here".
PLACEHOLDER_CODE = "000000"
_PLACEHOLDER_TEXT = "○○"
_PLACEHOLDER_HOST = re.compile(r"(?i)(^|[/@.])example\.lg\.jp([/:]|$)")


def placeholders(settings: Settings) -> list[tuple[str, str]]:
    """The (key, value) pairs of opendata.yaml still holding a placeholder of ``starter_config``."""
    cat = settings.catalog
    values: list[tuple[str, str | None]] = [("catalog.operator", cat.operator), ("catalog.title", cat.title),
                                            ("catalog.description", cat.description),
                                            ("catalog.base_url", cat.base_url), ("catalog.homepage", cat.homepage)]
    for i, pub in enumerate(settings.publishers):
        k = f"publishers[{i}]"
        values += [(f"{k}.code", pub.code), (f"{k}.name", pub.name), (f"{k}.url", pub.url)]
        if pub.contact is not None:
            values += [(f"{k}.contact.name", pub.contact.name), (f"{k}.contact.email", pub.contact.email),
                       (f"{k}.contact.url", pub.contact.url)]
    starter = any(value == PLACEHOLDER_CODE for _, value in values)
    return [(key, value) for key, value in values if value and (
        value == PLACEHOLDER_CODE or _PLACEHOLDER_TEXT in value or (starter and _PLACEHOLDER_HOST.search(value)))]


_STARTER = """\
# opendata.yaml — opendata-pub のプロジェクト設定 (project configuration)
# 詳しくは README.md の「Project configuration: `opendata.yaml`」を参照してください。
#
# 000000、○○、example.lg.jp は仮の値です。自団体の値に置き換えてください
# (置き換えるまで opendata-pub validate がエラー config-placeholder で知らせます)。

catalog:
  title: ○○市オープンデータカタログ        # カタログの名称
  # title_en: XX City Open Data Catalog
  # description: ○○市が公開するオープンデータの一覧です。
  operator: "000000"                        # カタログを運営する団体 (publishers の code)
  base_url: https://opendata.example.lg.jp/ # 公開したファイルを置く URL (静的カタログ・RDF の URL の基点)
  language: ja

# データを公開する団体。一つのプロジェクトに複数の団体を置けます (共同ポータル)。
publishers:
  - code: "000000"                 # 全国地方公共団体コード (6桁、検査数字付き、必ず引用符で)
    name: ○○市
    # name_en: XX City
    url: https://www.city.example.lg.jp/
    organization: example-city     # CKAN ポータル上の組織名
    license: PDL-1.0               # 既定のライセンス: PDL-1.0 / CC-BY-4.0 / CC0-1.0 (または URL)
    contact:
      name: ○○課
      email: opendata@example.lg.jp
      # url: https://www.city.example.lg.jp/contact/
      # telephone: 000-000-0000

# 公開先の CKAN ポータル。トークンは設定ファイルに直接書かず、環境変数かファイルで渡します。
portals: {}
#  production:
#    url: https://ckan.example.lg.jp
#    organization: example-city
#    token: {$env: CKAN_API_TOKEN}
#    licenses: {PDL-1.0: other-at}    # ライセンス ID がポータルと違うとき: 私たちの ID → ポータルの ID
#    datastore: true                  # CSV を DataStore にも読み込む (プレビューと datastore_search)
#  staging:
#    url: https://ckan-staging.example.lg.jp
#    token: {$file: ~/.config/opendata-pub/staging-token}

# --to を省略したときの公開先: ポータル名、またはフォルダ (静的カタログ)
default_target: site/

# データパッケージを置くフォルダ
packages: datapackages
"""
