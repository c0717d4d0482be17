"""Diagram bodies: one module per diagram type, each with its Lark grammar in `grammars/`.

A module declares `DIAGRAM_TYPES` (the header keywords it reads) and `parse(text) -> BodyResult`.
`text` is the whole block with front-matter, directive and `%%` comment lines blanked, so line
numbers are the block's own. Types without a module are passed through (no false alarms).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Callable


@dataclass(frozen=True)
class TextEdit:
    """Replace the block's text from `start` to `end` (0-based (line, column), one line)."""

    start: tuple[int, int]
    end: tuple[int, int]
    text: str


@dataclass(frozen=True)
class BodyFix:
    """Edits after which the body parses, for a mistake whose repair is certain."""

    edits: tuple[TextEdit, ...]
    description: str


@dataclass(frozen=True)
class BodySyntaxError:
    line: int  # 0-based line in the block
    column: int  # 0-based column in that line
    message: str
    expected: tuple[str, ...] = ()
    hint: str | None = None
    fix: BodyFix | None = None  # only when the author's intent is certain


@dataclass(frozen=True)
class ClassDef:
    """A `classDef` name, in the diagram types that have them."""

    name: str
    line: int


@dataclass
class BodyResult:
    diagram_type: str
    error: BodySyntaxError | None = None
    # The per-type model (nodes, edges, tasks, tree ...) when the body parsed.
    model: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@cache
def _parsers() -> dict[str, Callable[[str], BodyResult]]:
    found: dict[str, Callable[[str], BodyResult]] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for diagram_type in getattr(module, "DIAGRAM_TYPES", ()):
            found[diagram_type] = module.parse
    return found


def supported_types() -> frozenset[str]:
    return frozenset(_parsers())


def parse_body(diagram_type: str, text: str) -> BodyResult | None:
    """Parse a block's body; None when the type has no grammar yet."""
    parse = _parsers().get(diagram_type)
    return parse(text) if parse else None
