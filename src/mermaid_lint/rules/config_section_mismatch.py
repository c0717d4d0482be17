from __future__ import annotations

from ..mermaid import load
from ..model import Severity
from .base import Rule


class ConfigSectionMismatch(Rule):
    """
    What it does: finds per-diagram config sections that do not belong to the diagram's
    type: a `gantt:` section on a flowchart, `sequence:` on a mindmap.

    Why: each diagram reads only its own section (flowchart reads `flowchart`, a gantt reads
    `gantt`), so the settings in another section do nothing here. Usually they were copied
    from another diagram's boilerplate and the author expects them to apply.

    Example:
        ---
        config:
          gantt:
            barHeight: 30
        ---
        flowchart TD

    Use instead:
        ---
        config:
          flowchart:
            nodeSpacing: 30
        ---
        flowchart TD
    """

    code = "ML108"
    name = "config-section-mismatch"
    summary = "A per-diagram config section for another diagram type (no effect here)"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        knowledge = load()
        diagram_type = diagram.diagram_type
        own = knowledge.section_for_diagram(diagram_type) if diagram_type else None
        if own is None:
            return  # unknown or section-less diagram type: nothing to compare with
        for entry in diagram.config_entries:
            if len(entry.path) != 1:
                continue
            spec = knowledge.key_spec(entry.path)
            section = spec.raw.get("section") if spec else None
            if section is None or section == own:
                continue
            located = entry.located
            yield ctx.in_block(
                self, diagram.block, located.key_start, located.key_end,
                f"the `{section}` section has no effect on a `{diagram_type}` diagram, which reads `{own}`",
            )
