"""Access to a diagram's parsed body for the rules (no rules here)."""

from __future__ import annotations

from typing import Any

from ..model import Diagram

FLOWCHART_TYPES = ("flowchart", "graph", "flowchart-elk")


def body_model(diagram: Diagram, *diagram_types: str) -> Any:
    """The body model of a diagram of one of these types that parsed; None otherwise (a
    syntax error is syntax-error's finding, not a reason to guess)."""
    if diagram.diagram_type not in diagram_types:
        return None
    result = diagram.parsed_body
    if result is None or result.error is not None:
        return None
    return result.model


def line_span(diagram: Diagram, line: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The non-blank extent of a block line, for pointing at a whole statement."""
    text = diagram.block.lines[line]
    return (line, len(text) - len(text.lstrip())), (line, len(text.rstrip()))
