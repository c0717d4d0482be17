from __future__ import annotations

import dataclasses

from ..mermaid import load
from ..mermaid.effective import TargetVersion
from ..model import Diagram, Meaning, Severity
from .base import FixSafety, Rule
from .invalid_config_value import first_ignored_value


class FrontMatterNotFirst(Rule):
    """
    What it does: finds a front-matter block (`---` ... `---`) that does not start on the
    first line of the diagram (a blank line, a `%%` comment or a directive comes before it),
    or whose opening `---` is indented.

    Why: Mermaid only reads front-matter at the very start of the diagram text. Anywhere
    else the `---` lines and the YAML are read as diagram text: `mermaid.parse` and
    `mermaid.render` fail, and renderers that trim the text first still lose any comment or
    directive placed above it.

    Example:
        ```mermaid

        ---
        config:
          theme: dark
        ---
        flowchart TD
        ```

    Use instead:
        ```mermaid
        ---
        config:
          theme: dark
        ---
        flowchart TD
        ```

    Fix safety: safe when only blank lines come first and the diagram would then read: the
    front-matter closed and valid YAML with config values Mermaid takes, a known diagram
    type, a body that parses. The blank lines are removed. Otherwise the finding is only
    reported, with what would still fail.
    """

    code = "ML202"
    name = "front-matter-not-first"
    summary = "Front-matter that is not at the very start of the diagram (Mermaid does not read it)"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.CONFIG, Meaning.TYPE, Meaning.BODY})

    def check_diagram(self, diagram, ctx):
        if not diagram.misplaced_front_matter:
            return
        block = diagram.block
        line = diagram.header.number
        if line == 0:  # first, but not a fence Mermaid reads (indented, say)
            yield ctx.in_block(self, block, (0, 0), (0, len(block.lines[0])),
                               "front-matter must open with `---` alone at the left margin: Mermaid reads this "
                               "line as diagram text")
            return
        only_blank = all(not text.strip() for text in block.lines[:line])
        broken = _broken_when_first(diagram, line, ctx.target_version(diagram)) if only_blank else None
        message = (f"front-matter must be the first line of the diagram; {'blank' if only_blank else 'other'} "
                   "lines before it make Mermaid read it as diagram text")
        if broken:
            message += f"; not fixed automatically: {broken}"
        edits = [block.replace_lines(0, line - 1, [])] if only_blank and not broken else []
        yield ctx.in_block(self, block, (line, 0), (line, len(block.lines[line])), message,
                           edits, "remove the blank lines before the front-matter")


def _broken_when_first(diagram: Diagram, line: int, target_version: TargetVersion) -> str | None:
    """Why Mermaid would still fail on the diagram with the lines before its front-matter
    removed: moving it up would only trade this error for another, which the fixer refuses
    for the whole note. None when the front-matter, the diagram type and the body would read."""
    from ..parsing import parse_block  # here: a run answered from the cache needs no Lark

    block = diagram.block
    moved = parse_block(dataclasses.replace(block, lines=block.lines[line:], line_starts=block.line_starts[line:]))
    front = moved.front_matter
    if front is None:
        return "its `---` is indented" if block.lines[line][:1] in (" ", "\t") else "its `---` line opens nothing"
    if front.close_line is None:
        return "it is never closed"
    if front.problem is not None:
        return "its YAML is invalid"
    ignored = first_ignored_value(front.config, target_version) if isinstance(front.config, dict) else None
    if ignored:
        return f"Mermaid would then ignore `{ignored}` (invalid-config-value)"
    if moved.diagram_type not in load().data["diagram_types"]:
        return "no known diagram type follows it"
    body = moved.parsed_body
    if body is not None and body.error is not None:
        return (f"Mermaid could not parse the diagram then either (line {block.file_line(line + body.error.line)}: "
                f"{body.error.message})")
    return None
