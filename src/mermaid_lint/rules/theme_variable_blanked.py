from __future__ import annotations

from ..mermaid import load
from ..mermaid.effective import theme_variable_entries
from ..model import Severity
from .base import Rule


class ThemeVariableBlanked(Rule):
    """
    What it does: finds `themeVariables` values Mermaid empties because they contain a
    character outside letters, digits, space and `# % ( ) , . ;` - a `-` in `sans-serif`, a
    quote, a `/`, a `:`.

    Why: Mermaid's sanitizer (sanitizeDirective) replaces such a value with an empty string,
    for front-matter config and init directives alike. `fontFamily: 'Arial, sans-serif'`
    silently becomes no font at all.

    Example:
        %%{init: {'themeVariables': {'fontFamily': 'Inter, sans-serif'}}}%%

    Use instead:
        %%{init: {'themeVariables': {'fontFamily': 'Inter, Arial'}}}%%
    """

    code = "ML105"
    name = "theme-variable-blanked"
    summary = "A themeVariables value Mermaid's sanitizer replaces with an empty string"
    severity = Severity.ERROR

    def check_diagram(self, diagram, ctx):
        knowledge = load()
        for entry in theme_variable_entries(diagram):
            if len(entry.path) != 2 or not isinstance(entry.value, str) or knowledge.theme_variable_value_ok(entry.value):
                continue  # the check applies to string values directly under themeVariables
            bad = sorted({c for c in entry.value if not knowledge.theme_variable_regex.match(c)})
            shown = " ".join(f"`{c}`" for c in bad) if bad else "an empty value"
            located = entry.located
            yield ctx.in_block(
                self, diagram.block, located.value_start, located.value_end,
                f"Mermaid blanks `{entry.dotted}`: its value contains {shown}, which theme variables may not",
            )
