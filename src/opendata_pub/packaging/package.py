"""The package convention: a folder with ``datapackage.yaml`` (or ``.json``) and its files.

Finding packages, reading a descriptor (YAML or JSON, with line numbers on syntax errors) and
resolving resource paths safely (never outside the package; remote URLs only when allowed). This is
the one place that knows the descriptor file names; nothing here validates content beyond that.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from ..errors import InputError
from ..inputfile import UnreadableInput, parse_json, read_input_bytes
from ..yamlio import MAX_YAML_BYTES, YamlSyntaxError, parse_yaml

__all__ = [
    "DESCRIPTOR_NAMES",
    "DescriptorMemo",
    "LocalPackage",
    "PathProblem",
    "discover_packages",
    "find_descriptor",
    "load_descriptor",
    "load_package",
    "resolve_data_path",
]

DESCRIPTOR_NAMES = ("datapackage.yaml", "datapackage.yml", "datapackage.json")

# A descriptor larger than this is not a hand-written descriptor; refuse it before parsing.
MAX_DESCRIPTOR_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LocalPackage:
    """A package on disk: its folder, its descriptor file and the parsed descriptor."""

    root: Path
    descriptor_path: Path
    descriptor: dict[str, Any]

    @property
    def name(self) -> str:
        name = self.descriptor.get("name")
        return name if isinstance(name, str) else self.root.name

    def resources(self) -> list[dict[str, Any]]:
        res = self.descriptor.get("resources")
        return [r for r in res if isinstance(r, dict)] if isinstance(res, list) else []


def find_descriptor(path: Path) -> Path:
    """The descriptor file of ``path`` (a package folder or a descriptor file)."""
    if path.is_dir():
        for name in DESCRIPTOR_NAMES:
            candidate = path / name
            if candidate.is_file():
                return candidate
        raise InputError("datapackage.yaml も datapackage.json もありません", path=str(path),
                         hint="パッケージのフォルダか記述子ファイルを指定してください")
    if path.is_file():
        return path
    raise InputError("ファイルもフォルダもありません", path=str(path))


class DescriptorMemo(Protocol):
    """Parsed YAML descriptors kept between runs (``packaging.descriptor_memo``): ``get`` answers with
    the descriptor ``load_descriptor`` made of exactly this text at this path, or None."""

    def get(self, path: Path, text: str) -> dict[str, Any] | None: ...

    def put(self, path: Path, text: str, descriptor: dict[str, Any]) -> None: ...


def load_descriptor(path: Path, *, memo: DescriptorMemo | None = None) -> dict[str, Any]:
    """Parse a descriptor file; syntax errors become InputError with line and column.

    ``memo``: YAML is parsed in pure Python (~10 ms for a 23 KB evaluation descriptor; JSON 0.1 ms);
    a memo answers for a text it has seen, and keeps what is parsed here."""
    is_json = path.suffix.lower() == ".json"
    # YAML is parsed in pure Python, some hundred times slower than JSON: its cap is lower.
    limit = MAX_DESCRIPTOR_BYTES if is_json else MAX_YAML_BYTES
    try:
        raw = read_input_bytes(path, max_bytes=limit)  # a regular file, never a FIFO or a device
    except UnreadableInput as exc:
        raise InputError(f"記述子を読めません: {exc.problem}", path=str(path)) from exc
    if not raw.strip():
        raise InputError("記述子が空です", path=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("記述子が UTF-8 ではありません", path=str(path), where=f"byte {exc.start}") from exc
    if is_json:
        try:
            data = parse_json(text)
        except UnreadableInput as exc:
            raise InputError(exc.problem, path=str(path), where=exc.where) from exc
    else:
        remembered = memo.get(path, text) if memo is not None else None
        if remembered is not None:
            return remembered
        try:
            data = parse_yaml(text)
        except YamlSyntaxError as exc:
            raise InputError(f"YAML として読めません: {exc.problem}", path=str(path), where=exc.where) from exc
    if not isinstance(data, dict):
        raise InputError(f"記述子はマッピング (key: value) でなければなりません ({type(data).__name__})",
                         path=str(path))
    descriptor: dict[str, Any] = _plain(data)
    if memo is not None and not is_json:
        memo.put(path, text, descriptor)
    return descriptor


def _plain(value: Any) -> Any:
    """YAML gives dates as date objects; descriptors are JSON data, so dates stay ISO strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return value


def load_package(path: str | os.PathLike[str], *, memo: DescriptorMemo | None = None) -> LocalPackage:
    """Read the package at ``path`` (its folder or its descriptor file); ``memo``: see load_descriptor."""
    descriptor_path = find_descriptor(Path(path))
    descriptor = load_descriptor(descriptor_path, memo=memo)
    return LocalPackage(root=descriptor_path.parent, descriptor_path=descriptor_path, descriptor=descriptor)


def discover_packages(folder: Path) -> list[Path]:
    """Package folders directly below ``folder`` (a descriptor or sources/package.yaml), sorted by name."""
    if not folder.is_dir():
        return []
    found = []
    for child in sorted(folder.iterdir()):
        # A package built from sources may not have been built yet: its sources/package.yaml counts.
        if child.is_dir() and not child.name.startswith(".") and (
            any((child / n).is_file() for n in DESCRIPTOR_NAMES) or (child / "sources" / "package.yaml").is_file()
        ):
            found.append(child)
    return found


@dataclass(frozen=True, slots=True)
class PathProblem:
    code: str  # "path-absolute", "path-escapes-package", "path-remote", "path-invalid"
    message: str


def is_remote(value: str) -> bool:
    return value.split("://", 1)[0].lower() in {"http", "https", "ftp", "s3", "gs"} and "://" in value


def resolve_data_path(root: Path, value: Any, *, allow_remote: bool = False) -> Path | str | PathProblem:
    """Resolve a resource ``path`` against the package root, or say why it is refused.

    Returns a local ``Path`` inside ``root``, the URL itself for an allowed remote path, or a
    ``PathProblem``. Symlinks are resolved before the containment check, so a link pointing out of
    the package is refused too.
    """
    if not isinstance(value, str) or not value.strip():
        return PathProblem("path-invalid", f"path は空でない文字列でなければなりません: {value!r}")
    if is_remote(value):
        if allow_remote:
            return value
        return PathProblem("path-remote", f"リモートの path は許可されていません: {value}"
                           " (--allow-remote で許可できます)")
    if "\x00" in value:
        return PathProblem("path-invalid", "path に NUL 文字があります")
    posix = PurePosixPath(value.replace("\\", "/"))
    if posix.is_absolute() or (len(value) > 1 and value[1] == ":"):
        return PathProblem("path-absolute", f"絶対パスは使えません: {value}")
    if ".." in posix.parts:
        return PathProblem("path-escapes-package", f"パッケージの外を指す path です: {value}")
    target = (root / Path(*posix.parts)).resolve()
    try:
        target.relative_to(root.resolve())
    except ValueError:
        return PathProblem("path-escapes-package", f"パッケージの外を指す path です (リンク先): {value}")
    return target


def iter_resource_paths(resource: Mapping[str, Any]) -> Iterator[Any]:
    """A resource's path values (Frictionless allows a list of paths for multipart resources)."""
    path = resource.get("path")
    if isinstance(path, list):
        yield from path
    elif path is not None:
        yield path
