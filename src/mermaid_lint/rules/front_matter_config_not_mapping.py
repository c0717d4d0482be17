from __future__ import annotations

from ..mermaid import load
from ..model import Meaning, Severity
from .base import FixSafety, Rule
from .invalid_config_value import first_ignored_value

INDENT = "  "


class FrontMatterConfigNotMapping(Rule):
    """
    What it does: finds front-matter whose `config:` is empty (null) or not a mapping -
    usually because the keys meant to be under it are not indented.

    Why: Mermaid only uses `config` when it is an object. With `config:` followed by an
    un-indented `theme: dark`, `config` is null and `theme` is a front-matter key Mermaid
    ignores: every setting is silently lost.

    Example:
        ---
        config:
        theme: dark
        look: handDrawn
        ---

    Use instead:
        ---
        config:
          theme: dark
          look: handDrawn
        ---

    Fix safety: safe when `config:` is empty and the keys right after it are Mermaid config
    keys (not `title` or `displayMode`) with values Mermaid takes: they are indented under
    `config`.
    """

    code = "ML203"
    name = "front-matter-config-not-mapping"
    summary = "Front-matter `config:` that is null or not a mapping: every setting is ignored"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.CONFIG})

    def check_diagram(self, diagram, ctx):
        front = diagram.front_matter
        if front is None or front.close_line is None or not isinstance(front.data, dict) or "config" not in front.data:
            return  # (front-matter never closed: Mermaid reads none of it, front-matter-invalid says so)
        config = front.data["config"]
        located = front.locations.get(("config",))
        if isinstance(config, dict) or located is None:
            return
        block = diagram.block
        edits = []
        if config is None:
            meant = self._lines_meant_for_config(diagram, located.key_start[0])
            if meant:
                first, last, names = meant
                message = "`config:` is empty because the keys below it are not indented: Mermaid ignores every setting"
                ignored = first_ignored_value({name: front.data[name] for name in names}, ctx.target_version(diagram))
                if ignored:
                    message += f"; not indented automatically: Mermaid would then ignore `{ignored}` (invalid-config-value)"
                else:
                    indented = [INDENT + text if text.strip() else text for text in block.lines[first:last + 1]]
                    edits.append(block.replace_lines(first, last, indented))
            else:
                message = "`config:` is empty: it sets nothing"
        else:
            message = f"`config` must be a mapping of settings, not {type(config).__name__}: Mermaid ignores it"
        yield ctx.in_block(self, block, located.key_start, located.key_end, message, edits,
                           "indent the settings under config")

    @staticmethod
    def _lines_meant_for_config(diagram, config_line: int) -> tuple[int, int, list[str]] | None:
        """Block lines (first, last) of the un-indented config keys right after `config:`, and the keys."""
        knowledge = load()
        front = diagram.front_matter
        used = set(knowledge.data["frontmatter"]["used_keys"])
        top = sorted((loc.key_start[0], path[0]) for path, loc in front.locations.items() if len(path) == 1)
        ends = [line for line, _ in top[1:]] + [front.close_line]
        first = last = None
        names: list[str] = []
        for (line, name), next_line in zip(top, ends):
            if line <= config_line:
                continue
            if name in used or not knowledge.is_known_key((name,)):
                break
            first = line if first is None else first
            last = next_line - 1
            names.append(name)
        return (first, last, names) if first is not None else None
