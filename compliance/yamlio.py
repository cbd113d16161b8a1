"""Safe YAML loading that remembers where every key and item came from.

Findings must point to a file and line, and input errors must name them too, so the manifest and
rule-pack loaders need line numbers that plain `yaml.safe_load` throws away.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from compliance.errors import InputError


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):  # type: ignore[type-arg]
    """A sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when built in: ~10x faster


def safe_load(text: str) -> Any:
    """`yaml.safe_load(text)` with libyaml's safe loader when PyYAML was built with it."""
    return yaml.load(text, Loader=_Base)  # noqa: S506 - a safe loader (CSafeLoader or SafeLoader)


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader whose mappings and sequences carry line numbers; duplicate keys are errors."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be plain scalars", key_node.start_mark
            )
        key = str(key) if not isinstance(key, str) else key
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml_text(text: str, path: str) -> Any:
    """Parse one YAML document; a syntax error becomes an InputError with file:line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem and exc.context_mark is not mark:
            problem += f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise InputError(path, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(path, None, f"invalid YAML: {exc}") from None


def read_text_file(path: Path, shown: str) -> str:
    """A file's UTF-8 text; missing, unreadable or undecodable files are input errors."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(shown, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise InputError(shown, None, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise InputError(shown, None, f"cannot read: {exc.strerror}") from None


def load_yaml_file(path: Path, display: str | None = None) -> Any:
    """Read and parse a YAML file."""
    shown = display or str(path)
    return load_yaml_text(read_text_file(path, shown), shown)


def line_at(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The best line for a location path (as pydantic reports it) inside LineDict/LineList data."""
    node = data
    best: int | None = getattr(data, "line", None)
    for part in loc:
        if isinstance(node, LineDict) and isinstance(part, str):
            if part in node.key_lines:
                best = node.key_lines[part]
            node = node.get(part)
        elif isinstance(node, LineList) and isinstance(part, int):
            best = node.line_of(part)
            node = node[part] if 0 <= part < len(node) else None
        else:
            continue
        if node is None:
            break
        own = getattr(node, "line", None)
        if own and not isinstance(node, LineDict):
            best = own
    return best


def validation_error(exc: Any, raw: Any, path: str, known: str = "") -> InputError:
    """The first pydantic validation error as one InputError at the line it concerns.

    `known` is added to unknown-key messages to say what is allowed there.
    """
    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    where = ".".join(str(p) for p in loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        message = f"unknown key {where!r}" + (f" ({known})" if known else "")
    elif err["type"] == "missing":
        message = f"missing required key {where!r}"
    else:
        message = f"{where}: {err['msg']}"
    return InputError(path, line_at(raw, loc), message)
