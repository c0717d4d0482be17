from __future__ import annotations

from ..mermaid import load
from ..model import Meaning, Severity
from .base import FixSafety, Rule


def config_keys(diagram):
    """(config path, Located, directive or None) for every key a diagram's config sets."""
    if diagram.front_matter:
        for path, located in diagram.front_matter.locations.items():
            if len(path) > 1 and path[0] == "config":
                yield path[1:], located, None
    for directive in diagram.directives:
        if directive.is_init:
            for path, located in directive.locations.items():
                yield path, located, directive


class UnknownConfigKey(Rule):
    """
    What it does: finds configuration keys Mermaid does not know, in front-matter `config`
    and in init directives, with a did-you-mean. `graph`, `classDiagram`, `sequenceDiagram`,
    `stateDiagram-v2` and `erDiagram` are the names of diagrams, not of config sections
    (`flowchart`, `class`, `sequence`, `state`, `er`).

    Why: Mermaid deletes every key whose name it does not know (sanitizeDirective), so the
    settings under `'graph': {...}` never reach the flowchart - silently.

    Example:
        %%{init: {'graph': {'curve': 'linear'}}}%%

    Use instead:
        %%{init: {'flowchart': {'curve': 'linear'}}}%%

    Fix safety: safe for the misnamed sections when the real key is not set as well; the
    settings then apply as the author meant. Other unknown keys are only reported.
    """

    code = "ML101"
    name = "unknown-config-key"
    summary = "A config key Mermaid does not know and silently drops"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.CONFIG})

    def check_diagram(self, diagram, ctx):
        knowledge = load()
        misnamed = knowledge.data.get("misnamed_sections", {})
        block = diagram.block
        reported: set[tuple] = set()
        for path, located, directive in config_keys(diagram):
            source_keys = directive.locations if directive else diagram.front_matter.locations
            if path[0] == "themeVariables" or any(path[:i] in reported for i in range(1, len(path))):
                continue  # theme variables have their own rule; report only the outermost key
            if knowledge.is_known_key(path):
                continue
            reported.add(path)
            name = path[-1]
            suggestion = knowledge.suggest_key(path)
            where = "`" + ".".join(path) + "`"
            if knowledge.survives_sanitizer(name):  # the name exists elsewhere: kept, but unused
                message = f"{where} is not a Mermaid setting: it has no effect"
            else:
                message = f"{where} is not a Mermaid config key: Mermaid deletes it and its settings have no effect"
            edits = []
            if suggestion:
                message += f"; did you mean `{suggestion}`?"
                sibling = (*([] if directive else ["config"]), *path[:-1], suggestion)
                if len(path) == 1 and name in misnamed and tuple(sibling) not in source_keys:
                    raw = block.lines[located.key_start[0]][located.key_start[1]:located.key_end[1]]
                    quote = raw[0] if raw[:1] in ("'", '"') else ""
                    edits.append(block.edit(located.key_start, located.key_end, f"{quote}{suggestion}{quote}"))
            yield ctx.in_block(self, block, located.key_start, located.key_end, message, edits,
                               f"rename to {suggestion}")
