from __future__ import annotations

from ..model import Severity
from ._bodies import FLOWCHART_TYPES, body_model, line_span
from .base import Rule


class UndefinedNodeReference(Rule):
    """
    What it does: finds flowchart `class`, `click` and `style` statements naming a node
    that is not defined (no node, subgraph or edge id of that name) - for `class` and
    `click`, not defined *before* the statement.

    Why: Mermaid applies `class` and `click` when it reads them, to the nodes that exist at
    that moment: a typo or a statement placed above the node silently does nothing. `style`
    on an unknown id creates a new, unconnected node with that name.

    Example:
        flowchart TD
            Start --> Stop
            class Strat highlight
            style Stpo fill:#f96

    Use instead:
        flowchart TD
            Start --> Stop
            class Start highlight
            style Stop fill:#f96
    """

    code = "ML504"
    name = "undefined-node-reference"
    summary = "class/click/style naming a node that is not defined (no effect, or a stray node)"
    severity = Severity.ERROR

    def check_diagram(self, diagram, ctx):
        model = body_model(diagram, *FLOWCHART_TYPES)
        if model is None:
            return
        defined_at: dict[str, int] = {}
        for node in model.nodes:
            defined_at.setdefault(node.id, node.line)
        for edge in model.edges:
            if edge.id:
                defined_at.setdefault(edge.id, edge.line)
        for subgraph in model.subgraphs:
            if subgraph.id:
                defined_at.setdefault(subgraph.id, subgraph.end_line)
        references = [(ref.node_id, ref.line, "click") for ref in model.clicks]
        references += [(node_id, a.line, "class") for a in model.class_assignments for node_id in a.node_ids]
        references += [(ref.node_id, ref.line, "style") for ref in model.styles]
        for node_id, line, statement in sorted(references, key=lambda r: r[1]):
            where = defined_at.get(node_id)
            if statement == "style":
                if where is not None:
                    continue
                problem = "is not defined: `style` creates a new, unconnected node with that name"
            elif where is None:
                problem = f"is not defined: this `{statement}` has no effect"
            elif where > line:
                problem = (f"is defined only later (line {diagram.block.file_line(where)}): Mermaid applies "
                           f"`{statement}` when it reads it, so it has no effect")
            else:
                continue
            start, end = line_span(diagram, line)
            yield ctx.in_block(self, diagram.block, start, end, f"`{node_id}` {problem}")
