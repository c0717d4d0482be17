from __future__ import annotations

from ..model import Meaning, Severity
from .base import FixSafety, Rule


class SyntaxError_(Rule):
    """
    What it does: parses the diagram body with a grammar that follows Mermaid's own and
    reports the first place real Mermaid would reject, with what was expected and, for the
    common cases, a hint. Diagram types without a grammar yet are passed through
    (`mermaid-lint rules` lists the checked types).

    Why: Mermaid shows "Syntax error in text" (or nothing) instead of the diagram; finding the
    unquoted `(` in a long label by hand is slow.

    Example:
        flowchart TD
            A[Start (beta)] --> B

    Use instead:
        flowchart TD
            A["Start (beta)"] --> B

    Fix safety: safe - only a flowchart label (node, `|edge|`, subgraph title) or a class
    label that Mermaid breaks off at a bracket, a quote or another special character is
    fixed, by quoting it: every such label of the diagram at once, and only when the diagram
    then parses. A `"` inside becomes `#quot;`, which Mermaid shows as a quote, so the text
    shown stays the same. A label whose end is unclear (crossed brackets, an arrow inside,
    already half quoted) is reported, not fixed.
    """

    code = "ML003"
    name = "syntax-error"
    summary = "The diagram body does not parse: Mermaid will not render it"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.BODY})  # the label's quoting (the text shown stays)

    def check_diagram(self, diagram, ctx):
        result = diagram.parsed_body
        error = result and (result.error or _error_on_blank_lines(diagram, result))
        if error is None:
            return
        block = diagram.block
        line = min(error.line, len(block.lines) - 1)
        column = min(error.column, len(block.lines[line]))
        message = f"Mermaid cannot parse this {result.diagram_type}: {error.message}"
        if error.expected:
            message += f" (expected {', '.join(error.expected[:6])})"
        if error.hint:
            message += f"; {error.hint}"
        end = (line, min(column + 1, len(block.lines[line])) if block.lines[line] else column)
        edits, description = [], ""
        if error.fix is not None:
            edits = [block.edit(e.start, e.end, e.text) for e in error.fix.edits]
            description = error.fix.description
        yield ctx.in_block(self, block, (line, column), end, message, edits, description)


def _error_on_blank_lines(diagram, result):
    """The error Mermaid gives because of blank lines, when every empty line the parser saw is
    blank in the source too. (The parsers see comment lines as empty lines; Mermaid deletes
    comments but keeps blank lines, so with comments in the body we cannot tell.)"""
    error = result.extra.get("error_if_empty_lines_are_blank")
    if error is None or diagram.header is None:
        return None
    header = diagram.header.number
    removed = [c.number for c in diagram.comments] + [d.end[0] for d in diagram.directives]
    return None if any(line > header for line in removed) else error
