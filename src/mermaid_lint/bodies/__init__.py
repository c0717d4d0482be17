"""Diagram bodies: one module per diagram type, each with its Lark grammar in `grammars/`.

A module has `parse(text) -> BodyResult`; BODY_MODULES names the header keywords it reads.
`text` is the whole block with front-matter, directive and `%%` comment lines blanked, so line
numbers are the block's own. Types without a module are passed through (no false alarms).
"""

from __future__ import annotations

import importlib
from collections import OrderedDict
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


# Header keyword -> the module that parses that body; a module is imported on first use, so
# a note of flowcharts never loads the other grammars.
BODY_MODULES = {
    "flowchart": "flowchart", "graph": "flowchart", "flowchart-elk": "flowchart",
    "classDiagram": "class_diagram", "classDiagram-v2": "class_diagram",
    "stateDiagram": "state", "stateDiagram-v2": "state",
    "sequenceDiagram": "sequence",
    "erDiagram": "er",
    "gantt": "gantt",
    "mindmap": "mindmap",
    "pie": "pie",
    "timeline": "timeline",
}


@cache
def _parser(module_name: str) -> Callable[[str], BodyResult]:
    return importlib.import_module(f"{__name__}.{module_name}").parse


def supported_types() -> frozenset[str]:
    return frozenset(BODY_MODULES)


# (diagram type, body text) -> its BodyResult, the least recently used dropped first: the
# meaning checks compare the rules' parse with edited copies, `fix` loads each note it changes
# again with many of its diagrams as they were, a note may repeat a diagram. A result is
# never changed once made.
_PARSED: OrderedDict[tuple[str, str], BodyResult] = OrderedDict()
PARSED_KEPT = 64


def parse_body(diagram_type: str, text: str) -> BodyResult | None:
    """Parse a block's body; None when the type has no grammar yet."""
    module_name = BODY_MODULES.get(diagram_type)
    if module_name is None:
        return None
    key = (diagram_type, text)
    result = _PARSED.get(key)
    if result is not None:
        _PARSED.move_to_end(key)
        return result
    result = _PARSED[key] = _parser(module_name)(text)
    if len(_PARSED) > PARSED_KEPT:
        _PARSED.popitem(last=False)
    return result
