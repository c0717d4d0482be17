from __future__ import annotations

from ..mermaid import load
from ..model import Meaning, Severity
from .base import FixSafety, Rule


class LineBreakForm(Rule):
    """
    What it does: finds line breaks Mermaid accepts but written differently from the
    configured canonical form (option `canonical`, default `<br/>`): `<br>`, `<br />`,
    `<BR>` (and `</br>`, a line break from Mermaid 12.0).

    Why: all of them break the line, but a guide that mixes them is harder to search,
    diff and fix in bulk; Mermaid itself writes `<br/>`.

    Example:
        A[First line<br>second line] --> B[One<br />two]

    Use instead:
        A[First line<br/>second line] --> B[One<br/>two]

    Fix safety: safe - every variant is the same line break to Mermaid.
    """

    code = "ML402"
    name = "line-break-form"
    summary = "A line break not written in the canonical form (default <br/>)"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.BODY})
    options = {"canonical": "<br/>"}

    def check_diagram(self, diagram, ctx):
        canonical = self.option(ctx, "canonical")
        block = diagram.block
        breaks = load().line_break_pattern(ctx.target_version(diagram).version)
        for line in diagram.body:
            for match in breaks.finditer(line.text):
                if match.group() == canonical:
                    continue
                start, end = (line.number, match.start()), (line.number, match.end())
                yield ctx.in_block(
                    self, block, start, end, f"write the line break `{match.group()}` as `{canonical}`",
                    [block.edit(start, end, canonical)], f"replace with {canonical}",
                )
