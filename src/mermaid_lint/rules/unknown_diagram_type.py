from __future__ import annotations

import difflib

from ..mermaid import load
from ..model import Severity
from .base import Rule


class UnknownDiagramType(Rule):
    """
    What it does: checks that the first line after the front-matter, directives and comments
    names a diagram type Mermaid knows (`flowchart`, `sequenceDiagram`, `mindmap`, ...), with a
    did-you-mean. Types that need a plugin (`zenuml`) are not reported.

    Why: Mermaid fails with "No diagram type detected" and shows an error instead of the
    diagram. Keywords are case-sensitive (`gitGraph`, not `gitgraph`), and a mindmap or
    flowchart body without its header line is not recognised.

    Example:
        sequencediagram
            Alice->>Bob: Hi

    Use instead:
        sequenceDiagram
            Alice->>Bob: Hi
    """

    code = "ML004"
    name = "unknown-diagram-type"
    summary = "The block does not start with a diagram type Mermaid knows"
    severity = Severity.ERROR

    def check_diagram(self, diagram, ctx):
        if diagram.misplaced_front_matter or diagram.front_matter and diagram.front_matter.close_line is None:
            return  # front-matter problems have their own rules
        block = diagram.block
        if diagram.header is None:
            if any(line.strip() for line in block.lines):
                yield ctx.in_block(self, block, (0, 0), (0, len(block.lines[0])),
                                   "this block has no diagram: no line names a diagram type")
            return
        kind = diagram.diagram_type
        known = load().data["diagram_types"]
        if kind in known:
            return
        suggestion = _suggest(kind, list(known))
        line = diagram.header
        column = len(line.text) - len(line.text.lstrip())
        message = f"`{kind}` is not a Mermaid diagram type: Mermaid will not render this block"
        if suggestion:
            message += f"; did you mean `{suggestion}`?"
        yield ctx.in_block(self, block, (line.number, column), (line.number, column + len(kind)), message)


def _suggest(kind: str, known: list[str]) -> str | None:
    by_lower = {k.lower(): k for k in known}
    if kind.lower() in by_lower:
        return by_lower[kind.lower()]
    close = difflib.get_close_matches(kind.lower(), list(by_lower), n=1, cutoff=0.7)
    return by_lower[close[0]] if close else None
