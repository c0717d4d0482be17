from __future__ import annotations

import difflib
from typing import Any

from ..mermaid import load
from ..mermaid.effective import TargetVersion
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
        block = diagram.block
        version = ctx.target_version(diagram)
        for entry in diagram.config_entries:
            problem = value_problem(entry.path, entry.value, version)
            if problem is None:
                continue
            message, suggestion = problem
            located = entry.located
            edits = [block.replace_scalar(located.value_start, located.value_end, suggestion)] if suggestion else []
            yield ctx.in_block(self, block, located.value_start, located.value_end, message, edits,
                               f"replace with {suggestion}")


def value_problem(path: tuple[str, ...], value: Any, version: TargetVersion) -> tuple[str, str | None] | None:
    """Why Mermaid ignores `value` at `path` in the target release, with a did-you-mean; None
    when it takes it (or has no list of values for the key)."""
    knowledge = load()
    if path[0] == "themeVariables" or isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    spec = knowledge.key_spec(path)
    if spec is None or spec.enum is None:
        return None
    if not knowledge.is_known_key(path, version.version):
        return None  # the key itself is missing in that release: unknown-config-key says so
    dotted = ".".join(path)
    if value in spec.enum or str(value) in map(str, spec.enum):
        if knowledge.value_allowed_in_version(path, value, version.version) is not False:
            return None
        return f"`{dotted}: {value}` does not exist in {version}; Mermaid ignores it there", None
    if knowledge.value_allowed_in_version(path, value, version.version) is not False:
        return None  # an open enum (plugin layouts) or a legacy value that still works
    allowed = knowledge.enum_values(spec.raw["enum_ref"], version.version) if "enum_ref" in spec.raw else spec.enum
    suggestion = _suggest(str(value), allowed)
    shown = ", ".join(str(v) for v in allowed)
    message = f"`{dotted}: {value}` is not a value Mermaid knows ({shown}); it is silently ignored"
    if suggestion:
        message += f"; did you mean `{suggestion}`?"
    return message, suggestion


def first_ignored_value(settings: dict[str, Any], version: TargetVersion, within: tuple[str, ...] = ()) -> str | None:
    """The first value of a config mapping (nested mappings too) that Mermaid would ignore,
    as `path: value`; for fixes that make settings apply, which must not make them invalid."""
    for key, value in settings.items():
        path = (*within, str(key))
        if isinstance(value, dict):
            found = first_ignored_value(value, version, path)
            if found is not None:
                return found
        elif value_problem(path, value, version) is not None:
            return f"{'.'.join(path)}: {value}"
    return None
