"""Mindmap bodies: the node tree Mermaid builds, with each node's id, shape and displayed text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Token, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken

from mermaid_lint.bodies import BodyResult, BodySyntaxError
from mermaid_lint.bodies._lark import (
    Prepared,
    expected_terminals,
    parse_body_with,
    syntax_error,
    token_position,
)


# --------------------------------------------------------------------------------------------
# Mindmap.

# Mermaid's node types by opening (and, for "(", closing) delimiter; mindmapDb.getType.
_SHAPES = {"[": "rect", "((": "circle", ")": "cloud", "))": "bang", "{{": "hexagon"}
_EMPTY_STRINGS = re.compile(r'^(?:""|"``")*')
_ARROW = re.compile(r"<?(-{2,}|={2,}|-\.+-)[->ox]?|--[>x]")

_NAMES = {
    "NL": "a line break",
    "SPACELINE": "a line break",
    "SPACELIST": "indentation",
    "NODE_ID": "node text",
    "NODE_DSTART": "a shape opening such as ( [ (( {{",
    "NODE_DEND": "the shape's closing bracket",
    "DESCR_MD": "node text",
    "DESCR_STR": "node text",
    "DESCR_TEXT": "node text",
    "ICON": "::icon(...)",
    "CLASS": ":::class",
    "MINDMAP": "mindmap",
}


@dataclass
class MindmapNode:
    line: int  # 0-based line of the node in the block
    column: int  # column where the node's text starts
    indent: int  # Mermaid's level: the number of whitespace characters before the node
    id: str  # the text before the shape (the whole text for a node without a shape)
    shape: str  # "default", "rect", "rounded-rect", "circle", "cloud", "bang" or "hexagon"
    raw: str  # the node as written: id and shape with its delimiters
    text: str  # what Mermaid displays: the shape's text, or the id when there is no shape
    delimiters: tuple[str, str] | None = None  # the shape's opening and closing brackets
    icon: str | None = None
    classes: list[str] = field(default_factory=list)
    children: list[MindmapNode] = field(default_factory=list)

    @property
    def hidden_id(self) -> str | None:
        """Text written before a shape that Mermaid does not display (it becomes the node id).

        "Adoption :: 650M+ Downloads (Doubled in 3 months)" shows only "Doubled in 3 months".
        """
        if self.delimiters and self.id and self.id != self.text:
            return self.id
        return None


@dataclass
class Mindmap:
    root: MindmapNode | None
    nodes: list[MindmapNode]  # in document order


def parse(text: str) -> BodyResult:
    return parse_body_with("mindmap", "mindmap", text, _parse_error, _build)


def _parse_error(exc: UnexpectedInput, prepared: Prepared) -> BodySyntaxError:
    line_text = prepared.line_text(exc.line)
    rest = line_text[max(exc.column, 1) - 1 :]
    expected = expected_terminals(exc)
    at_end = isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    message: str | None = None
    hint: str | None = None
    if at_end and prepared.text.count("\n") <= 1:
        message = "a mindmap needs a root node after 'mindmap'"
    elif exc.line > 1 and re.match(r"mindmap(?![A-Za-z0-9_])", rest, re.IGNORECASE):
        hint = "A node text may not start with the word 'mindmap'; quote it: id[\"mindmap ...\"]."
    elif _ARROW.search(line_text):
        hint = (
            "Mindmaps have no arrows: indentation alone links a node to its parent. "
            "Put each child on its own line, indented under its parent."
        )
    elif exc.line == 3 and not prepared.line_text(2).strip():
        message = "a blank line right after 'mindmap' makes Mermaid fail"
        hint = "Remove the blank line between 'mindmap' and the root node."
    elif expected and set(expected) <= {"NL", "SPACELINE"}:
        message = f"unexpected text after the node: {rest.strip()[:40]!r}"
        hint = (
            "A node ends with its shape's closing bracket: text in ( ) or [ ] is read as the "
            'shape. Quote the whole text instead: id["Text (with brackets)"].'
        )
    elif expected and set(expected) <= {"NODE_DEND"}:
        hint = 'Brackets or quotes inside a shape end it early; quote the text: id["..."].'
    return syntax_error(exc, prepared, _NAMES, hint, message)


def _build(tree: Tree, prepared: Prepared) -> BodyResult:
    nodes: list[MindmapNode] = []
    levels: list[int] = []
    base: int | None = None
    for stmt in tree.find_pred(lambda t: t.data in {"node_stmt", "icon_stmt", "class_stmt"}):
        tokens = [child for child in stmt.children if isinstance(child, Token)]
        indent = len(tokens[0]) if tokens and tokens[0].type == "SPACELIST" else 0
        if stmt.data == "node_stmt":
            node = _node(stmt.children[-1], indent, prepared)
            # mindmapDb.addNode: the first node is the root and fixes the base level; any later
            # node hangs under the last node with a smaller level, and there must be one.
            if base is None:
                base = indent
            level = indent - base
            parent = next((n for n, lv in zip(reversed(nodes), reversed(levels)) if lv < level), None)
            if nodes and parent is None:
                return BodyResult("mindmap", error=_second_root(node, nodes[0]))
            if parent is not None:
                parent.children.append(node)
            nodes.append(node)
            levels.append(level)
            continue
        decoration = tokens[-1]
        if not nodes:
            line, column = token_position(decoration, prepared)
            what = "::icon(...)" if stmt.data == "icon_stmt" else ":::class"
            return BodyResult(
                "mindmap",
                error=BodySyntaxError(
                    line,
                    column,
                    f"{what} before any node: Mermaid decorates the node above it and fails",
                    hint="Move it to the line after the node it belongs to.",
                ),
            )
        if stmt.data == "icon_stmt":
            icon = decoration[decoration.index("(") + 1 : -1]
            if icon:
                nodes[-1].icon = icon
        else:
            nodes[-1].classes = decoration[3:].split()
    return BodyResult("mindmap", model=Mindmap(nodes[0] if nodes else None, nodes))


def _node(node: Tree, indent: int, prepared: Prepared) -> MindmapNode:
    tokens: list[Token] = [child for child in node.children if isinstance(child, Token)]
    first = tokens[0]
    line, column = token_position(first, prepared)
    raw = "".join(str(token) for token in tokens).strip()
    if len(tokens) == 1:
        text = str(first).strip()
        return MindmapNode(line, column, indent, text, "default", raw, text)
    node_id = str(first).strip() if first.type == "NODE_ID" else ""
    start, descr, end = (_EMPTY_STRINGS.sub("", str(token)) for token in tokens[-3:])
    # Empty strings ("" or "``") before the text or the closing bracket show nothing.
    if tokens[-2].type == "DESCR_MD":
        descr = descr[2:-2]
    elif tokens[-2].type == "DESCR_STR":
        descr = descr[1:-1]
    if start == "(":
        shape = "rounded-rect" if end == ")" else "cloud"
    else:
        shape = _SHAPES.get(start, "default")
    shown = descr.strip()
    return MindmapNode(line, column, indent, node_id or shown, shape, raw, shown, (start, end))


def _second_root(node: MindmapNode, root: MindmapNode) -> BodySyntaxError:
    if _ARROW.search(node.raw):
        hint = (
            "Mindmaps have no arrows: indentation alone links a node to its parent. "
            "Indent this node under its parent instead."
        )
    else:
        hint = f"Indent it more than the root '{root.text}' (line {root.line + 1}) to make it a child."
    return BodySyntaxError(
        node.line,
        node.column,
        f"there can be only one root: '{node.text}' is not indented deeper than the root",
        (),
        hint,
    )
