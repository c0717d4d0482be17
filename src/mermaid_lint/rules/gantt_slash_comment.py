from __future__ import annotations

import re

from ..model import Meaning, Severity
from .base import FixSafety, Rule

# A `//` after the task's `:` that is not part of a URL (preceded by blank or by `,`).
SLASH_COMMENT = re.compile(r"^(?P<indent>\s*)(?P<task>[^:%][^:]*:(?:(?!//).)*?)[ \t]*(?<!:)//[ \t]*(?P<text>.*)$")


class GanttSlashComment(Rule):
    """
    What it does: finds gantt task lines with a trailing `// comment`.

    Why: `//` is not a comment in Mermaid; the text becomes part of the task's duration, the
    duration is then invalid and the task is drawn with zero width - silently.

    Example:
        Llama 3 Introduced :a1, 2024-01, 1M  // Approximate start of year

    Use instead:
        %% Approximate start of year
        Llama 3 Introduced :a1, 2024-01, 1M

    Fix safety: safe - the comment text moves to a `%%` line above the task, so nothing is
    lost and the task gets the duration the author wrote.
    """

    code = "ML501"
    name = "gantt-slash-comment"
    summary = "A `//` comment on a gantt task line zeroes the task"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.BODY})

    def check_diagram(self, diagram, ctx):
        if diagram.diagram_type != "gantt":
            return
        block = diagram.block
        for line in diagram.body:
            match = SLASH_COMMENT.match(line.text)
            if not match or match.group("task").lstrip().startswith("click "):
                continue
            indent, task, text = match.group("indent", "task", "text")
            slash = line.text.index("//", match.end("task"))
            replacement = [f"{indent}%% {text}".rstrip(), f"{indent}{task}"] if text else [f"{indent}{task}"]
            yield ctx.in_block(
                self, block, (line.number, slash), (line.number, len(line.text)),
                "`//` is not a comment in a gantt chart: it makes this task's duration invalid "
                "(zero width); move the text to a `%%` line",
                [block.replace_lines(line.number, line.number, replacement)], "move the comment to a %% line above",
            )
