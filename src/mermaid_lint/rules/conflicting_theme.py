from __future__ import annotations

from ..mermaid.effective import applied_directives, front_matter_config
from ..model import Severity
from .base import Rule


class ConflictingTheme(Rule):
    """
    What it does: finds a diagram whose front-matter `config` and init directive set
    different themes.

    Why: the directive silently wins, so the theme the front-matter promises is not the one
    rendered; readers and tools see two answers.

    Example:
        ---
        config:
          theme: dark
        ---
        %%{init: {'theme': 'forest'}}%%

    Use instead:
        ---
        config:
          theme: forest
        ---
    """

    code = "ML302"
    name = "conflicting-theme"
    summary = "Front-matter and init directive set different themes"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        front_theme = front_matter_config(diagram).get("theme")
        if front_theme is None:
            return
        for directive in applied_directives(diagram):
            theme = directive.value.get("theme")
            located = directive.locations.get(("theme",))
            if theme is not None and theme != front_theme and located:
                yield ctx.in_block(
                    self, diagram.block, located.key_start, located.value_end,
                    f"this directive sets theme `{theme}`, overriding front-matter theme `{front_theme}`",
                )
