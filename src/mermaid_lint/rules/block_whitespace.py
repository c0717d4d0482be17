from __future__ import annotations

from ..meaning import harmless_changes, quote_states
from ..model import Diagram, Severity
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
        last_text = max(i for i, line in enumerate(lines) if line.strip())
        kept = _meaningful_ends(diagram)
        # Blank lines inside a quoted label that never closes are part of it.
        drop_blank = self.option(ctx, "blank_lines_before_fence") and last_text not in kept
        wanted: dict[int, str | None] = {}
        if self.option(ctx, "trailing_whitespace"):
            for i, line in enumerate(lines[: last_text + 1 if drop_blank else None]):
                if line != line.rstrip(" \t") and i not in kept:
                    wanted[i] = line.rstrip(" \t")
        if drop_blank:
            wanted.update((i, None) for i in range(last_text + 1, len(lines)))
        changed = harmless_changes(diagram, wanted)
        trailing = [i for i in changed if wanted[i] is not None]
        blank = [i for i in changed if wanted[i] is None]
        if blank != list(range(last_text + 1, len(lines))):
            blank = []
        edits, problems = [block.replace_lines(i, i, [wanted[i]]) for i in trailing], []
        if trailing:
            problems.append(f"trailing whitespace on {len(trailing)} line(s)")
        if blank:
            edits.append(block.replace_lines(blank[0], blank[-1], []))
            problems.append(f"{len(blank)} blank line(s) before the end of the block")
        if edits:
            first = trailing[0] if trailing else blank[0]
            start = (first, len(lines[first].rstrip(" \t")))
            yield ctx.in_block(self, block, start, (first, len(lines[first])), "; ".join(problems), edits,
                               "remove the whitespace")


def _meaningful_ends(diagram: Diagram) -> set[int]:
    """Lines whose trailing whitespace is content: inside a quoted label that continues on
    the next line, or in front-matter YAML whose value it is part of (a block scalar)."""
    states = quote_states(diagram.masked_text().split("\n"))
    kept = {i for i, (_, open_at_end) in enumerate(states) if open_at_end}
    front = diagram.front_matter
    if front is not None and front.problem is None and front.text != (stripped := _strip_line_ends(front.text)):
        import yaml  # here: a run answered from the cache needs no YAML

        from ..yaml_loader import QuickJsonSchemaLoader

        try:
            same = yaml.load(stripped, Loader=QuickJsonSchemaLoader) == front.data
        except yaml.YAMLError:
            same = False
        if not same:
            kept.update(range(front.open_line + 1, front.open_line + 1 + front.text.count("\n")))
    return kept


def _strip_line_ends(text: str) -> str:
    return "\n".join(line.rstrip(" \t") for line in text.split("\n"))
