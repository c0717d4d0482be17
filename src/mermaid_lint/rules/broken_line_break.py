from __future__ import annotations

import re

from ..mermaid import load
from ..model import Meaning, Severity
from .base import FixSafety, Rule

# What authors type when they mean a line break: a b and an r, slashes or backslashes around.
BREAK_LIKE = re.compile(r"<\s*[/\\]?\s*b(?:\s*[/\\]\s*)?r\s*[/\\]?\s*>", re.IGNORECASE)


class BrokenLineBreak(Rule):
    """
    What it does: finds line-break tags Mermaid does not recognise, such as `<b/r>`, `</br>`,
    `<br\\>` or `< br / >`.

    Why: Mermaid only breaks a line on `<br>`, `<br/>` or `<br />` (and, from 12.0, `</br>`;
    the target version decides). `<b/r>` is turned into `<b r="">` by the HTML sanitizer: the
    rest of the label becomes bold and there is no line break. Other variants show up as
    literal text or vanish.

    Example:
        D --> E[Status:<b/r>Significant Progress Made]

    Use instead:
        D --> E[Status:<br/>Significant Progress Made]

    Fix safety: safe - a tag made of `b`, `r` and slashes can only have meant a line break.
    """

    code = "ML401"
    name = "broken-line-break"
    summary = "A line-break tag Mermaid does not recognise (e.g. <b/r>)"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.BODY})

    def check_diagram(self, diagram, ctx):
        block = diagram.block
        target = ctx.target_version(diagram)
        breaks = load().line_break_pattern(target.version)
        for line in diagram.body:
            for match in BREAK_LIKE.finditer(line.text):
                if breaks.fullmatch(match.group()):
                    continue
                start, end = (line.number, match.start()), (line.number, match.end())
                yield ctx.in_block(
                    self, block, start, end,
                    f"`{match.group()}` is not a line break in {target}; use `<br/>`",
                    [block.edit(start, end, "<br/>")], "replace with <br/>",
                )
