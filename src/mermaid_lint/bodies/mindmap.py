"""Mindmap bodies: the node tree Mermaid builds, with each node's id, shape and displayed text.

The first part of this module is shared by the other Mermaid-lexer bodies (sequence, gantt, pie,
er, timeline): preparing the text the way Mermaid does before its parser sees it, and turning a
Lark error into a `BodySyntaxError`. It lives here because this work may only add body modules;
it belongs in a private `bodies/_lark.py`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from mermaid_lint.bodies import BodyResult, BodySyntaxError
from mermaid_lint.grammars import lalr_parser

DIAGRAM_TYPES = ("mindmap",)

# --------------------------------------------------------------------------------------------
# Shared: the text Mermaid parses, and errors.

# Mermaid (preprocess.ts, utils.encodeEntities) rewrites these before parsing: `#name;` entities
# become non-ASCII markers (so `#` no longer starts a comment) and a `style ...:#...;` line loses
# its last `;`. We do the same so the grammars see what Mermaid's parsers see.
_TAG_ATTRIBUTES = re.compile(r"<(\w+)([^>]*)>")
_STYLE_SEMICOLON = (re.compile(r"style.*:\S*#.*;"), re.compile(r"classDef.*:\S*#.*;"))
_ENTITY = re.compile(r"#[A-Za-z0-9_]+;")


def _single_quoted_attributes(match: re.Match[str]) -> str:
    return "<" + match[1] + re.sub(r'="([^"]*)"', r"='\1'", match[2]) + ">"


def _encode_entity(match: re.Match[str]) -> str:
    inner = match[0][1:-1]
    return ("\ufb02\xb0\xb0" if re.fullmatch(r"\+?\d+", inner) else "\ufb02\xb0") + inner + "\xb6\xdf"


@dataclass(frozen=True)
class Prepared:
    """The body as Mermaid's parser receives it, and the way back to the block's positions."""

    text: str
    rows: tuple[int, ...]  # block line of each line of `text`
    first_column: int  # block column of `text`'s first character (Mermaid trims the start)
    # Per changed line of `text`: the block column of each of its columns (entity encoding).
    columns: dict[int, list[int]]

    def locate(self, line: int, column: int) -> tuple[int, int]:
        """Lark's 1-based line and column in `text` -> 0-based line and column in the block."""
        row, col = line - 1, column - 1
        mapping = self.columns.get(row)
        if mapping is not None:
            col = mapping[min(col, len(mapping) - 1)]
        block_row = self.rows[min(row, len(self.rows) - 1)] + max(0, row - len(self.rows) + 1)
        return block_row, col + (self.first_column if row == 0 else 0)

    def locate_offset(self, offset: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, offset)
        return self.locate(line + 1, offset - (self.text.rfind("\n", 0, offset) + 1) + 1)

    def end(self) -> tuple[int, int]:
        """Where the input ends: just after its last non-blank character."""
        return self.locate_offset(len(self.text.rstrip()))

    def line_text(self, line: int) -> str:
        """A line of the parsed text (1-based, as Lark counts)."""
        lines = self.text.split("\n")
        return lines[line - 1] if 0 < line <= len(lines) else ""


def prepare(text: str, drop_empty_lines: bool = False) -> Prepared:
    """Mermaid's own clean-up of a block whose comments were already blanked, plus its final "\\n".

    With `drop_empty_lines`, empty lines are left out as Mermaid leaves out comment lines.
    """
    text = text.replace("\r\n", "\n")
    text = _TAG_ATTRIBUTES.sub(_single_quoted_attributes, text)
    start = len(text) - len(text.lstrip())
    first_line = text.count("\n", 0, start)
    first_column = start - (text.rfind("\n", 0, start) + 1)
    lines: list[str] = []
    rows: list[int] = []
    columns: dict[int, list[int]] = {}
    for number, line in enumerate(text[start:].split("\n")):
        if drop_empty_lines and not line and rows:
            continue
        encoded, mapping = _encode_line(line)
        if mapping is not None:
            columns[len(lines)] = mapping
        lines.append(encoded)
        rows.append(first_line + number)
    return Prepared("\n".join(lines) + "\n", tuple(rows), first_column, columns)


def parse_prepared(grammar: str, text: str, suffix: str = "") -> tuple[Tree | None, Prepared, UnexpectedInput | None]:
    """Parse `text` as Mermaid would, giving the tree or the first error.

    Comment lines reach us blank, but Mermaid removes them, which matters where a keyword may
    read on into the next line (`axisFormat` alone, a blank line after `mindmap`). So when the
    text fails to parse, it is parsed again without its empty lines, and that reading wins.
    """
    prepared = prepare(text)
    parser = lalr_parser(grammar)
    try:
        return parser.parse(prepared.text + suffix), prepared, None
    except UnexpectedInput as exc:
        if "\n\n" in prepared.text.rstrip("\n"):
            retry = prepare(text, drop_empty_lines=True)
            try:
                return parser.parse(retry.text + suffix), retry, None
            except UnexpectedInput:
                pass
        return None, prepared, exc


def _encode_line(line: str) -> tuple[str, list[int] | None]:
    """encodeEntities on one line, with the original column of every resulting column."""
    if "#" not in line:
        return line, None
    original = line
    mapping = list(range(len(line) + 1))
    for pattern in _STYLE_SEMICOLON:
        match = pattern.search(line)
        if match:
            cut = match.end() - 1
            line = line[:cut] + line[cut + 1 :]
            del mapping[cut]
    pieces: list[str] = []
    new_mapping: list[int] = []
    last = 0
    for match in _ENTITY.finditer(line):
        pieces.append(line[last : match.start()])
        new_mapping.extend(mapping[last : match.start()])
        encoded = _encode_entity(match)
        pieces.append(encoded)
        new_mapping.extend([mapping[match.start()]] * len(encoded))
        last = match.end()
    pieces.append(line[last:])
    new_mapping.extend(mapping[last:])
    encoded_line = "".join(pieces)
    return (encoded_line, new_mapping) if encoded_line != original else (original, None)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest known keyword to a misspelt one, compared without case."""
    by_lower = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.75)
    return by_lower[close[0]] if close else None


def join_words(words: Iterable[str]) -> str:
    unique = sorted(set(words))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " or " + unique[-1]


def expected_words(exc: UnexpectedInput, names: Mapping[str, str]) -> tuple[str, ...]:
    """The terminals Lark would have accepted, in words (unnamed ones are internal and skipped)."""
    raw = exc.expected if isinstance(exc, UnexpectedToken) else getattr(exc, "allowed", set())
    return tuple(sorted({names[name] for name in raw or () if name in names}))


def error_position(exc: UnexpectedInput, prepared: Prepared) -> tuple[int, int]:
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        return prepared.end()
    return prepared.locate(exc.line, exc.column)


def found_text(exc: UnexpectedInput) -> str:
    """What Mermaid stumbled on, as the message quotes it."""
    if isinstance(exc, UnexpectedToken):
        if exc.token.type == "$END":
            return "end of the diagram"
        value = str(exc.token.value)
    elif isinstance(exc, UnexpectedCharacters):
        value = exc.char
    else:
        return "end of the diagram"
    value = value.split("\n", 1)[0].strip() or value
    if not value.strip():
        return "a line break" if "\n" in value else "whitespace"
    return f"'{value[:40]}'"


def syntax_error(
    exc: UnexpectedInput,
    prepared: Prepared,
    names: Mapping[str, str],
    hint: str | None = None,
    message: str | None = None,
) -> BodySyntaxError:
    """A Lark error as a `BodySyntaxError` at the block's own line and column."""
    line, column = error_position(exc, prepared)
    expected = expected_words(exc, names)
    if message is None:
        message = f"unexpected {found_text(exc)}"
        if expected:
            message += f"; expected {join_words(expected)}"
    return BodySyntaxError(line, column, message, expected, hint)


def token_position(token: Token, prepared: Prepared) -> tuple[int, int]:
    return prepared.locate(token.line or 1, token.column or 1)


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
    tree, prepared, exc = parse_prepared("mindmap", text)
    if tree is None:
        return BodyResult("mindmap", error=_parse_error(exc, prepared))
    return _build(tree, prepared)


def _parse_error(exc: UnexpectedInput, prepared: Prepared) -> BodySyntaxError:
    line_text = prepared.line_text(exc.line)
    rest = line_text[exc.column - 1 :] if exc.line > 0 else ""
    expected = exc.expected if isinstance(exc, UnexpectedToken) else exc.allowed
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
    start, descr, end = tokens[-3:]
    shown = _EMPTY_STRINGS.sub("", str(descr))  # empty strings before the text show nothing
    if descr.type == "DESCR_MD":
        shown = shown[2:-2]
    elif descr.type == "DESCR_STR":
        shown = shown[1:-1]
    if start == "(":
        shape = "rounded-rect" if end == ")" else "cloud"
    else:
        shape = _SHAPES.get(str(start), "default")
    shown = shown.strip()
    delimiters = (str(start), str(end))
    return MindmapNode(line, column, indent, node_id or shown, shape, raw, shown, delimiters)


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
