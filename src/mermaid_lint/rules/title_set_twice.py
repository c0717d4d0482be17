from __future__ import annotations

from ..mermaid import load
from ..model import Severity
from .base import Rule


class TitleSetTwice(Rule):
    """
    What it does: finds a diagram with a `title` in its front-matter and a `title`
    statement in its body (gantt, pie, journey, timeline, sequence, xychart, quadrant, ...).

    Why: Mermaid sets the front-matter title before it parses the body, and the body's
    `title` statement replaces it, so the front-matter title is silently not shown. Two
    titles drift apart; readers of the source see one and the picture shows the other.

    Example:
        ---
        title: Llama Model Evolution Timeline (2024)
        ---
        gantt
            title Llama Model Releases 2024

    Use instead:
        ---
        title: Llama Model Evolution Timeline (2024)
        ---
        gantt
    """

    code = "ML204"
    name = "title-set-twice"
    summary = "A title in front-matter and a `title` statement: the statement wins"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        front = diagram.front_matter
        diagram_type = diagram.diagram_type
        if front is None or not isinstance(front.data, dict) or not front.data.get("title"):
            return
        if not diagram_type or not load().has_title_statement(diagram_type):
            return
        for line in [diagram.header, *diagram.body]:
            words = line.text.split()
            at = 1 if line is diagram.header else 0  # `pie title Pets` has it on the header line
            if len(words) > at and words[at] == "title":
                start = line.text.index("title", len(line.text) - len(line.text.lstrip()) + len(words[0]) * at)
                front_title = front.data["title"]
                located = front.locations.get(("title",))
                where = f" (line {diagram.block.file_line(located.key_start[0])})" if located else ""
                yield ctx.in_block(
                    self, diagram.block, (line.number, start), (line.number, len(line.text)),
                    f"this `title` replaces the front-matter title '{front_title}'{where}, which Mermaid does not show",
                )
                return
