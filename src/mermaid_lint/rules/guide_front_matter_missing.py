from __future__ import annotations

from ..model import Severity
from .base import Rule


class GuideFrontMatterMissing(Rule):
    """
    What it does: in a file where most diagrams have front-matter, finds the diagrams that
    have none. Off by default; the guides preset turns it on.

    Why: a guide that gives every diagram a title, author and theme in front-matter looks
    and attributes them consistently; the one diagram without it renders with the default
    theme and no title, usually because it was pasted from elsewhere.

    Example:
        five diagrams that start with `---` front-matter, and one that starts with `graph TD`

    Use instead:
        give that diagram the same front-matter as the others
    """

    code = "ML703"
    name = "guide-front-matter-missing"
    summary = "A diagram without front-matter in a file whose other diagrams have it (guides)"
    severity = Severity.WARNING
    default_enabled = False

    def check_note(self, note, ctx):
        without = [d for d in note.diagrams if d.front_matter is None and not d.misplaced_front_matter]
        with_count = len(note.diagrams) - len(without)
        if not without or with_count <= len(without):
            return
        for diagram in without:
            line = diagram.header.number if diagram.header else 0
            text = diagram.block.lines[line] if diagram.block.lines else ""
            yield ctx.in_block(
                self, diagram.block, (line, 0), (line, len(text)),
                f"this diagram has no front-matter while {with_count} of the {len(note.diagrams)} diagrams in this file have it",
            )
