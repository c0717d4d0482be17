from __future__ import annotations

from ..model import Severity
from .base import Rule


class InitDirectiveDropped(Rule):
    """
    What it does: finds `%%{init: ...}%%` directives that Mermaid silently ignores because
    their arguments are not JSON once every `'` is turned into `"`: an apostrophe inside a
    value, a `//` comment, a trailing comma, an unquoted key.

    Why: Mermaid logs the JSON.parse error and drops the directive - and every other init
    directive of the diagram - so none of its settings apply, without any visible error.

    Example:
        %%{init: {'theme': 'base', 'fontFamily': 'Trebuchet MS', // main font
        }}%%

    Use instead:
        %%{init: {'theme': 'base', 'fontFamily': 'Trebuchet MS'}}%%
    """

    code = "ML201"
    name = "init-directive-dropped"
    summary = "Mermaid ignores this init directive: its arguments are not valid JSON"
    severity = Severity.ERROR

    def check_diagram(self, diagram, ctx):
        for directive in diagram.directives:
            if directive.unterminated:
                yield ctx.in_block(self, diagram.block, directive.start, directive.end,
                                   "this directive has no closing `}%%`: Mermaid ignores it")
            elif directive.is_init and directive.dropped:
                problem = directive.dropped
                yield ctx.in_block(
                    self, diagram.block, problem.start, problem.end,
                    f"Mermaid drops this whole %%{{{directive.name}}}%% directive (and every other init "
                    f"directive of the diagram): {problem.message}",
                )
