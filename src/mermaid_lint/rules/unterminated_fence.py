from __future__ import annotations

from ..model import Severity
from .base import Rule


class UnterminatedFence(Rule):
    """
    What it does: finds a ```` ```mermaid ```` fence that is never closed.

    Why: Markdown then renders the rest of the note as one code block, and the diagram
    (with everything after it) is not a diagram at all. mermaid-lint cannot check it either.

    Example:
        ```mermaid
        graph TD
          A --> B
        ## Next section

    Use instead:
        ```mermaid
        graph TD
          A --> B
        ```
        ## Next section
    """

    code = "ML001"
    name = "unterminated-fence"
    summary = "A Mermaid fence is never closed"
    severity = Severity.ERROR
    fatal = True

    def check_note(self, note, ctx):
        for block in note.blocks:
            if not block.closed:
                start = block.start
                yield ctx.at_offsets(
                    self, start, start + len(note.text[start:].split("\n", 1)[0].rstrip("\r")),
                    "this mermaid fence is never closed: the rest of the note is swallowed; add the closing fence",
                )
