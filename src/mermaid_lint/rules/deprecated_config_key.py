from __future__ import annotations

from ..mermaid import load, version_tuple
from ..model import Severity
from .base import Rule


class DeprecatedConfigKey(Rule):
    """
    What it does: finds config keys Mermaid has deprecated in the target release, with
    their replacement: `flowchart.htmlLabels` (use the top-level `htmlLabels`, 11.14+),
    `flowchart.defaultRenderer` (use `layout`). Keys already removed in the target release
    are unknown-config-key findings instead.

    Why: deprecated keys still work for now but log warnings and go away in a later
    release; the replacement already takes precedence where both are set.

    Example:
        ---
        config:
          flowchart:
            htmlLabels: false
        ---

    Use instead:
        ---
        config:
          htmlLabels: false
        ---
    """

    code = "ML107"
    name = "deprecated-config-key"
    summary = "A config key Mermaid has deprecated, with its replacement"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        knowledge = load()
        version = ctx.target_version(diagram)
        target = version_tuple(version.version)
        for entry in diagram.config_entries:
            deprecation = knowledge.deprecation(entry.path)
            if not deprecation or not knowledge.is_known_key(entry.path, version.version):
                continue
            since = deprecation.get("since")
            if since and target < version_tuple(since):
                continue
            replacement = deprecation.get("replacement")
            message = f"`{entry.dotted}` is deprecated"
            message += f" since Mermaid {since} (checked against {version})" if since else ""
            if deprecation.get("removed"):
                message += f" and removed in {deprecation['removed']}"
            message += f"; use `{replacement}` instead" if replacement else ""
            located = entry.located
            yield ctx.in_block(self, diagram.block, located.key_start, located.key_end, message)
