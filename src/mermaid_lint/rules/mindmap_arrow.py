from __future__ import annotations

import re

from ..model import Severity
from ._bodies import body_model
from .base import Rule

ARROW = re.compile(r"\s(?:<?-{2,}>|<?={2,}>|<?-\.+->|-{3,})\s")


class MindmapArrow(Rule):
    """
    What it does: finds flowchart arrows (`-->`, `---`, `==>`, `-.->`) in mindmap nodes.

    Why: a mindmap has no edges: the tree comes from indentation only. `A --> B` inside a
    mindmap is one node whose text is "A --> B"; at the top level it is a second root and
    Mermaid fails ("There can be only one root").

    Example:
        mindmap
          root((Pipeline))
            Tokenizer --> Encoder

    Use instead:
        mindmap
          root((Pipeline))
            Tokenizer
              Encoder
    """

    code = "ML405"
    name = "mindmap-arrow"
    summary = "A flowchart arrow in a mindmap node: shown as text, not an edge"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        model = body_model(diagram, "mindmap")
        if model is None:
            return
        for node in model.nodes:
            match = ARROW.search(f" {node.text} ")
            if match:
                yield ctx.in_block(
                    self, diagram.block, (node.line, node.column), (node.line, node.column + len(node.raw)),
                    f"`{match.group().strip()}` is not an edge in a mindmap: this node shows it as text; "
                    "use indentation to make a child node",
                )
