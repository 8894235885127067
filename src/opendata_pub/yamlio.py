"""YAML in and out the way this project needs it: safe, strict, no duplicate keys, Japanese kept readable.

Every YAML file the toolkit reads (``opendata.yaml``, package descriptors, ``sources/package.yaml``,
evaluation records, ``inventory.yaml``) is parsed with ``StrictLoader`` or a subclass of it. On top of
PyYAML's ``SafeLoader`` (no Python objects) it refuses, while composing and so before anything is
built, what no file of ours needs and what hostile input uses:

* anchors and aliases (``&a`` / ``*a``): a kilobyte of nested aliases expands to gigabytes
  ("billion laughs"); refusing them at the composer means no alias is ever expanded;
* nesting deeper than ``MAX_YAML_DEPTH`` (a hundred thousand ``[`` would hit the recursion limit);
* a list or mapping as a mapping key (unhashable: the constructor would raise a bare TypeError);
* an integer too long for Python to turn into text (more than 4300 digits), and an impossible date,
  which PyYAML lets through as a bare ValueError.

Each is a ``YamlSyntaxError`` with the 1-based line and column, like a syntax error.
``parse_yaml`` also refuses duplicate keys (a silently overwritten key is a lost setting) and a text
over ``MAX_YAML_BYTES``; ``dump_yaml`` writes stable, diff-friendly YAML; ``set_yaml_values`` changes
a few scalars of a hand-written file in place, every other byte (comments, order, quoting) kept, and
raises ``YamlEditError`` where that cannot be done safely. Pure: no file I/O.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from .errors import InputError
from .inputfile import UnreadableInput, read_input_bytes, text_place

__all__ = [
    "ALIAS_REFUSED", "MAX_YAML_BYTES", "MAX_YAML_DEPTH", "DuplicateKeyError", "ExactInt", "LineMap", "LineSeq",
    "StrictLoader", "YamlEditError", "YamlPath", "YamlSyntaxError", "dump_yaml", "key_lines", "line_of", "located",
    "parse_yaml", "parse_yaml_with_lines", "read_yaml_text", "set_yaml_values",
]

# PyYAML's pure-Python parser reads about 0.3 MB a second here: a hand-written YAML file of ours is
# kilobytes, and 8 MiB still parses in well under a minute.
MAX_YAML_BYTES = 8 * 1024 * 1024


def read_yaml_text(path: str | os.PathLike[str]) -> str:
    """A YAML file's text: a regular file of bounded size (never a FIFO or a device), UTF-8.
    ``InputError`` naming the file (and the byte of a bad encoding) otherwise."""
    try:
        raw = read_input_bytes(path, max_bytes=MAX_YAML_BYTES)
    except UnreadableInput as exc:
        raise InputError(f"読めません: {exc.problem}", path=os.fspath(path)) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("UTF-8 ではありません", path=os.fspath(path), where=f"byte {exc.start}") from exc


# Our files nest a few levels; a hundred keeps composer and constructor far from the recursion limit.
MAX_YAML_DEPTH = 100
ALIAS_REFUSED = "YAML のアンカー/エイリアス (&, *) は使えません"

# The largest integer Python still turns into text (``sys.get_int_max_str_digits``, 4300 by default).
_INT_TEXT_LIMIT = 4300


@dataclass
class YamlSyntaxError(Exception):
    problem: str
    line: int | None = None
    column: int | None = None

    @property
    def where(self) -> str | None:
        return text_place(self.line, self.column)

    def __str__(self) -> str:
        return self.problem


def _refuse(problem: str, mark: Any) -> yaml.MarkedYAMLError:
    return yaml.composer.ComposerError(None, None, problem, mark)


class StrictLoader(yaml.SafeLoader):
    """``SafeLoader`` without anchors/aliases, deep nesting, collection keys, overlong integers and
    impossible dates (module doc). Subclass it to add constructors."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        # Checked before PyYAML looks the alias up: nothing is ever shared, so nothing expands.
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _refuse(ALIAS_REFUSED, event.start_mark)
        if self._depth >= MAX_YAML_DEPTH:
            raise _refuse(f"入れ子が深すぎます (上限 {MAX_YAML_DEPTH} 段)", event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_mapping_node(self, anchor: Any) -> Any:
        node = super().compose_mapping_node(anchor)
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _refuse("キーにリストやマッピングは書けません (文字列か数で書いてください)", key_node.start_mark)
        return node

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            value = super().construct_yaml_int(node)
        except ValueError as exc:  # more digits than int() accepts
            raise yaml.constructor.ConstructorError(None, None, f"数が長すぎます ({_INT_TEXT_LIMIT} 桁まで)",
                                                    node.start_mark) from exc
        # 0x…, 0b… and base 60 are not limited by int(), but the number could never be printed.
        if value.bit_length() > _INT_TEXT_LIMIT * 3:  # 2**12900 has fewer than 4300 digits
            raise yaml.constructor.ConstructorError(None, None, f"数が大きすぎます ({_INT_TEXT_LIMIT} 桁まで)",
                                                    node.start_mark)
        return value

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:  # type: ignore[override]
        # PyYAML raises a bare ValueError for 2021-02-30; report it at its place like any other error.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(None, None, f"ありえない日付です: {node.value} ({exc})",
                                                    node.start_mark) from exc


# add_constructor stores the function it is given: register the overrides, not SafeLoader's.
StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)


def located(exc: yaml.YAMLError) -> YamlSyntaxError:
    """A PyYAML error as a ``YamlSyntaxError`` with its 1-based line and column."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return YamlSyntaxError(str(exc.problem or exc), mark.line + 1 if mark else None,
                               mark.column + 1 if mark else None)
    return YamlSyntaxError(str(exc))


@dataclass
class DuplicateKeyError(YamlSyntaxError):
    """A key written twice in one mapping (``key`` is the key as read)."""

    key: Any = None


class _UniqueKeyLoader(StrictLoader):
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise DuplicateKeyError(f"重複したキー {key!r}", key_node.start_mark.line + 1,
                                    key_node.start_mark.column + 1, key)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _check_size(text: str) -> None:
    if len(text) > MAX_YAML_BYTES:  # characters, not bytes: a cheap upper bound for text from anywhere
        raise YamlSyntaxError(f"YAML が大きすぎます ({len(text):,} 文字、上限 {MAX_YAML_BYTES:,})")


class _CEvents:
    """Events from libyaml's parser (``yaml.CParser``), composed and constructed by a strict loader's
    Python classes. Scanning and parsing are most of a load's time and libyaml does them several times
    faster; every check of ours runs on events (anchors, aliases, depth) or nodes (keys, ints, dates)
    in the Python composer and constructor, so the safety rules stay exactly those of the loader mixed in.
    ``yaml.CSafeLoader`` itself could not do that: its composer is C code and resolves aliases itself."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)  # type: ignore[call-arg]  # the Python loader: Reader refuses non-printables
        self._c_events = yaml.cyaml.CParser(stream)  # type: ignore[attr-defined]

    def check_event(self, *choices: Any) -> bool:
        return bool(self._c_events.check_event(*choices))

    def peek_event(self) -> Any:
        return self._c_events.peek_event()

    def get_event(self) -> Any:
        return self._c_events.get_event()


def _c_variant(loader: type[StrictLoader]) -> type[StrictLoader] | None:
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    return type(f"_C{loader.__name__.lstrip('_')}", (_CEvents, loader), {})


def _load(text: str, loader: type[StrictLoader]) -> Any:
    _check_size(text)
    fast = _C_VARIANTS.get(loader)
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)
        except (yaml.YAMLError, YamlSyntaxError, RecursionError, ValueError):
            # libyaml's marks and messages differ from PyYAML's (and it may refuse text PyYAML reads):
            # a document that fails is read again by the Python loader, which gives today's result
            # or today's located error, word for word.
            pass
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise located(exc) from exc
    except RecursionError as exc:  # not expected past the depth limit; kept as a last guard
        raise YamlSyntaxError("入れ子が深すぎます") from exc


def parse_yaml(text: str) -> Any:
    """Parse YAML strictly (module doc); raise YamlSyntaxError with the place on any error
    (``DuplicateKeyError`` for a key written twice)."""
    return _load(text, _UniqueKeyLoader)


def key_lines(text: str) -> dict[str, int]:
    """1-based line of every key path (``datasets[2].title``) in the YAML text; parse it first with
    ``parse_yaml`` (this composes it again, strictly, and raises YamlSyntaxError on any error)."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
                lines.setdefault(path, key_node.start_mark.line + 1)
                walk(value_node, path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                path = f"{prefix}[{i}]"
                lines.setdefault(path, item.start_mark.line + 1)
                walk(item, path)

    _check_size(text)
    try:
        root = yaml.compose(text, Loader=StrictLoader)
    except yaml.YAMLError as exc:
        raise located(exc) from exc
    if root is not None:
        walk(root, "")
    return lines


def line_of(lines: Mapping[str, int], key: str) -> int | None:
    """The line of ``key`` (``publishers[0].code``) in ``lines`` (``key_lines``); for a key that is
    not written, the line of the nearest enclosing one that is (the mapping lacking it)."""
    probe = key
    while probe:
        if probe in lines:
            return lines[probe]
        shorter = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", probe)
        if shorter == probe:
            return None
        probe = shorter
    return None


# ---- reading with lines and exact numbers (evaluation records) -------------------------------------


class LineMap(dict):  # type: ignore[type-arg]
    """A mapping that remembers its line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineSeq(list):  # type: ignore[type-arg]
    """A sequence that remembers its line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class ExactInt(int):
    """An int that keeps the text it was written as (so ``-0`` or ``007`` become exact Decimals)."""

    raw: str


class _LineLoader(StrictLoader):
    """Mappings as LineMap (duplicate keys refused), sequences as LineSeq, floats as Decimal, ints as
    ExactInt."""


def _construct_line_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    out = LineMap()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in out:
            raise DuplicateKeyError(f"重複したキー {key!r}", line, key_node.start_mark.column + 1, key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _construct_line_seq(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineSeq:
    out = LineSeq(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        # .inf / .nan and other YAML float spellings: not an exact number
        return Decimal("NaN")


def _construct_exact_int(loader: StrictLoader, node: yaml.ScalarNode) -> ExactInt:
    value = ExactInt(loader.construct_yaml_int(node))
    value.raw = str(node.value)
    return value


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_line_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_line_seq)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_exact_int)


_C_VARIANTS: dict[type[StrictLoader], type[StrictLoader] | None] = {
    loader: _c_variant(loader) for loader in (_UniqueKeyLoader, _LineLoader)}


def parse_yaml_with_lines(text: str) -> Any:
    """Parse YAML strictly like ``parse_yaml``, keeping lines: mappings are ``LineMap``, sequences
    ``LineSeq``, floats ``Decimal`` (NaN for .inf/.nan) and ints ``ExactInt``."""
    return _load(text, _LineLoader)


# ---- writing ----------------------------------------------------------------------------------------


# libyaml's emitter (CSafeDumper) writes the same text as PyYAML's pure-Python one, about 8× faster:
# an import of 400 evaluations spent most of its time emitting their YAML.
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    str_style: Callable[[str], str | None] | None = None
    null_text = "null"

    def ignore_aliases(self, data: Any) -> bool:  # StrictLoader refuses anchors: never write one
        return True


def _str_representer(dumper: _Dumper, data: str) -> yaml.ScalarNode:
    if dumper.str_style is not None:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=dumper.str_style(data))
    # Multi-line text (narratives, descriptions) as block scalars: readable and reviewable in diffs.
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


def _none_representer(dumper: _Dumper, _: None) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:null", dumper.null_text)


def _decimal_representer(dumper: _Dumper, value: Decimal) -> yaml.ScalarNode:
    # A plain number, written exactly: parse_yaml_with_lines reads its text back as the same Decimal.
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    text = format(value, "f")
    return dumper.represent_scalar("tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int", text)


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(type(None), _none_representer)
_Dumper.add_representer(Decimal, _decimal_representer)


def dump_yaml(data: Any, *, str_style: Callable[[str], str | None] | None = None, empty_null: bool = False,
              width: int = 10_000, indent: int | None = None) -> str:
    """Stable YAML: keys in the order given, Unicode as is, no line folding, no anchors, Decimals as
    exact plain numbers. ``str_style`` picks each string's style (None: plain, "'", '"', "|");
    ``empty_null`` writes None as an empty value instead of ``null``."""
    dumper = type("_CallDumper", (_Dumper,), {"str_style": staticmethod(str_style) if str_style else None,
                                               "null_text": "" if empty_null else "null"})
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=width, indent=indent,
                     default_flow_style=False)


# ---- editing in place -------------------------------------------------------------------------------


YamlPath = tuple[str | int, ...]  # ("resources", 0, "bytes"): mapping keys and sequence indexes


@dataclass
class YamlEditError(YamlSyntaxError):
    """The text is valid YAML but cannot be edited in place at ``path`` without rewriting more of it
    (a flow mapping ``{...}``, a collection where a scalar was expected, a missing parent …).
    Callers fall back to writing the whole document with ``dump_yaml``."""

    path: YamlPath = ()


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    text: str


def _scalar_text(value: Any, *, flow: bool = False) -> str:
    """``value`` as one line of YAML that reads back as the same value where it is put.

    Written the way ``dump_yaml`` writes it (``hash: sha256:…`` stays plain) when that fits on one
    line; in a flow collection, or for text with line breaks, as the item of a one-line flow sequence
    (flow context quotes more than block context needs: ``,``, ``[``, ``: ``)."""
    if isinstance(value, (dict, list, tuple, set)):
        raise TypeError(f"not a scalar: {value!r}")
    if not flow:
        block = yaml.dump([value], Dumper=_Dumper, allow_unicode=True, default_flow_style=False,
                          width=1_000_000_000)
        if block.startswith("- ") and block.count("\n") == 1 and not block.startswith(("- |", "- >")):
            return block[2:].rstrip("\n")
    text = yaml.dump([value], Dumper=_Dumper, allow_unicode=True, default_flow_style=True,
                     width=1_000_000_000).strip()
    if not (text.startswith("[") and text.endswith("]")) or "\n" in text:
        raise TypeError(f"cannot write as a one-line scalar: {value!r}")
    return text[1:-1]


def _edit_error(problem: str, path: YamlPath, node: yaml.Node | None) -> YamlEditError:
    mark = node.start_mark if node is not None else None
    shown = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return YamlEditError(f"{shown}: {problem}", mark.line + 1 if mark else None,
                         mark.column + 1 if mark else None, path)


def _child(node: yaml.Node, step: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node, value node) of ``step`` in ``node``; (None, None) when a mapping lacks the key."""
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == step:
                return key_node, value_node
        return None, None
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return None, node.value[step]
    raise LookupError(step)


def _last_end(node: yaml.Node) -> int:
    """Where the text of a node ends: for a block collection, where its last scalar ends (a block
    collection's own end mark lies past any comments that follow it, at the next key)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _last_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _last_end(node.value[-1])
    return int(node.end_mark.index)


def _replace(text: str, node: yaml.ScalarNode, value: Any, newline: str, *, flow: bool) -> _Edit:
    start, end = node.start_mark.index, node.end_mark.index
    new = _scalar_text(value, flow=flow)
    if start == end:  # "key:" with nothing after it: the empty scalar sits right after the colon
        return _Edit(start, end, " " + new)
    # A block scalar (| or >) ends past its last line break and the blank lines after it: keep those,
    # so the next key stays on its own line and the spacing stays as it was.
    trailing = re.search(r"\r?\n(?:[ \t]*\r?\n)*\Z", text[start:end])
    return _Edit(start, end, new + (trailing.group(0) if trailing else ""))


def _insert(text: str, mapping: yaml.MappingNode, key: str, value: Any, path: YamlPath, newline: str) -> _Edit:
    if mapping.flow_style:
        raise _edit_error("フロー形式 ({...}) のマッピングにはキーを追加できません", path, mapping)
    # The column of the first key is the mapping's indentation, also for "- name: x" sequence items.
    indent = " " * mapping.value[0][0].start_mark.column
    line = f"{indent}{_scalar_text(key)}: {_scalar_text(value)}"
    end = _last_end(mapping)
    if end > 0 and text[end - 1] == "\n":  # the last value was a block scalar: its line break is in
        return _Edit(end, end, line + newline)
    eol = text.find("\n", end)
    if eol == -1:  # the last line has no line break
        return _Edit(len(text), len(text), newline + line + newline)
    return _Edit(eol + 1, eol + 1, line + newline)


def _plan_edit(text: str, root: yaml.Node, path: YamlPath, value: Any, newline: str) -> _Edit:
    node, parent = root, root
    for i, step in enumerate(path):
        last = i == len(path) - 1
        try:
            _, child = _child(node, step)
        except LookupError:
            raise _edit_error("この場所は編集できません (マッピングのキーかリストの番号ではありません)",
                              path, node) from None
        if child is None:
            if last and isinstance(node, yaml.MappingNode) and isinstance(step, str):
                return _insert(text, node, step, value, path, newline)
            raise _edit_error("親のキーがありません", path, node)
        node, parent = child, node
    if not isinstance(node, yaml.ScalarNode):
        raise _edit_error("値がリストかマッピングです (スカラーしか置き換えられません)", path, node)
    flow = bool(getattr(parent, "flow_style", False))
    return _replace(text, node, value, newline, flow=flow)


def _get(data: Any, path: YamlPath) -> Any:
    for step in path:
        data = data[step]
    return data


def set_yaml_values(text: str, values: Mapping[YamlPath, Any]) -> str:
    """``text`` with the scalar at each path set to its value, every other byte unchanged.

    An existing scalar is replaced where it is written (a comment after it stays); a missing key of a
    block mapping is added as a new line after the mapping's last entry, at its indentation. Values
    are written as YAML scalars that read back as given (``1234``, ``'2026-12-05'``, ``sha256:…``).
    ``YamlEditError`` when a path cannot be edited this way (flow mapping, missing parent, a list or
    mapping in the way) or the result would not read back as intended; ``YamlSyntaxError`` for a
    text that is not valid YAML. Nothing is edited partly: an error means no result."""
    _check_size(text)
    if not values:
        return text
    try:
        root = yaml.compose(text, Loader=StrictLoader)
    except yaml.YAMLError as exc:
        raise located(exc) from exc
    if not isinstance(root, yaml.MappingNode):
        raise _edit_error("文書がマッピングではありません", (), root)
    newline = "\r\n" if "\r\n" in text else "\n"
    # Stable sort: keys added at the same place come out in the order given.
    edits = sorted((_plan_edit(text, root, path, value, newline) for path, value in values.items()),
                   key=lambda e: e.start)
    out, pos = [], 0
    for e in edits:
        if e.start < pos:
            raise _edit_error("編集する範囲が重なっています", (), None)
        out += [text[pos:e.start], e.text]
        pos = e.end
    out.append(text[pos:])
    edited = "".join(out)
    _check_reads_back(edited, values)
    return edited


def _check_reads_back(edited: str, values: Mapping[YamlPath, Any]) -> None:
    """The last guard: the edited text parses, and to the values asked for."""
    try:
        data = parse_yaml(edited)
    except YamlSyntaxError as exc:
        raise YamlEditError(f"編集後の YAML が読めません: {exc.problem}", exc.line, exc.column) from exc
    for path, value in values.items():
        try:
            got = _get(data, path)
        except (LookupError, TypeError):
            got = None
        if got != value or type(got) is not type(value):
            raise _edit_error(f"編集後の値が {value!r} になりません ({got!r})", path, None)
