from __future__ import annotations

from ..model import Severity
from ._bodies import FLOWCHART_TYPES, body_model, line_span
from .base import Rule


class UnusedClassDef(Rule):
    """
    What it does: finds flowchart `classDef` styles that no node uses (neither `class X
    name` nor `X:::name`). The `default` class applies to every node and is never unused.

    Why: an unused style is dead text; most often a node was meant to use it and the
    `class` line or `:::name` was forgotten or misspelt, so the node is not styled.

    Example:
        flowchart TD
            classDef warn fill:#f96
            A --> B

    Use instead:
        flowchart TD
            classDef warn fill:#f96
            A --> B:::warn
    """

    code = "ML505"
    name = "unused-class-def"
    summary = "A flowchart classDef no node uses"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        model = body_model(diagram, *FLOWCHART_TYPES)
        if model is None:
            return
        used = {a.class_name for a in model.class_assignments}
        reported: set[str] = set()
        for class_def in model.class_defs:
            for name in (n.strip() for n in class_def.name.split(",")):
                if name == "default" or name in used or name in reported:
                    continue
                reported.add(name)
                start, end = line_span(diagram, class_def.line)
                yield ctx.in_block(self, diagram.block, start, end, f"classDef `{name}` is never used")
