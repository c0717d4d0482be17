from __future__ import annotations

from ..mermaid.effective import effective_theme, setting
from ..model import Meaning, Severity
from .base import FixSafety, Rule
from .invalid_config_value import value_problem


class ThemeVariablesIgnored(Rule):
    """
    What it does: finds `themeVariables` set for a diagram whose effective theme is not `base`.

    Why: Mermaid's docs: "the only theme that can be modified is the base theme". With
    `theme: dark` the node colours stay dark whatever `primaryColor` says; the variables are
    silently ignored (only a few, like lineColor, leak through).

    Example:
        ---
        config:
          theme: dark
          themeVariables:
            primaryColor: '#BEF'
        ---

    Use instead:
        ---
        config:
          theme: base
          themeVariables:
            primaryColor: '#BEF'
        ---

    Fix safety: unsafe - switching the theme to `base` changes how the diagram looks (it is
    what the variables ask for). Not offered when the target Mermaid release has no `base`.
    """

    code = "ML301"
    name = "theme-variables-ignored"
    summary = "themeVariables are ignored unless the effective theme is base"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    fix_changes = frozenset({Meaning.CONFIG})

    def check_diagram(self, diagram, ctx):
        variables = setting(diagram, "themeVariables")
        if variables is None or not variables.value or variables.located is None:
            return
        theme = effective_theme(diagram)
        if theme == "base":
            return
        block = diagram.block
        theme_setting = setting(diagram, "theme")
        edits = []
        if theme_setting is None or theme_setting.located is None:
            where = "no theme is set, so it is `default`"
        else:
            located = theme_setting.located
            where = f"the theme is `{theme}` (line {block.file_line(located.key_start[0])})"
            if value_problem(("theme",), "base", ctx.target_version(diagram)) is None:
                edits.append(block.replace_scalar(located.value_start, located.value_end, "base"))
        located = variables.located
        yield ctx.in_block(
            self, block, located.key_start, located.key_end,
            f"themeVariables are ignored: {where}; only the `base` theme can be customised",
            edits, "set the theme to base",
        )
