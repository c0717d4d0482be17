from __future__ import annotations

from ..mermaid import load
from ..mermaid.effective import theme_variable_entries
from ..model import Severity
from .base import Rule


class UnknownThemeVariable(Rule):
    """
    What it does: finds `themeVariables` keys that are not theme variables of Mermaid (or not
    of the target release), such as `stroke`, `stroke-width` or `primaryColour`, with a
    did-you-mean; and real theme variables that Mermaid's sanitizer deletes when a diagram
    sets them (`nodeTextColor`: computed by some themes, but not a config key name).

    Why: theme variables are not CSS properties. Mermaid deletes names it does not know;
    `stroke` survives only because a config key elsewhere has that name, and does nothing.
    The author believes the diagram is styled when it is not.

    Example:
        %%{init: {'themeVariables': {'primaryColor': '#BEF', 'stroke': '#333', 'stroke-width': '0.5px'}}}%%

    Use instead:
        %%{init: {'themeVariables': {'primaryColor': '#BEF', 'primaryBorderColor': '#333'}}}%%
        (and `classDef`/`style` lines for stroke widths)
    """

    code = "ML304"
    name = "unknown-theme-variable"
    summary = "A themeVariables key that is not a Mermaid theme variable"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        knowledge = load()
        version = ctx.target_version(diagram)
        reported: set[tuple] = set()
        for entry in theme_variable_entries(diagram):
            path = entry.path
            if any(path[:i] in reported for i in range(2, len(path))):
                continue
            known = knowledge.is_known_key(path, version.version)
            if known and knowledge.survives_sanitizer(path[-1], version.version):
                continue
            reported.add(path)
            if known:
                message = (f"Mermaid deletes `{entry.dotted}` from a diagram's config (`{path[-1]}` is not one of "
                           "its config key names), so it has no effect")
            elif knowledge.is_known_key(path):
                message = f"theme variable `{entry.dotted}` does not exist in {version}"
            else:
                message = f"`{entry.dotted}` is not a Mermaid theme variable: it has no effect"
                suggestion = knowledge.suggest_key(path)
                if suggestion:
                    message += f"; did you mean `{suggestion}`?"
            located = entry.located
            yield ctx.in_block(self, diagram.block, located.key_start, located.key_end, message)
