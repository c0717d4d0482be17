from __future__ import annotations

from ..model import Meaning, Severity
from .base import FixSafety, Rule


class GraphHeader(Rule):
    """
    What it does: finds flowcharts declared with the old `graph` keyword (off by default).

    Why: `flowchart` is the keyword Mermaid's documentation uses and the one newer features
    (shapes with `@{}`, `flowchart-elk`) are written for; one keyword for one diagram type
    reads consistently.

    Example:
        graph TD
            A --> B

    Use instead:
        flowchart TD
            A --> B

    Fix safety: safe - Mermaid draws `graph` and `flowchart` with the same parser and
    renderer; the fixer checks that only the keyword changed.
    """

    code = "ML805"
    name = "graph-header"
    summary = "A flowchart declared with the old `graph` keyword"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.TYPE})
    default_enabled = False

    def check_diagram(self, diagram, ctx):
        header = diagram.header
        if header is None or diagram.diagram_type != "graph":
            return
        start = (header.number, header.text.index("graph"))
        end = (start[0], start[1] + len("graph"))
        yield ctx.in_block(self, diagram.block, start, end, "use `flowchart` instead of `graph`",
                           [diagram.block.edit(start, end, "flowchart")], "replace graph with flowchart")
