from __future__ import annotations

from ..mermaid import load, version_tuple
from ..mermaid.effective import setting
from ..model import Severity
from .base import Rule


def _applies(issue, diagram, version: str) -> bool:
    """Does a known issue (data: mermaid known_issues) hit this diagram in this version?"""
    conditions = issue.get("when")
    if not isinstance(conditions, dict) or not conditions:
        return False
    if "diagram_types" in issue and diagram.diagram_type not in issue["diagram_types"]:
        return False
    v = version_tuple(version)
    if "versions" in issue and not any(v == version_tuple(x) for x in issue["versions"]):
        return False
    if "min_version" in issue and v < version_tuple(issue["min_version"]):
        return False
    if "max_version" in issue and v > version_tuple(issue["max_version"]):
        return False
    for path, wanted in conditions.items():
        found = setting(diagram, *path.split("."))
        if found is None or found.value != wanted:
            return False
    return True


class KnownMermaidIssue(Rule):
    """
    What it does: reports settings that hit a known problem of the target Mermaid version,
    from the data in `mermaid/config_schema.yaml` (`known_issues`): e.g. a mindmap with
    `layout: elk` fails to render on 12.3, and before 12.0 `layout: elk` silently falls back
    to dagre unless the page registers @mermaid-js/layout-elk.

    Why: the diagram parses, so nothing else says why it renders wrongly or not at all.

    Example:
        ---
        config:
          layout: elk
        ---
        mindmap
          root((Llama))

    Use instead:
        ---
        config:
          layout: dagre
        ---
        mindmap
          root((Llama))
    """

    code = "ML109"
    name = "known-mermaid-issue"
    summary = "A setting that hits a known problem of the target Mermaid version"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        target = ctx.target_version(diagram)
        for issue in load().known_issues:
            if not _applies(issue, diagram, target.version):
                continue
            path = next(iter(issue["when"]))
            located = setting(diagram, *path.split(".")).located
            if located is None:
                continue
            yield ctx.in_block(
                self, diagram.block, located.key_start, located.value_end,
                f"`{path}: {issue['when'][path]}` with {target}: {issue['effect']}",
            )
