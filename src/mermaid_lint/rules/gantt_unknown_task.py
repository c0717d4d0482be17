from __future__ import annotations

from ..model import Severity
from ._bodies import body_model, line_span
from .base import Rule


class GanttUnknownTask(Rule):
    """
    What it does: finds gantt `after` and `until` naming a task id that no task of the
    chart has.

    Why: Mermaid warns in the console only and starts (or ends) the task *today* instead,
    so the bar lands at an arbitrary place on the time axis.

    Example:
        gantt
            dateFormat YYYY-MM-DD
            Design :des, 2024-01-01, 10d
            Build  :build, after design, 20d

    Use instead:
        gantt
            dateFormat YYYY-MM-DD
            Design :des, 2024-01-01, 10d
            Build  :build, after des, 20d
    """

    code = "ML507"
    name = "gantt-unknown-task"
    summary = "gantt `after`/`until` naming a task id that does not exist (the task moves to today)"
    severity = Severity.ERROR

    def check_diagram(self, diagram, ctx):
        model = body_model(diagram, "gantt")
        if model is None:
            return
        for task in model.tasks:
            for keyword, ids in (("after", task.after), ("until", task.until)):
                unknown = [i for i in ids if i not in model.task_ids]
                if not unknown:
                    continue
                start, end = line_span(diagram, task.line)
                names = ", ".join(f"`{i}`" for i in unknown)
                effect = "Mermaid uses today's date instead" if len(unknown) == len(ids) else "Mermaid ignores it"
                yield ctx.in_block(
                    self, diagram.block, start, end,
                    f"`{keyword}` names {names}, which no task of this chart has: {effect}",
                )
