from __future__ import annotations

import re

from ..model import Meaning, Severity
from .base import FixSafety, Rule

# What authors type when they mean a line break: a b and an r, slashes or backslashes around.
BREAK_LIKE = re.compile(r"<\s*[/\\]?\s*b(?:\s*[/\\]\s*)?r\s*[/\\]?\s*>", re.IGNORECASE)
# Mermaid's own line-break pattern (lineBreakRegex in common.ts).
MERMAID_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


class BrokenLineBreak(Rule):
    """
    What it does: finds line-break tags Mermaid does not recognise, such as `<b/r>`, `</br>`,
    `<br\\>` or `< br / >`.

    Why: Mermaid only breaks a line on `<br>`, `<br/>` or `<br />`. `<b/r>` is turned into
    `<b r="">` by the HTML sanitizer: the rest of the label becomes bold and there is no
    line break. Other variants show up as literal text or vanish.

    Example:
        D --> E[Status:<b/r>Significant Progress Made]

    Use instead:
        D --> E[Status:<br/>Significant Progress Made]
    """

    code = "ML401"
    name = "broken-line-break"
    summary = "A line-break tag Mermaid does not recognise (e.g. <b/r>)"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.BODY})

    def check_diagram(self, diagram, ctx):
        block = diagram.block
        for line in diagram.body:
            for match in BREAK_LIKE.finditer(line.text):
                if MERMAID_BREAK.fullmatch(match.group()):
                    continue
                start, end = (line.number, match.start()), (line.number, match.end())
                yield ctx.in_block(
                    self, block, start, end,
                    f"`{match.group()}` is not a line break in Mermaid; use `<br/>`",
                    [block.edit(start, end, "<br/>")], "replace with <br/>",
                )
