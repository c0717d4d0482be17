from __future__ import annotations

from ..model import Meaning, Severity
from ._bodies import body_model
from .base import FixSafety, Rule


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
        model = body_model(diagram, "gantt")
        if model is None:
            return
        block = diagram.block
        for task in model.tasks:
            if task.comment is None:
                continue
            text = block.lines[task.line]
            indent = text[: len(text) - len(text.lstrip())]
            kept = text[: task.comment_column].rstrip()
            replacement = [f"{indent}%% {task.comment}", kept] if task.comment else [kept]
            yield ctx.in_block(
                self, block, (task.line, task.comment_column), (task.line, len(text)),
                "`//` is not a comment in a gantt chart: it makes this task's duration invalid "
                "(zero width); move the text to a `%%` line",
                [block.replace_lines(task.line, task.line, replacement)], "move the comment to a %% line above",
            )
