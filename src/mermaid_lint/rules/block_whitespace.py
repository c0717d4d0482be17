from __future__ import annotations

import yaml

from ..meaning import quote_states
from ..model import Diagram, Severity
from ..yaml_loader import JsonSchemaLoader
from .base import FixSafety, Rule


class BlockWhitespace(Rule):
    """
    What it does: finds trailing spaces or tabs on the lines of a Mermaid block, and blank
    lines before its closing fence.

    Why: invisible whitespace makes diffs noisy and differs from editor to editor; Mermaid
    ignores it. Whitespace at the end of a line inside a quoted label that goes on to the
    next line is part of the label and is left alone.

    Example:
        flowchart TD
            A --> B␠␠

        ```

    Use instead:
        flowchart TD
            A --> B
        ```

    Options: `trailing_whitespace` (true), `blank_lines_before_fence` (true).

    Fix safety: safe - the fixer checks that the diagram's statements are unchanged.
    """

    code = "ML803"
    name = "block-whitespace"
    summary = "Trailing whitespace, or blank lines before the closing fence, in a Mermaid block"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    options = {"trailing_whitespace": True, "blank_lines_before_fence": True}

    def check_diagram(self, diagram, ctx):
        block = diagram.block
        lines = block.lines
        if not any(line.strip() for line in lines):
            return
        edits, problems = [], []
        first_problem = None
        last_text = max(i for i, line in enumerate(lines) if line.strip())
        drop_blank = self.option(ctx, "blank_lines_before_fence")
        if self.option(ctx, "trailing_whitespace"):
            kept = _meaningful_ends(diagram)
            trailing = [i for i, line in enumerate(lines[: last_text + 1 if drop_blank else None])
                        if line != line.rstrip(" \t") and i not in kept]
            for i in trailing:
                edits.append(block.edit((i, len(lines[i].rstrip(" \t"))), (i, len(lines[i])), ""))
            if trailing:
                problems.append(f"trailing whitespace on {len(trailing)} line(s)")
                first_problem = (trailing[0], len(lines[trailing[0]].rstrip(" \t")))
        if drop_blank and last_text < len(lines) - 1:
            edits.append(block.replace_lines(last_text + 1, len(lines) - 1, []))
            problems.append(f"{len(lines) - 1 - last_text} blank line(s) before the end of the block")
            first_problem = first_problem or (last_text + 1, 0)
        if edits:
            end = (first_problem[0], len(lines[first_problem[0]]))
            yield ctx.in_block(self, block, first_problem, end, "; ".join(problems), edits,
                               "remove the whitespace")


def _meaningful_ends(diagram: Diagram) -> set[int]:
    """Lines whose trailing whitespace is content: inside a quoted label that continues on
    the next line, or in front-matter YAML whose value it is part of (a block scalar)."""
    states = quote_states(diagram.masked_text().split("\n"))
    kept = {i for i, (_, open_at_end) in enumerate(states) if open_at_end}
    front = diagram.front_matter
    if front is not None and front.problem is None:
        stripped = "\n".join(line.rstrip(" \t") for line in front.text.split("\n"))
        try:
            same = yaml.load(stripped, Loader=JsonSchemaLoader) == front.data
        except yaml.YAMLError:
            same = False
        if not same:
            kept.update(range(front.open_line + 1, front.open_line + 1 + front.text.count("\n")))
    return kept
