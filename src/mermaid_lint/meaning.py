"""What a diagram means, for checking that a fix changed only what it intended to.

A block's meaning has four parts (model.Meaning): its configuration (front-matter data, the
config Mermaid applies after merging and sanitizing, the other directives), its diagram type,
its body (the statements as tokens, and the body parser's model without positions) and, for
the note, the Markdown outside the blocks. Whitespace outside quoted strings, blank lines,
comments and positions are not meaning; indentation is, for the types that build a tree
from it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, Callable

from .mermaid.effective import applied_config
from .model import Block, BodyLine, Diagram, Meaning, Note

# Diagram types whose tree is built from indentation.
INDENTED_TYPES = frozenset({"mindmap", "kanban", "treemap", "treemap-beta", "treeView-beta"})
# Mindmap lines that decorate the node before them instead of making one.
DECORATION = re.compile(r"(?:::icon\(|:::)")
# A quoted string (to its closing quote, across lines), a line break, or a word.
STATEMENT_TOKEN = re.compile(r'"[^"]*"?|\n|[^\s"]+')
# A line that Markdown may read as a fence.
FENCE_LIKE = re.compile(r" {0,3}(?:```|~~~)")
# Model fields that say where something is, not what it is.
POSITION_FIELD = re.compile(r"(?:^|_)(?:line|column|indent)s?$")


def quote_states(lines: list[str]) -> list[tuple[bool, bool]]:
    """For each line: is a `"` string open at its start, and at its end? Whitespace there
    belongs to a label, so formatting rules leave it alone and the check keeps it."""
    states = []
    open_ = False
    for line in lines:
        start = open_
        open_ = (line.count('"') % 2 == 1) != open_
        states.append((start, open_))
    return states


@dataclass(frozen=True)
class Content:
    """What a block's text means; it depends on the text only."""

    settings: Any
    diagram_type: str | None
    statements: tuple[tuple[str, ...], ...]  # the header's arguments, then the body's statements
    tree: tuple[int, ...] | None  # each statement's parent, for indentation-built types
    body: ParsedBody | None  # None for an unclosed fence

    @property
    def model(self) -> Any:
        """The body parser's model (compared without positions); None when it has none."""
        return self.body.model if self.body is not None else None


class ParsedBody:
    """The text a diagram's body parser reads, and its model, parsed when first asked for: an
    edit that leaves that text as it was needs no parse to be compared. The parse is the
    rules' own when they made it lately (`bodies.parse_body` keeps the latest)."""

    def __init__(self, diagram: Diagram) -> None:
        self.diagram_type = diagram.diagram_type
        self.source = diagram.body_source()

    @cached_property
    def model(self) -> Any:
        from .bodies import parse_body  # here: `explain` and cached runs load no grammar

        result = parse_body(self.diagram_type, self.source) if self.diagram_type else None
        return result.model if result is not None else None


class BlockMeaning:
    """Where a block is in its note, and what it means, worked out when first asked for: a
    block whose text did not change means what it meant (`reads_as`)."""

    def __init__(self, block: Block, diagram: Diagram | None) -> None:
        self.start, self.end = block.start, block.end  # note offsets of the block, fences included
        self.line = block.fence_line + 1 if block.fence_line >= 0 else 1  # of the opening fence, 1-based
        self.lines = block.lines
        self.diagram = diagram  # None for an unclosed fence

    def reads_as(self, other: BlockMeaning) -> bool:
        """The same text, so the same meaning."""
        return (self.diagram is None) == (other.diagram is None) and self.lines == other.lines

    @cached_property
    def content(self) -> Content:
        if self.diagram is None:  # an unclosed fence: its text is all there is
            return Content(None, None, (tuple(self.lines),), None, None)
        return block_meaning(self.diagram)


# Block lines -> Content: a fix round rewrites few blocks, the others are met again.
_KNOWN: dict[tuple[str, ...], Content] = {}
_KNOWN_LIMIT = 512


def note_meaning(note: Note) -> list[BlockMeaning]:
    by_block = {d.block.index: d for d in note.diagrams}
    return [BlockMeaning(block, by_block.get(block.index)) for block in note.blocks]


def block_meaning(diagram: Diagram) -> Content:
    key = tuple(diagram.block.lines)
    if key not in _KNOWN:
        if len(_KNOWN) >= _KNOWN_LIMIT:
            _KNOWN.clear()
        _KNOWN[key] = _content(diagram)
    return _KNOWN[key]


def with_lines(diagram: Diagram, lines: list[str]) -> Content:
    """The meaning the diagram would have with these lines, for a rule to check its edits."""
    block = dataclasses.replace(diagram.block, lines=list(lines), line_starts=[0] * len(lines))
    changed = _respaced(diagram, block)
    if changed is None:
        from .parsing import parse_block  # here: rules import this module, `explain` and cached runs need no Lark

        changed = parse_block(block)
    return block_meaning(changed)


def _respaced(diagram: Diagram, block: Block) -> Diagram | None:
    """The diagram with `block`'s lines when they differ from its own only in spaces and tabs
    around text, comment and blank lines, or in blank lines left out at the end: the block
    grammar would split them the same way, so only the body may need parsing again. None for
    any other change."""
    old_lines, new_lines = diagram.block.lines, block.lines
    covered = set()  # lines inside front-matter or a directive: their whitespace is their text
    if diagram.front_matter is not None:
        front = diagram.front_matter
        covered.update(range(front.open_line, (front.close_line if front.close_line is not None else len(old_lines)) + 1))
    for directive in diagram.directives:
        covered.update(range(directive.start[0], directive.end[0] + 1))
    dropped = range(len(new_lines), len(old_lines))
    if any(old_lines[number].strip(" \t") or number in covered for number in dropped):
        return None
    text_lines = {line.number for line in ([diagram.header] if diagram.header else []) + diagram.body}
    comment_lines = {line.number for line in diagram.comments}
    retexted = {}
    for number, (old, new) in enumerate(zip(old_lines, new_lines)):
        if old == new:
            continue
        kept = old.strip(" \t")
        if new.strip(" \t") != kept or number in covered:
            return None
        if number == 0 and kept.startswith("---"):
            return None  # `---` moved to the first column of the first line opens front-matter
        if number in comment_lines and len(kept) == 2:
            return None  # `%%` needs a character after it to stay a comment
        if number in text_lines or number in comment_lines:  # else a blank line, which stays one
            retexted[number] = BodyLine(number, new)
    return dataclasses.replace(
        diagram,
        block=block,
        header=diagram.header and retexted.get(diagram.header.number, diagram.header),
        body=[retexted.get(line.number, line) for line in diagram.body],
        comments=[retexted.get(line.number, line) for line in diagram.comments],
    )


def harmless_changes(diagram: Diagram, wanted: dict[int, str | None]) -> list[int]:
    """The lines of `wanted` (block line -> new text, None to delete it) a formatting rule
    may change without changing the diagram's meaning, in order. Usually all; a line whose
    change matters on its own (it continues an unquoted label, say) is left out."""
    # Markdown would end the block at a line that now starts like a fence (the meaning below
    # is the block's own and cannot see that).
    wanted = {i: text for i, text in wanted.items() if text is None or not FENCE_LIKE.match(text)}
    if not wanted:
        return []
    before = block_meaning(diagram)

    def harmless(lines: list[int]) -> bool:
        chosen = set(lines)
        new = [wanted[i] if i in chosen else line for i, line in enumerate(diagram.block.lines)]
        return not differences(before, with_lines(diagram, [line for line in new if line is not None]), frozenset())

    if harmless(list(wanted)):
        return sorted(wanted)
    kept = _harmless_part(sorted(wanted), harmless)
    return kept if harmless(kept) else []


def _harmless_part(lines: list[int], harmless: Callable[[list[int]], bool]) -> list[int]:
    """Of `lines`, whose changes together matter, the lines whose changes are harmless, found
    by halves: the few lines that matter (a label's continuation) cost a few parses of the
    diagram each, not one parse per line of a long body."""
    if len(lines) == 1:
        return []
    half = len(lines) // 2
    found: list[int] = []
    for part in (lines[:half], lines[half:]):
        found += part if harmless(part) else _harmless_part(part, harmless)
    return found


def _content(diagram: Diagram) -> Content:
    lines = _body_lines(diagram)
    kind = diagram.diagram_type
    tree = _indent_tree(lines) if kind in INDENTED_TYPES else None
    return Content(_settings(diagram), kind, _statements(lines), tree, ParsedBody(diagram))


def _settings(diagram: Diagram) -> Any:
    front = diagram.front_matter
    data: Any = {}  # no front-matter, or an empty one, says nothing
    if front is not None and front.problem:
        data = ("unreadable", front.text)
    elif front is not None and isinstance(front.data, dict):
        data = {k: v for k, v in front.data.items() if k != "config"}
    elif front is not None and front.data is not None:
        data = front.data
    others = tuple((d.name.lower(), d.args_text.strip()) for d in diagram.directives if not d.is_init)
    return {"front_matter": data, "config": applied_config(diagram), "directives": others}


def _body_lines(diagram: Diagram) -> list[str]:
    """The masked block from the header on."""
    if diagram.header is None:
        return [""]
    return diagram.masked_text().split("\n")[diagram.header.number :]


def _statements(lines: list[str]) -> tuple[tuple[str, ...], ...]:
    """Non-blank lines as tokens; a quoted string is one token, its whitespace kept, even
    across lines."""
    statements: list[tuple[str, ...]] = []
    current: list[str] = []
    for token in STATEMENT_TOKEN.findall("\n".join(lines)):
        if token == "\n":
            if current:
                statements.append(tuple(current))
            current = []
        else:
            current.append(token)
    if current:
        statements.append(tuple(current))
    return tuple(statements)


def _indent_tree(lines: list[str]) -> tuple[int, ...]:
    """Each node line's parent (the nearest earlier node line indented less), as Mermaid's
    mindmap builds it; -1 for none. Decorations and label continuations are not nodes."""
    parents: list[int] = []
    stack: list[tuple[int, int]] = []  # (indent, statement index)
    index = 0
    for line, (inside, _) in zip(lines[1:], quote_states(lines)[1:]):
        if not line.strip() or inside or DECORATION.match(line.strip()):
            continue
        indent = len(line) - len(line.lstrip())
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parents.append(stack[-1][1] if stack else -1)
        stack.append((indent, index))
        index += 1
    return tuple(parents)


@cache
def _meaning_fields(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if not POSITION_FIELD.search(f.name))


def _model_difference(old: Any, new: Any) -> str | None:
    """The first difference between two body models, positions aside; None when they are
    the same. Walks both models without copying them."""
    if old is new:
        return None
    if dataclasses.is_dataclass(old) and not isinstance(old, type):
        if type(old) is not type(new):
            return f"{_short(old)} -> {_short(new)}"
        for name in _meaning_fields(type(old)):
            found = _model_difference(getattr(old, name), getattr(new, name))
            if found is not None:
                return f"{name}: {found}"
        return None
    if isinstance(old, dict) and isinstance(new, dict):
        if list(old) != list(new):
            return f"{_short(list(old))} -> {_short(list(new))}"
        return next((found for key in old if (found := _model_difference(old[key], new[key])) is not None), None)
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        if len(old) != len(new):
            return f"{len(old)} items -> {len(new)} items"
        return next((found for a, b in zip(old, new) if (found := _model_difference(a, b)) is not None), None)
    return None if old == new else f"{_short(old)} -> {_short(new)}"


def differences(before: Content, after: Content, allowed: frozenset[Meaning]) -> list[str]:
    """The parts of a block's meaning that changed and were not meant to."""
    found = []
    if Meaning.CONFIG not in allowed and before.settings != after.settings:
        found.append("configuration: " + _first_difference(before.settings, after.settings))
    if Meaning.TYPE not in allowed and before.diagram_type != after.diagram_type:
        found.append(f"diagram type: {before.diagram_type!r} -> {after.diagram_type!r}")
    if Meaning.BODY not in allowed:
        old, new = before.statements, after.statements
        if Meaning.TYPE in allowed:  # the header keyword may change, its arguments may not
            old, new = _without_keyword(old), _without_keyword(new)
        if old != new:
            found.append("body statements: " + _first_difference(old, new))
        elif before.tree != after.tree:
            found.append("body tree: the indentation now builds another tree")
        elif (not _same_body_text(before, after) and before.model != after.model
              and (change := _model_difference(before.model, after.model)) is not None):
            # (`!=` first: equal with positions is equal without, and most edits move nothing)
            found.append("parsed body: " + change)
    return found


def _same_body_text(before: Content, after: Content) -> bool:
    """The body parser reads the same text, so makes the same model."""
    return before.body is not None and after.body is not None and before.body.source == after.body.source


def _without_keyword(statements: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    return ((statements[0][1:],) + statements[1:]) if statements else statements


def _first_difference(old: Any, new: Any) -> str:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            if old.get(key, "<missing>") != new.get(key, "<missing>"):
                return f"{key}: " + _first_difference(old.get(key, "<missing>"), new.get(key, "<missing>"))
    if isinstance(old, tuple) and isinstance(new, tuple):
        for a, b in zip(old, new):
            if a != b:
                return _first_difference(a, b)
        if len(old) != len(new):
            return f"{len(old)} items -> {len(new)} items"
    return f"{_short(old)} -> {_short(new)}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
