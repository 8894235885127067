"""YAML in and out the way this project needs it: safe, no duplicate keys, Japanese kept readable.

``parse_yaml`` refuses duplicate keys (a silently overwritten key is a lost setting) and reports
syntax errors with 1-based line and column; ``dump_yaml`` writes stable, diff-friendly YAML.
Pure: no file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["YamlSyntaxError", "dump_yaml", "parse_yaml"]


@dataclass
class YamlSyntaxError(Exception):
    problem: str
    line: int | None = None
    column: int | None = None

    @property
    def where(self) -> str | None:
        if self.line is None:
            return None
        return f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"

    def __str__(self) -> str:
        return self.problem


class _UniqueKeyLoader(yaml.SafeLoader):
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


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # PyYAML raises a bare ValueError for 2021-02-30; report it at its place like any other error.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(None, None, f"ありえない日付です: {node.value} ({exc})",
                                                node.start_mark) from exc


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse_yaml(text: str) -> Any:
    """Parse YAML safely; raise YamlSyntaxError with the place on any error."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(
            str(exc.problem or exc), mark.line + 1 if mark else None, mark.column + 1 if mark else None
        ) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc)) from exc
    except RecursionError as exc:
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
