"""Diagram front-matter as a layout that can be written back: block mappings whose values are
one-line scalars, sequences of them, or further mappings - the YAML Mermaid front-matter uses.

Scalars keep their text as written, so re-emitting a mapping changes only what the caller
changes. Anything richer (comments, anchors, tags, flow mappings, multi-line scalars,
duplicate keys) is the author's: `read` returns None and nothing is rewritten.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Union

# A plain scalar may start with these; anything else is quoted.
PLAIN_START = re.compile(r"[A-Za-z0-9_./(]")


@dataclass
class Scalar:
    value: Any
    source: str | None = None  # as written; None for a value added by a fix


@dataclass
class Sequence:
    items: list[Scalar]
    flow: bool = True


@dataclass
class Entry:
    key: str
    value: "Node"
    key_source: str | None = None  # as written; None for a key added by a fix


@dataclass
class Mapping:
    entries: list[Entry] = field(default_factory=list)

    def get(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)


Node = Union[Scalar, Sequence, Mapping]


@dataclass(frozen=True)
class QuoteStyle:
    """How strings are written: `requote` rewrites existing ones too; `always` quotes every
    string (else only where YAML needs it); `char` is the quote used."""

    requote: bool = False
    always: bool = False
    char: str = '"'


@dataclass
class Layout:
    root: Mapping
    indent: int  # the indentation step the text uses (2 when it has no nesting)


class Unsupported(ValueError):
    """A value the layout cannot write (a list of mappings, say)."""


@lru_cache(maxsize=1024)
def read(text: str) -> Layout | None:
    """The front-matter's layout, or None when it holds more than the layout can keep.
    Shared between callers: copy it before changing it."""
    from .yaml_layout_reader import read_layout

    return read_layout(text)


def node_for(value: Any) -> Node:
    """A layout node for a JSON value (from a directive); keys and scalars are new."""
    if isinstance(value, dict):
        return Mapping([Entry(str(k), node_for(v)) for k, v in value.items()])
    if isinstance(value, list):
        if any(isinstance(item, (dict, list)) for item in value):
            raise Unsupported("a list of lists or mappings")
        return Sequence([Scalar(item) for item in value])
    return Scalar(value)


def merge_into(mapping: Mapping, value: dict) -> None:
    """Deep-merge a JSON object into a mapping: objects into mappings, anything else replaces;
    new keys go last, existing ones keep their place and their text when unchanged."""
    for key, new in value.items():
        entry = mapping.get(str(key))
        if entry is None:
            mapping.entries.append(Entry(str(key), node_for(new)))
        elif isinstance(entry.value, Mapping) and isinstance(new, dict):
            merge_into(entry.value, new)
        elif not (isinstance(entry.value, Scalar) and _same(entry.value.value, new)):
            entry.value = node_for(new)


def _same(old: Any, new: Any) -> bool:
    return type(old) is type(new) and old == new


def to_data(node: Node) -> Any:
    if isinstance(node, Mapping):
        return {e.key: to_data(e.value) for e in node.entries}
    if isinstance(node, Sequence):
        return [item.value for item in node.items]
    return node.value


# --- writing --------------------------------------------------------------------------------


def emit(mapping: Mapping, indent: int, style: QuoteStyle) -> list[str]:
    """The mapping as YAML lines (no line terminators)."""
    lines: list[str] = []
    _emit_mapping(mapping, 0, indent, style, lines)
    return lines


def _emit_mapping(mapping: Mapping, level: int, indent: int, style: QuoteStyle, out: list[str]) -> None:
    pad = " " * (level * indent)
    for entry in mapping.entries:
        key = entry.key_source if entry.key_source is not None else _string(entry.key, QuoteStyle())
        value = entry.value
        if isinstance(value, Mapping):
            out.append(f"{pad}{key}:" if value.entries else f"{pad}{key}: {{}}")
            _emit_mapping(value, level + 1, indent, style, out)
        elif isinstance(value, Sequence) and (value.flow or not value.items):
            out.append(f"{pad}{key}: [" + ", ".join(scalar_text(i, style) for i in value.items) + "]")
        elif isinstance(value, Sequence):
            out.append(f"{pad}{key}:")
            out.extend(f"{pad}{' ' * indent}- {scalar_text(i, style)}" for i in value.items)
        else:
            text = scalar_text(value, style)
            out.append(f"{pad}{key}: {text}" if text else f"{pad}{key}:")


def scalar_text(scalar: Scalar, style: QuoteStyle) -> str:
    if scalar.source is not None and not (style.requote and isinstance(scalar.value, str)):
        return scalar.source
    value = scalar.value
    if isinstance(value, str):
        return _string(value, style)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    raise Unsupported(f"a {type(value).__name__} value")


def _string(value: str, style: QuoteStyle) -> str:
    if not style.always and plain_ok(value):
        return value
    return quote(value, style.char)


def quote(value: str, char: str) -> str:
    if char == "'" and not any(ord(c) < 32 for c in value):
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars


def _float(value: float) -> str:
    text = json.dumps(value)  # no inf/nan here: the value came from JSON
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:  # YAML readers want a dot: 1e+20 would be a string to some
        mantissa += ".0"
    return mantissa + ("e" + exponent if exponent else "")


@lru_cache(maxsize=4096)
def plain_ok(value: str) -> bool:
    """Is the string read back as the same string when written unquoted, by a YAML 1.1 reader
    and by Mermaid's (JSON schema)?"""
    if not value or value != value.strip() or not PLAIN_START.match(value):
        return False
    if ": " in value or " #" in value or value.endswith(":") or any(ord(c) < 32 for c in value):
        return False
    import yaml  # here: a run answered from the cache needs no YAML

    from .yaml_loader import QuickJsonSchemaLoader, QuickSafeLoader

    document = f"k: {value}\n"
    try:
        return yaml.load(document, Loader=QuickSafeLoader) == {"k": value} == yaml.load(document, Loader=QuickJsonSchemaLoader)
    except yaml.YAMLError:
        return False


def prevailing_style(layouts: list[Layout]) -> QuoteStyle:
    """The quoting most strings of these front-matters use where quoting is optional."""
    quoted = plain = double = single = 0
    for layout in layouts:
        for scalar in _scalars(layout.root):
            if not isinstance(scalar.value, str) or not scalar.source or not plain_ok(scalar.value):
                continue
            first = scalar.source[0]
            quoted += first in "'\""
            plain += first not in "'\""
            double += first == '"'
            single += first == "'"
    return QuoteStyle(always=quoted > plain, char="'" if single > double else '"')


def _scalars(node: Node):
    if isinstance(node, Mapping):
        for entry in node.entries:
            yield from _scalars(entry.value)
    elif isinstance(node, Sequence):
        yield from node.items
    else:
        yield node
