from __future__ import annotations

from ..model import Severity
from ._bodies import FLOWCHART_TYPES, body_model, line_span
from .base import Rule


class EmptySubgraph(Rule):
    """
    What it does: finds flowchart `subgraph ... end` blocks with no node and no nested
    subgraph in them.

    Why: Mermaid draws an empty box with only a title, usually because the nodes meant for
    it were declared outside (or the `end` came too early).

    Example:
        flowchart TD
            subgraph Backend
            end
            API --> DB

    Use instead:
        flowchart TD
            subgraph Backend
                API --> DB
            end
    """

    code = "ML502"
    name = "empty-subgraph"
    summary = "A flowchart subgraph with nothing in it (an empty box)"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        model = body_model(diagram, *FLOWCHART_TYPES)
        if model is None:
            return
        for subgraph in model.subgraphs:
            if subgraph.node_ids or subgraph.subgraph_ids:
                continue
            start, end = line_span(diagram, subgraph.line)
            name = subgraph.title or subgraph.id or ""
            yield ctx.in_block(self, diagram.block, start, end,
                               f"subgraph '{name}' is empty: Mermaid draws an empty box")
