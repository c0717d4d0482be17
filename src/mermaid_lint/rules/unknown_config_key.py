from __future__ import annotations

from ..mermaid import load
from ..model import Meaning, Severity
from .base import FixSafety, Rule
from .invalid_config_value import first_ignored_value


class UnknownConfigKey(Rule):
    """
    What it does: finds configuration keys Mermaid does not know, at any depth of
    front-matter `config` and of init directives, with a did-you-mean; and keys that exist
    only in other Mermaid releases than the target one (the note's `%% Mermaid version`
    comment or the `mermaid-version` setting). `graph`, `classDiagram`, `sequenceDiagram`,
    `stateDiagram-v2` and `erDiagram` are the names of diagrams, not of config sections
    (`flowchart`, `class`, `sequence`, `state`, `er`). Theme variables have their own rule
    (unknown-theme-variable).

    Why: Mermaid deletes every key whose name it does not know (sanitizeDirective), so the
    settings under `'graph': {...}` never reach the flowchart - silently.

    Example:
        %%{init: {'graph': {'curve': 'linear'}}}%%

    Use instead:
        %%{init: {'flowchart': {'curve': 'linear'}}}%%

    Fix safety: safe for the misnamed sections when the real key is not set as well and
    Mermaid takes every value under it there; the settings then apply as the author meant.
    Other unknown keys are only reported.
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
        version = ctx.target_version(diagram)
        reported: set[tuple] = set()
        for entry in diagram.config_entries:
            path, located, directive = entry.path, entry.located, entry.directive
            if path[0] == "themeVariables" or any(path[:i] in reported for i in range(1, len(path))):
                continue  # theme variables have their own rule; report only the outermost key
            if knowledge.is_known_key(path, version.version):
                continue
            reported.add(path)
            name = path[-1]
            where = f"`{entry.dotted}`"
            edits = []
            suggestion = None
            if knowledge.is_known_key(path):
                message = f"{where} does not exist in {version}: it has no effect there"
            else:
                suggestion = knowledge.suggest_key(path)
                if knowledge.survives_sanitizer(name):  # the name exists elsewhere: kept, but unused
                    message = f"{where} is not a Mermaid setting: it has no effect"
                else:
                    message = f"{where} is not a Mermaid config key: Mermaid deletes it and its settings have no effect"
            if suggestion:
                message += f"; did you mean `{suggestion}`?"
                source_keys = directive.locations if directive else diagram.front_matter.locations
                sibling = (*([] if directive else ["config"]), *path[:-1], suggestion)
                if len(path) == 1 and name in misnamed and tuple(sibling) not in source_keys:
                    ignored = first_ignored_value({suggestion: entry.value}, version) if isinstance(entry.value, dict) else None
                    if ignored:
                        message += f"; not renamed automatically: Mermaid would then ignore `{ignored}` (invalid-config-value)"
                    else:
                        edits.append(block.replace_scalar(located.key_start, located.key_end, suggestion))
            yield ctx.in_block(self, block, located.key_start, located.key_end, message, edits,
                               f"rename to {suggestion}")

