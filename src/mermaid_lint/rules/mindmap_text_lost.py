from __future__ import annotations

from ..model import Severity
from ._bodies import body_model
from .base import Rule


class MindmapTextLost(Rule):
    """
    What it does: finds mindmap nodes whose text ends in `(...)`, `[...]`, `((...))`,
    `{{...}}` or `))...((` after other words, so that Mermaid reads the ending as the node's
    shape and the words before it as the node's id.

    Why: a mindmap node is `id` or `id(shape text)`; only the shape text is displayed.
    "Adoption :: 650M+ Downloads (Doubled in 3 months)" shows only "Doubled in 3 months" -
    the rest of the text is silently lost.

    Example:
        mindmap
          root((Llama))
            Adoption :: 650M+ Downloads (Doubled in 3 months)

    Use instead:
        mindmap
          root((Llama))
            Adoption :: 650M+ Downloads - doubled in 3 months
    """

    code = "ML404"
    name = "mindmap-text-lost"
    summary = "Mindmap text ending in (...) or [...] becomes a shape: the words before it vanish"
    severity = Severity.ERROR

    def check_diagram(self, diagram, ctx):
        model = body_model(diagram, "mindmap")
        if model is None:
            return
        for node in model.nodes:
            # Text before the shape with a space in it is prose, not an identifier (`root((R))`):
            # the author meant it to be shown. `("text")` has no text before the shape.
            if node.delimiters is None or node.raw.lstrip().startswith(node.delimiters[0]):
                continue
            if not any(c.isspace() for c in node.id.strip()):
                continue
            lost = node.id.strip()
            yield ctx.in_block(
                self, diagram.block, (node.line, node.column), (node.line, node.column + len(node.raw)),
                f"Mermaid shows only \"{node.text}\": \"{lost}\" is read as the node's id and is not displayed "
                f"(a trailing `{node.delimiters[0]}...{node.delimiters[1]}` is a node shape)",
            )
