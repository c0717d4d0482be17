from __future__ import annotations

import difflib

from ..mermaid import load
from ..model import Meaning, Severity
from .base import FixSafety, Rule


def _suggest(value: str, allowed: tuple) -> str | None:
    names = [str(v) for v in allowed]
    lowered = {n.lower(): n for n in names}
    if value.lower() in lowered:
        return lowered[value.lower()]
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
    return close[0] if close else None


class InvalidConfigValue(Rule):
    """
    What it does: finds config values outside the values Mermaid knows for that key
    (`theme: defaults`, `curve: natual`, `look: handdrawn`), and values the target Mermaid
    release does not have yet or any more (`look: neo` needs 11.14; `curve: bundle` is gone
    from 11.6). The target release is the note's `%% Mermaid version vX.Y.Z` comment, else
    the `mermaid-version` setting; findings that depend on it say so.

    Why: Mermaid does not reject these values: an unknown theme silently falls back to the
    default theme, an unknown curve to `basis`, an unknown look to `classic`. The setting is
    lost without a word.

    Example:
        ---
        config:
          theme: defaults
          flowchart:
            curve: natual
        ---

    Use instead:
        ---
        config:
          theme: default
          flowchart:
            curve: natural
        ---

    Fix safety: unsafe - the did-you-mean replacement is a guess, and it changes what the
    diagram looks like (the setting starts to work).
    """

    code = "ML103"
    name = "invalid-config-value"
    summary = "A config value Mermaid does not know (theme, look, curve, ...): silently ignored"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    fix_changes = frozenset({Meaning.CONFIG})

    def check_diagram(self, diagram, ctx):
        knowledge = load()
        block = diagram.block
        version = ctx.target_version(diagram)
        for entry in diagram.config_entries:
            value = entry.value
            if entry.path[0] == "themeVariables" or isinstance(value, bool) or not isinstance(value, (str, int, float)):
                continue
            spec = knowledge.key_spec(entry.path)
            if spec is None or spec.enum is None:
                continue
            if not knowledge.is_known_key(entry.path, version.version):
                continue  # the key itself is missing in that release: unknown-config-key says so
            if value in spec.enum or str(value) in map(str, spec.enum):
                if knowledge.value_allowed_in_version(entry.path, value, version.version) is not False:
                    continue
                message = f"`{entry.dotted}: {value}` does not exist in {version}; Mermaid ignores it there"
                suggestion = None
            elif knowledge.value_allowed_in_version(entry.path, value, version.version) is not False:
                continue  # an open enum (plugin layouts) or a legacy value that still works
            else:
                allowed = knowledge.enum_values(spec.raw["enum_ref"], version.version) if "enum_ref" in spec.raw else spec.enum
                suggestion = _suggest(str(value), allowed)
                shown = ", ".join(str(v) for v in allowed)
                message = f"`{entry.dotted}: {value}` is not a value Mermaid knows ({shown}); it is silently ignored"
                if suggestion:
                    message += f"; did you mean `{suggestion}`?"
            located = entry.located
            edits = [block.replace_scalar(located.value_start, located.value_end, suggestion)] if suggestion else []
            yield ctx.in_block(self, block, located.value_start, located.value_end, message, edits,
                               f"replace with {suggestion}")
