from __future__ import annotations

from ..model import Meaning, Severity
from .base import FixSafety, Rule


class FrontMatterNotFirst(Rule):
    """
    What it does: finds a front-matter block (`---` ... `---`) that does not start on the
    first line of the diagram: a blank line, a `%%` comment or a directive comes before it.

    Why: Mermaid only reads front-matter at the very start of the diagram text. Anywhere
    else the `---` lines and the YAML are read as diagram text: `mermaid.parse` and
    `mermaid.render` fail, and renderers that trim the text first still lose any comment or
    directive placed above it.

    Example:
        ```mermaid

        ---
        config:
          theme: dark
        ---
        flowchart TD
        ```

    Use instead:
        ```mermaid
        ---
        config:
          theme: dark
        ---
        flowchart TD
        ```

    Fix safety: safe when only blank lines come first: they are removed. Otherwise the
    finding is only reported.
    """

    code = "ML202"
    name = "front-matter-not-first"
    summary = "Front-matter that is not at the very start of the diagram (Mermaid does not read it)"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.CONFIG, Meaning.TYPE, Meaning.BODY})

    def check_diagram(self, diagram, ctx):
        if not diagram.misplaced_front_matter:
            return
        block = diagram.block
        line = diagram.header.number
        before = block.lines[:line]
        edits = [block.replace_lines(0, line - 1, [])] if all(not text.strip() for text in before) else []
        what = "blank lines" if edits else "other lines"
        yield ctx.in_block(
            self, block, (line, 0), (line, len(block.lines[line])),
            f"front-matter must be the first line of the diagram; {what} before it make Mermaid read it as diagram text",
            edits, "remove the blank lines before the front-matter",
        )
