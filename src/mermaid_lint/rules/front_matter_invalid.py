from __future__ import annotations

from ..model import Severity
from .base import Rule


class FrontMatterInvalid(Rule):
    """
    What it does: reports a diagram front-matter block that is not valid YAML, or whose
    closing `---` is missing.

    Why: Mermaid fails to render the diagram ("Diagram front-matter is not valid"); an
    unclosed block swallows the diagram itself.

    Example:
        ---
        title: "Growth: 2024
        ---
        graph TD

    Use instead:
        ---
        title: "Growth: 2024"
        ---
        graph TD
    """

    code = "ML002"
    name = "front-matter-invalid"
    summary = "Diagram front-matter is not valid YAML or is not closed"
    severity = Severity.ERROR
    fatal = True

    def check_diagram(self, diagram, ctx):
        front = diagram.front_matter
        if front is None:
            return
        block = diagram.block
        if front.close_line is None:
            yield ctx.in_block(self, block, (front.open_line, 0), (front.open_line, 3),
                               "front-matter `---` is never closed: Mermaid cannot parse this diagram")
        elif front.problem is not None:
            problem = front.problem
            yield ctx.in_block(self, block, (problem.line, problem.column), (problem.line, problem.column + 1),
                               f"front-matter is {problem.message}: Mermaid cannot parse this diagram")
