from __future__ import annotations

import json

from ..mermaid import load
from ..model import Meaning, Severity
from .base import FixSafety, Rule

JS_TYPE = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array", dict: "an object"}


def _described(value) -> str:
    return JS_TYPE.get(type(value), "null")


def _converted(value: str, types: tuple[str, ...]):
    """The value the author meant, when a quoted string obviously holds it; else None."""
    text = value.strip()
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if {"number", "integer"} & set(types):
        try:
            number = json.loads(text)
        except ValueError:
            return None
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            return number
    return None


class ConfigValueType(Rule):
    """
    What it does: finds config values of the wrong type: a quoted `'false'` for a boolean, a
    string for a number, an object for a string.

    Why: Mermaid does not check types. The string `'false'` is truthy in JavaScript, so
    `useMaxWidth: 'false'` turns the option *on*; a quoted number may be concatenated instead
    of added. The setting does something other than what it says.

    Example:
        %%{init: {'flowchart': {'useMaxWidth': 'false', 'nodeSpacing': '80'}}}%%

    Use instead:
        %%{init: {'flowchart': {'useMaxWidth': false, 'nodeSpacing': 80}}}%%

    Fix safety: safe when a quoted string is exactly `true`, `false` or a number and the key
    wants that type: the quotes go. Other mismatches are only reported.
    """

    code = "ML102"
    name = "config-value-type"
    summary = "A config value of the wrong type (e.g. 'false' as a string)"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.CONFIG})

    def check_diagram(self, diagram, ctx):
        knowledge = load()
        block = diagram.block
        for entry in diagram.config_entries:
            if entry.path[0] == "themeVariables" or entry.value is None:
                continue  # theme variables are strings by nature; null is another matter
            spec = knowledge.key_spec(entry.path)
            if spec is None or spec.raw.get("internal") or spec.accepts_type(entry.value):
                continue
            wanted = " or ".join(("an " if t[0] in "aeiou" else "a ") + t for t in spec.types)
            message = f"`{entry.dotted}` takes {wanted}, not {_described(entry.value)}"
            edits = []
            meant = _converted(entry.value, spec.types) if isinstance(entry.value, str) else None
            if meant is not None:
                if meant is False:
                    message += f": the string {json.dumps(entry.value)} is truthy, so Mermaid takes it as true"
                else:
                    message += ": Mermaid does not convert it"
                located = entry.located
                edits.append(block.edit(located.value_start, located.value_end, json.dumps(meant)))
            yield ctx.in_block(self, block, entry.located.value_start, entry.located.value_end,
                               message, edits, "write the value unquoted")
