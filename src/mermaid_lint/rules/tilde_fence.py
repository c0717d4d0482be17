from __future__ import annotations

import re

from ..model import Edit, Severity
from .base import FixSafety, Rule

TILDE_FENCE = re.compile(r"((?:[ \t]*>)*[ \t]*)(~{3,})")
BACKTICK_FENCE = re.compile(r"[ \t]*`{3,}")


class TildeFence(Rule):
    """
    What it does: finds Mermaid blocks fenced with `~~~` instead of backticks (off by
    default).

    Why: one fence style per guide; most renderers and editors show backtick fences best.

    Example:
        ~~~mermaid
        flowchart TD
        ~~~

    Use instead:
        ```mermaid
        flowchart TD
        ```

    A block whose text holds a line starting with backticks is left alone: the new fence
    would end there.

    Fix safety: safe - the same block between other fences; the fixer checks that the note
    still has the same blocks.
    """

    code = "ML806"
    name = "tilde-fence"
    summary = "A Mermaid block fenced with ~~~ instead of backticks"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    default_enabled = False

    def check_note(self, note, ctx):
        if not note.is_markdown:
            return
        for block in note.blocks:
            if not block.closed or any(BACKTICK_FENCE.match(line) for line in block.lines):
                continue
            opener = TILDE_FENCE.match(note.text, block.start)
            closing_start = note.text.rfind("\n", 0, block.end) + 1
            closer = TILDE_FENCE.match(note.text, closing_start)
            if not opener or not closer or "`" in note.text[opener.end() : note.text.find("\n", opener.end())]:
                continue
            edits = [Edit(m.start(2), m.end(2), "`" * len(m.group(2))) for m in (opener, closer)]
            yield ctx.at_offsets(self, opener.start(2), opener.end(2),
                                 "fence this Mermaid block with backticks", edits, "use ``` fences")
