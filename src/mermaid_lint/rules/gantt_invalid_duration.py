from __future__ import annotations

from ..model import Severity
from ._bodies import body_model, line_span
from .base import Rule


class GanttInvalidDuration(Rule):
    """
    What it does: finds gantt task ends that are neither a date in the chart's `dateFormat`
    nor a duration Mermaid reads: a number and one unit, `ms`, `s`, `m`, `h`, `d`, `w`,
    `M` or `y`, with nothing else (`3 days`, `2wk`, `1.5 d` are not durations).

    Why: Mermaid logs a warning nobody sees and gives the task zero length, so the bar
    silently disappears from the chart.

    Example:
        gantt
            dateFormat YYYY-MM-DD
            Training :t1, 2024-01-01, 3 weeks

    Use instead:
        gantt
            dateFormat YYYY-MM-DD
            Training :t1, 2024-01-01, 3w
    """

    code = "ML506"
    name = "gantt-invalid-duration"
    summary = "A gantt task end that is neither a date nor a duration: the task gets zero length"
    severity = Severity.ERROR

    def check_diagram(self, diagram, ctx):
        model = body_model(diagram, "gantt")
        if model is None:
            return
        for task in model.tasks:
            if task.duration_valid is not False or task.comment is not None:
                continue  # a `//` comment is gantt-slash-comment's finding
            if "vert" in task.tags:
                continue  # a vertical marker is drawn at its start; its length does not show
            start, end = line_span(diagram, task.line)
            yield ctx.in_block(
                self, diagram.block, start, end,
                f"`{task.duration.strip()}` is neither a date ({model.date_format or 'YYYY-MM-DD'}) nor a duration "
                "such as `3d`, `2w` or `1M`: Mermaid gives this task zero length",
            )
