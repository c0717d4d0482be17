from __future__ import annotations

from ..mermaid.effective import applied_directives, front_matter_config
from ..model import Severity
from .base import Rule


def _leaves(data, path=()):
    """(path, value) of every non-object value of a config object."""
    for key, value in data.items():
        if isinstance(value, dict) and value:
            yield from _leaves(value, (*path, key))
        else:
            yield (*path, key), value


class DirectiveOverridden(Rule):
    """
    What it does: finds settings an init directive sets to another value than an earlier
    init directive, or than the front-matter config, of the same diagram. (A theme set
    differently in front-matter and a directive is conflicting-theme's finding.)

    Why: Mermaid deep-merges them and the last one silently wins, so the earlier value is
    dead text that still looks like it applies.

    Example:
        %%{init: {'theme': 'dark', 'flowchart': {'curve': 'basis'}}}%%
        %%{init: {'flowchart': {'curve': 'linear'}}}%%

    Use instead:
        %%{init: {'theme': 'dark', 'flowchart': {'curve': 'linear'}}}%%
    """

    code = "ML205"
    name = "directive-overridden"
    summary = "An init directive overrides a value set earlier in the same diagram"
    severity = Severity.WARNING

    def check_diagram(self, diagram, ctx):
        block = diagram.block
        earlier: dict[tuple, tuple] = {}  # path -> (value, block line, from front-matter)
        front = diagram.front_matter
        for path, value in _leaves(front_matter_config(diagram)):
            located = front.locations.get(("config", *path)) if front else None
            earlier[path] = (value, located.key_start[0] if located else None, True)
        for directive in applied_directives(diagram):
            for path, value in _leaves(directive.value):
                located = directive.locations.get(path)
                before = earlier.get(path)
                if before and before[0] != value and located and not (path == ("theme",) and before[2]):
                    old_value, old_line, _ = before
                    where = f" on line {block.file_line(old_line)}" if old_line is not None else ""
                    yield ctx.in_block(
                        self, block, located.key_start, located.value_end,
                        f"`{'.'.join(path)}: {value}` overrides `{old_value}` set{where}; the earlier value has no effect",
                    )
                earlier[path] = (value, located.key_start[0] if located else None, False)
