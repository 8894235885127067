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
over ``MAX_YAML_BYTES``; ``dump_yaml`` writes stable, diff-friendly YAML. Pure: no file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .inputfile import text_place

__all__ = [
    "ALIAS_REFUSED", "MAX_YAML_BYTES", "MAX_YAML_DEPTH", "StrictLoader", "YamlSyntaxError", "dump_yaml", "located",
    "parse_yaml",
]

# PyYAML's pure-Python parser reads about 0.3 MB a second here: a hand-written YAML file of ours is
# kilobytes, and 8 MiB still parses in well under a minute.
MAX_YAML_BYTES = 8 * 1024 * 1024
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


class _UniqueKeyLoader(StrictLoader):
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"重複したキー {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str) -> Any:
    """Parse YAML strictly (module doc); raise YamlSyntaxError with the place on any error."""
    if len(text) > MAX_YAML_BYTES:  # characters, not bytes: a cheap upper bound for text from anywhere
        raise YamlSyntaxError(f"YAML が大きすぎます ({len(text):,} 文字、上限 {MAX_YAML_BYTES:,})")
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise located(exc) from exc
    except RecursionError as exc:  # not expected past the depth limit; kept as a last guard
        raise YamlSyntaxError("入れ子が深すぎます") from exc


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # Multi-line text (narratives, descriptions) as block scalars: readable and reviewable in diffs.
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """Stable YAML: keys in the order given, Unicode as is, no line folding."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000,
                     default_flow_style=False)
