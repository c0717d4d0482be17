from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from ..meaning import DECORATION, harmless_changes, quote_states
from ..model import Diagram, Severity
from .base import FixSafety, Rule

if TYPE_CHECKING:
    from ..bodies.mindmap import Mindmap

FALLBACK_INDENT = 4
# Statements that open, continue and close a nested part, per diagram type.
NESTING = {
    "flowchart": (re.compile(r"subgraph(?:\s|$)"), None),
    "sequence": (
        re.compile(r"(?:loop|alt|opt|par|par_over|critical|break|rect|box)(?:\s|$)"),
        re.compile(r"(?:else|and|option)(?:\s|$)"),
    ),
}
CLOSER = re.compile(r"end\s*;?\s*$")
KINDS = {"flowchart": "flowchart", "graph": "flowchart", "flowchart-elk": "flowchart",
         "sequenceDiagram": "sequence", "mindmap": "mindmap"}


class BodyIndentation(Rule):
    """
    What it does: finds flowchart, sequence and mindmap bodies whose indentation does not
    follow one width: each nesting level (subgraph ... end; loop/alt/opt/par/critical/
    break/rect/box ... end; a mindmap node's children) one step deeper, tabs as spaces.

    Why: mixed indentation hides the structure a reader relies on; in a mindmap it even
    decides the tree. A mindmap is re-indented only when the body parses, every node
    keeps its parent and no bracket label runs over several lines; lines inside a quoted
    label that spans lines are not touched.

    Example:
        flowchart TD
            subgraph One
          A --> B
               end

    Use instead:
        flowchart TD
            subgraph One
                A --> B
            end

    Options: `indent` - spaces per level, 0 (the default) for the width the body mostly
    uses, else 4; `types` - which of flowchart, sequence, mindmap to check (all).

    Fix safety: safe - the fixer checks that the statements, the mindmap tree and the
    parsed body are unchanged.
    """

    code = "ML804"
    name = "body-indentation"
    summary = "Indentation in a flowchart, sequence or mindmap body is not one consistent width"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    options = {"indent": 0, "types": ["flowchart", "sequence", "mindmap"]}

    def check_diagram(self, diagram, ctx):
        kind = KINDS.get(diagram.diagram_type or "")
        if kind is None or kind not in self.option(ctx, "types") or diagram.header is None:
            return
        if kind == "mindmap":
            result = diagram.parsed_body
            levels = _tree_levels(diagram, result.model) if result is not None and result.model is not None else None
        else:
            levels = _nesting_levels(diagram, *NESTING[kind])
        if not levels:
            return
        block = diagram.block
        header_indent = _indent(diagram.header.text, kind)
        unit = self._unit(levels, block.lines, header_indent, kind, ctx)
        top = [i for i, level in levels.items() if level == 0]
        nested = sum(_indent(block.lines[i], kind) > header_indent for i in top) * 2 > len(top)
        base = header_indent + (unit if nested else 0)
        wanted = {}  # block line -> the line re-indented
        for i, level in levels.items():
            text = block.lines[i].lstrip(" \t")
            if " " * (base + unit * level) + text != block.lines[i]:
                wanted[i] = " " * (base + unit * level) + text
        changed = harmless_changes(diagram, wanted)
        if changed:
            line = changed[0]
            edits = [block.replace_lines(i, i, [wanted[i]]) for i in changed]
            yield ctx.in_block(
                self, block, (line, 0), (line, len(block.lines[line])),
                f"indentation is not a consistent {unit}-space step per level ({len(edits)} line(s))",
                edits, f"re-indent with {unit} spaces per level",
            )

    def _unit(self, levels: dict[int, int], lines: list[str], header_indent: int, kind: str, ctx) -> int:
        chosen = self.option(ctx, "indent")
        if chosen > 0:
            return chosen
        steps: Counter[int] = Counter()
        previous: dict[int, int] = {-1: header_indent}  # level -> indent of the last line there
        for i, level in sorted(levels.items()):
            indent = _indent(lines[i], kind)
            parent = previous.get(level - 1)
            if parent is not None and indent > parent:
                steps[indent - parent] += 1
            previous[level] = indent
        return steps.most_common(1)[0][0] if steps else FALLBACK_INDENT


def _indent(line: str, kind: str) -> int:
    # A mindmap level counts whitespace characters, as Mermaid does; elsewhere a tab is 4.
    text = line if kind == "mindmap" else line.expandtabs(FALLBACK_INDENT)
    return len(text) - len(text.lstrip(" \t"))


def _lines_after_header(diagram: Diagram) -> list[tuple[int, str, bool]]:
    """(block line, stripped text, is a comment) for the lines to indent: the body and the
    comments after the header, except lines that start inside a quoted label."""
    header = diagram.header.number
    starts_inside = [start for start, _ in quote_states(diagram.masked_text().split("\n"))]
    found = [(b.number, b.text.strip(), False) for b in diagram.body]
    found += [(c.number, c.text.strip(), True) for c in diagram.comments if c.number > header]
    return sorted(item for item in found if not starts_inside[item[0]])


def _nesting_levels(diagram: Diagram, opener: re.Pattern, middle: re.Pattern | None) -> dict[int, int] | None:
    """Each line's nesting depth; None when the openers and `end`s do not pair up."""
    levels: dict[int, int] = {}
    depth = 0
    for number, text, comment in _lines_after_header(diagram):
        if comment:
            levels[number] = depth
            continue
        if CLOSER.match(text):
            depth -= 1
            if depth < 0:
                return None
            levels[number] = depth
        elif middle is not None and middle.match(text):
            if depth == 0:
                return None
            levels[number] = depth - 1
        else:
            levels[number] = depth
        if opener.match(text):
            depth += 1
    return levels if depth == 0 else None


def _tree_levels(diagram: Diagram, mindmap: Mindmap) -> dict[int, int] | None:
    """Each mindmap line's depth in the tree Mermaid builds (the parsed body's); a decoration
    goes one level under its node; comments are left where they are. None when a line is
    inside a node's label (a bracket left open runs on to the next lines): its indentation is
    part of the label, and the nodes around it cannot be re-indented on their own."""
    depth: dict[int, int] = {}  # node line -> its depth
    pending = [(mindmap.root, 0)] if mindmap.root is not None else []
    while pending:
        node, level = pending.pop()
        depth[node.line] = level
        pending.extend((child, level + 1) for child in node.children)
    levels: dict[int, int] = {}
    last_level = 0
    for number, text, comment in _lines_after_header(diagram):
        if comment:
            continue
        if number in depth:
            last_level = levels[number] = depth[number]
        elif DECORATION.match(text):
            levels[number] = last_level + 1
        else:
            return None
    return levels
