from __future__ import annotations

import re

from ..model import Severity
from .base import Rule

NOT_WORD = re.compile(r"[\W_]+")


def _comparable(text: str) -> str:
    """Case, punctuation, emphasis marks and spacing do not count."""
    return NOT_WORD.sub(" ", str(text)).strip().casefold()


class TitleHeadingMismatch(Rule):
    """
    What it does: finds a diagram whose front-matter `title` differs from the nearest
    Markdown heading above it (ignoring case, punctuation and spacing). With the option
    `first_only` (default true) only the first diagram under a heading is compared; later
    ones often show a detail with its own title. Off by default; the guides preset turns it
    on.

    Why: in a guide the heading and the diagram title name the same thing; when one is
    renamed and the other is not, the table of contents and the picture disagree.

    Example:
        ## Llama Model Evolution Timeline (2024)
        ```mermaid
        ---
        title: "Llama Model Releases"
        ---

    Use instead:
        ## Llama Model Evolution Timeline (2024)
        ```mermaid
        ---
        title: "Llama Model Evolution Timeline (2024)"
        ---
    """

    code = "ML702"
    name = "title-heading-mismatch"
    summary = "Front-matter title differs from the heading above the diagram (guides)"
    severity = Severity.WARNING
    default_enabled = False
    options = {"first_only": True}

    def check_note(self, note, ctx):
        first_only = self.option(ctx, "first_only")
        by_block = {d.block.index: d for d in note.diagrams}
        compared_headings: set[int] = set()
        for block in note.blocks:
            diagram = by_block.get(block.index)
            heading = next((h for h in reversed(note.headings) if h.start < block.start), None)
            if diagram is None or heading is None:
                continue
            if first_only and heading.line in compared_headings:
                continue
            compared_headings.add(heading.line)
            front = diagram.front_matter
            title = front.data.get("title") if front and isinstance(front.data, dict) else None
            located = front.locations.get(("title",)) if front else None
            if not title or located is None or _comparable(title) == _comparable(heading.text):
                continue
            yield ctx.in_block(
                self, block, located.value_start, located.value_end,
                f"title '{title}' differs from the heading above it, '{heading.text.strip()}' (line {heading.line + 1})",
            )
