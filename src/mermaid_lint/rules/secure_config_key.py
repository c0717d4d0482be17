from __future__ import annotations

from ..mermaid import load
from ..model import Severity
from .base import Rule


class SecureConfigKey(Rule):
    """
    What it does: finds keys a diagram is not allowed to set: `securityLevel`,
    `startOnLoad`, `maxTextSize`, `maxEdges`, `suppressErrorRendering` and `secure`, at any
    depth of front-matter config or an init directive.

    Why: Mermaid deletes them from a diagram's config (config.sanitize) so that a diagram
    cannot lower the site's security; only the page that embeds Mermaid may set them with
    `mermaid.initialize`. In a diagram they silently do nothing - a `securityLevel: loose`
    meant to enable click callbacks leaves them disabled.

    Example:
        %%{init: {'securityLevel': 'loose', 'theme': 'base'}}%%

    Use instead:
        %%{init: {'theme': 'base'}}%%
        (and mermaid.initialize({securityLevel: 'loose'}) in the page, if you own it)
    """

    code = "ML106"
    name = "secure-config-key"
    summary = "A key only the site may set (securityLevel, maxTextSize, ...): a diagram's is ignored"
    severity = Severity.ERROR

    def check_diagram(self, diagram, ctx):
        knowledge = load()
        version = ctx.target_version(diagram)
        for entry in diagram.config_entries:
            name = entry.path[-1]
            if entry.path[0] == "themeVariables" or not knowledge.is_secure_key(name):
                continue
            if not knowledge.is_known_key((name,), version.version):
                continue  # not a key in that release at all: unknown-config-key
            located = entry.located
            yield ctx.in_block(
                self, diagram.block, located.key_start, located.key_end,
                f"`{entry.dotted}` cannot be set from a diagram: Mermaid removes it, only mermaid.initialize may set it",
            )
