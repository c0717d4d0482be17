from __future__ import annotations

from ..model import Severity
from ._bodies import FLOWCHART_TYPES, body_model, line_span
from .base import Rule


class NodeRedefined(Rule):
    """
    What it does: finds a flowchart node id given a label or shape a second time, different
    from the first (`A[Start]` ... `A(Begin)`).

    Why: Mermaid keeps one node per id and the last definition wins, so the first label is
    silently replaced. Usually two different nodes were meant and got the same id.

    Example:
        flowchart TD
            A[Load data] --> B[Train]
            B --> A[Evaluate]

    Use instead:
        flowchart TD
            A[Load data] --> B[Train]
            B --> C[Evaluate]
    """

    code = "ML503"
    name = "node-redefined"
    summary = "A flowchart node id defined again with another label or shape (the last wins)"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        model = body_model(diagram, *FLOWCHART_TYPES)
        if model is None:
            return
        first: dict[str, object] = {}
        for node in model.nodes:
            if node.label is None and node.shape is None:
                continue  # a bare reference does not define anything
            earlier = first.setdefault(node.id, node)
            if earlier is node or (earlier.label, earlier.shape) == (node.label, node.shape):
                continue
            start, end = line_span(diagram, node.line)
            yield ctx.in_block(
                self, diagram.block, start, end,
                f"node `{node.id}` is redefined as '{node.label}' ({node.shape}); it was '{earlier.label}' "
                f"({earlier.shape}) on line {diagram.block.file_line(earlier.line)} and only the last one is shown",
            )
