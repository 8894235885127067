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
from .japan.lgcode import lg_code_problem
from .metadata.licenses import find_license
from .yamlio import MAX_YAML_BYTES, YamlSyntaxError, parse_yaml

__all__ = [
    "CONFIG_NAME",
    "Catalog",
    "Contact",
    "Portal",
    "Publisher",
    "Secret",
    "Settings",
    "check_token",
    "find_config",
    "load_config",
    "parse_config",
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
class Publisher:
    """A municipality (or other body) whose packages the project publishes."""

    code: str  # 全国地方公共団体コード (6 digits with check digit)
    name: str
    name_en: str | None = None
    url: str | None = None
    organization: str | None = None  # its organization name on CKAN portals
    contact: Contact | None = None
    license: str | None = None  # default licence id (see metadata.licenses), e.g. "PDL-1.0"


@dataclass(frozen=True, slots=True)
class Portal:
    """A named CKAN portal."""

    name: str
    url: str
    organization: str | None = None
    token: Secret | None = None
    allow_insecure: bool = False


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

    @classmethod
    def defaults(cls, root: Path) -> Settings:
        """Settings for a folder without opendata.yaml: validate and describe still work."""
        return cls(root=root, catalog=Catalog(title="opendata-pub catalog"))


class _Reader:
    """Walks the parsed YAML, checking types and rejecting unknown keys with the key path."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, key: str, message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(message, path=self.path, key=key, hint=hint)

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

    def code(self, value: Any, key: str) -> str:
        if isinstance(value, int):
            # YAML reads 082112 as an int-like octal-looking literal; insist on quotes rather than guess.
            raise self.fail(key, f"団体コードは文字列で書いてください (例: \"{value:06d}\")",
                            hint="先頭の 0 が失われないよう引用符で囲みます")
        text = self.string(value, key, optional=False)
        assert text is not None
        problem = lg_code_problem(text)
        if problem:
            raise self.fail(key, problem)
        return text

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
            name = self.string(m["$env"], f"{key}.$env", optional=False,
                               pattern=re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$"), what="環境変数名")
            return Secret(env=name, config=self.path, key=key)
        return Secret(file=self.string(m["$file"], f"{key}.$file", optional=False), config=self.path, key=key)


def parse_config(data: Any, *, path: str = CONFIG_NAME, root: Path | None = None) -> Settings:
    """Check and freeze an already parsed configuration mapping."""
    r = _Reader(path)
    root = root if root is not None else Path(path).resolve().parent
    if data is None:
        data = {}
    top = r.mapping(data, "", {"catalog", "publishers", "portals", "default_target", "packages"})

    cat = r.mapping(top.get("catalog") or {}, "catalog",
                    {"title", "title_en", "description", "operator", "base_url", "homepage", "language"})
    operator = r.code(cat["operator"], "catalog.operator") if cat.get("operator") is not None else None
    base_url = r.string(cat.get("base_url"), "catalog.base_url", pattern=_URL, what="URL")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    catalog = Catalog(
        title=r.string(cat.get("title"), "catalog.title") or "opendata-pub catalog",
        title_en=r.string(cat.get("title_en"), "catalog.title_en"),
        description=r.string(cat.get("description"), "catalog.description"),
        operator=operator,
        base_url=base_url,
        homepage=r.string(cat.get("homepage"), "catalog.homepage", pattern=_URL, what="URL"),
        language=r.string(cat.get("language"), "catalog.language", pattern=re.compile(r"^[a-z]{2}$"),
                          what="ISO 639-1 言語コード") or "ja",
    )

    raw_publishers = top.get("publishers") or []
    if not isinstance(raw_publishers, list):
        raise r.fail("publishers", "リストが必要です")
    publishers: list[Publisher] = []
    for i, raw in enumerate(raw_publishers):
        k = f"publishers[{i}]"
        p = r.mapping(raw, k, {"code", "name", "name_en", "url", "organization", "contact", "license"},
                      {"code", "name"})
        contact = None
        if p.get("contact") is not None:
            c = r.mapping(p["contact"], f"{k}.contact", {"name", "email", "url", "telephone"}, {"name"})
            contact = Contact(
                name=r.string(c["name"], f"{k}.contact.name", optional=False) or "",
                email=r.string(c.get("email"), f"{k}.contact.email", pattern=_EMAIL, what="メールアドレス"),
                url=r.string(c.get("url"), f"{k}.contact.url", pattern=_URL, what="URL"),
                telephone=r.string(c.get("telephone"), f"{k}.contact.telephone"),
            )
        license_id = None
        if p.get("license") is not None:
            text = r.string(p["license"], f"{k}.license") or ""
            lic = find_license(text)
            if lic is None:
                raise r.fail(f"{k}.license", f"知らないライセンスです: {text!r}",
                             hint="PDL-1.0, CC-BY-4.0, CC0-1.0 などの ID か、その URL を書いてください")
            license_id = lic.id
        org = r.string(p.get("organization"), f"{k}.organization", pattern=_ORG_NAME,
                       what="CKAN の組織名 (英小文字・数字・-_ の 2〜100 文字)")
        pub = Publisher(
            code=r.code(p["code"], f"{k}.code"),
            name=r.string(p["name"], f"{k}.name", optional=False) or "",
            name_en=r.string(p.get("name_en"), f"{k}.name_en"),
            url=r.string(p.get("url"), f"{k}.url", pattern=_URL, what="URL"),
            organization=org,
            contact=contact,
            license=license_id,
        )
        if any(q.code == pub.code for q in publishers):
            raise r.fail(f"{k}.code", f"団体コード {pub.code} が重複しています")
        publishers.append(pub)
    if operator is not None and not any(p.code == operator for p in publishers):
        raise r.fail("catalog.operator", f"団体コード {operator} が publishers にありません")

    raw_portals = top.get("portals") or {}
    portals_map = r.mapping(raw_portals, "portals", set(raw_portals) if isinstance(raw_portals, dict) else set())
    portals: dict[str, Portal] = {}
    for name, raw in portals_map.items():
        k = f"portals.{name}"
        if not re.match(r"^[A-Za-z0-9_.-]+$", name) or name.startswith(("http", ".", "/")):
            raise r.fail(k, "ポータル名には英数字と . _ - だけが使えます (URL やパスと区別するため)")
        p = r.mapping(raw, k, {"url", "organization", "token", "allow_insecure"}, {"url"})
        url = r.string(p["url"], f"{k}.url", optional=False, pattern=_URL, what="URL") or ""
        allow_insecure = p.get("allow_insecure", False)
        if not isinstance(allow_insecure, bool):
            raise r.fail(f"{k}.allow_insecure", "true か false を書いてください")
        portals[name] = Portal(
            name=name,
            url=url.rstrip("/"),
            organization=r.string(p.get("organization"), f"{k}.organization", pattern=_ORG_NAME,
                                  what="CKAN の組織名"),
            token=r.secret(p.get("token"), f"{k}.token"),
            allow_insecure=allow_insecure,
        )

    packages_dir = r.string(top.get("packages"), "packages") or DEFAULT_PACKAGES_DIR
    if Path(packages_dir).is_absolute() or ".." in Path(packages_dir).parts:
        raise r.fail("packages", "プロジェクト内の相対パスを書いてください")
    return Settings(
        root=root,
        catalog=catalog,
        publishers=tuple(publishers),
        portals=portals,
        default_target=r.string(top.get("default_target"), "default_target"),
        packages_dir=packages_dir,
        path=Path(path) if path else None,
    )


def load_yaml_text(text: str, *, path: str) -> Any:
    """Parse YAML, turning a syntax error into a ConfigError with the line and column."""
    try:
        return parse_yaml(text)
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
    return parse_config(load_yaml_text(text, path=str(p)), path=str(p), root=p.resolve().parent)


def find_config(start: Path) -> Path | None:
    """The nearest opendata.yaml in ``start`` or a parent folder, as git finds its repository."""
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def starter_config() -> str:
    """The commented configuration ``opendata-pub init`` writes."""
    return _STARTER


_STARTER = """\
# opendata.yaml — opendata-pub のプロジェクト設定 (project configuration)
# 詳しくは README.md の「設定」を参照してください。

catalog:
  title: ○○市オープンデータカタログ        # カタログの名称
  # title_en: XX City Open Data Catalog
  # description: ○○市が公開するオープンデータの一覧です。
  operator: "132217"                        # カタログを運営する団体 (publishers の code)
  base_url: https://opendata.example.lg.jp/ # 公開したファイルを置く URL (静的カタログ・RDF の URL の基点)
  language: ja

# データを公開する団体。一つのプロジェクトに複数の団体を置けます (共同ポータル)。
publishers:
  - code: "132217"                 # 全国地方公共団体コード (6桁、検査数字付き、必ず引用符で)
    name: 清瀬市
    # name_en: Kiyose City
    url: https://www.city.kiyose.lg.jp/
    organization: kiyose           # CKAN ポータル上の組織名
    license: PDL-1.0               # 既定のライセンス: PDL-1.0 / CC-BY-4.0 / CC0-1.0 (または URL)
    contact:
      name: 企画部 秘書広報課
      email: opendata@example.lg.jp
      # url: https://www.city.kiyose.lg.jp/contact/
      # telephone: 042-000-0000

# 公開先の CKAN ポータル。トークンは設定ファイルに直接書かず、環境変数かファイルで渡します。
portals: {}
#  production:
#    url: https://ckan.example.lg.jp
#    organization: kiyose
#    token: {$env: CKAN_API_TOKEN}
#  staging:
#    url: https://ckan-staging.example.lg.jp
#    token: {$file: ~/.config/opendata-pub/staging-token}

# --to を省略したときの公開先: ポータル名、またはフォルダ (静的カタログ)
default_target: site/

# データパッケージを置くフォルダ
packages: datapackages
"""
