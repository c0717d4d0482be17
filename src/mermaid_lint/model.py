"""The document model every layer shares: notes, blocks, parsed diagrams, findings, edits.

Positions inside a block are 0-based (line, column) pairs in the block's own lines (container
prefix and line terminator removed). `Block.offset` maps them to offsets in the note's text,
which is what findings and edits carry, so rules never do position arithmetic themselves.
"""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field
from functools import cache, cached_property
from enum import Enum
from operator import attrgetter
from typing import Any, Callable

Pos = tuple[int, int]  # (line, column), 0-based, in a block


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


# Edits, fixes and findings are values: never changed once made, compared and hashed by their
# fields. Not frozen: a frozen dataclass sets each field through object.__setattr__, which makes
# building one 8 times slower, and a run builds every finding again as it reads it (cache, workers).
value_class = dataclass(slots=True, unsafe_hash=True)


def _reduce_to_fields(self: Any) -> tuple:
    """Pickled as the class and its field values: a run pickles every finding (to the workers'
    pipe, the cache, packed), and slots' own state functions take twice as long."""
    return type(self), _field_values(type(self))(self)


@cache
def _field_values(kind: type) -> Callable[[Any], tuple]:
    return attrgetter(*kind.__slots__)


@value_class
class Edit:
    """Replace text[start:end] of the note with `replacement`."""

    start: int
    end: int
    replacement: str

    __reduce__ = _reduce_to_fields


class Meaning(str, Enum):
    """A part of a diagram's meaning. A rule declares which parts its fix may change; the fixer
    checks that every other part is the same before and after (see meaning.py)."""

    CONFIG = "config"  # front-matter data and the configuration Mermaid applies
    TYPE = "type"  # the diagram type keyword
    BODY = "body"  # the statements of the body
    DOCUMENT = "document"  # Markdown outside the Mermaid blocks (whole sections)


@value_class
class Fix:
    edits: tuple[Edit, ...]
    safe: bool
    description: str
    changes: frozenset[Meaning] = frozenset()  # what the fix intends to change
    rule: str = ""  # the code of the rule that made it

    __reduce__ = _reduce_to_fields


@value_class
class Finding:
    path: str
    code: str
    name: str
    severity: Severity
    message: str
    line: int  # 1-based, in the file
    column: int  # 1-based
    end_line: int
    end_column: int
    fix: Fix | None = None
    # Unreadable or unparseable input: the block or file could not be checked (exit 2).
    fatal: bool = False

    __reduce__ = _reduce_to_fields

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code)


class LineIndex:
    """Offset <-> (line, column) for one text; lines split on '\\n' (CRLF keeps its '\\r')."""

    def __init__(self, text: str) -> None:
        # An array, not a list of ints: 4 bytes a line, and every note's index is kept to the
        # end of the run (run-level findings need it).
        self.starts = array("I" if len(text) < 2**32 else "q", [0])
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


@dataclass
class Block:
    """One Mermaid diagram's source inside a note (a fenced block, or a whole .mmd file)."""

    index: int
    fence_line: int  # 0-based file line of the opening fence (-1 for a .mmd file)
    lines: list[str]
    line_starts: list[int]  # note offset where each content line's text begins
    prefix: str  # container prefix (list indent, "> ") that inserted lines need
    newline: str
    closed: bool = True
    start: int = 0  # note offsets of the whole block, fences included
    end: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def file_line(self, line: int) -> int:
        """1-based file line of a block line."""
        return self.fence_line + 2 + line

    def offset(self, pos: Pos) -> int:
        line, column = pos
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return self.line_starts[last] + len(self.lines[last]) if last >= 0 else self.start
        return self.line_starts[line] + column

    def line_end(self, line: int) -> int:
        return self.line_starts[line] + len(self.lines[line])

    def to_note_text(self, block_text: str) -> str:
        """Block-level replacement text as it must appear in the note."""
        return block_text.replace("\n", self.newline + self.prefix)

    def edit(self, start: Pos, end: Pos, replacement: str) -> Edit:
        return Edit(self.offset(start), self.offset(end), self.to_note_text(replacement))

    def replace_scalar(self, start: Pos, end: Pos, value: str) -> Edit:
        """Replace a key or value written at start..end, keeping the quotes it was written with."""
        written = self.lines[start[0]][start[1] : end[1]] if start[0] == end[0] else ""
        quote = written[0] if written[:1] in ("'", '"') else ""
        # An empty value stands right after its key's colon: `key:value` would be one scalar.
        space = " " if not written and self.lines[start[0]][start[1] - 1 : start[1]] == ":" else ""
        return self.edit(start, end, f"{space}{quote}{value}{quote}")

    def replace_lines(self, first: int, last: int, new_lines: list[str]) -> Edit:
        """Replace whole block lines first..last (inclusive) with new_lines (may be empty)."""
        start = self.line_starts[first]
        if new_lines:
            return Edit(start, self.line_end(last), self.to_note_text("\n".join(new_lines)))
        # Deleting lines also deletes the terminator and the next line's prefix.
        end = self.line_starts[last + 1] if last + 1 < len(self.lines) else self.end_of_content()
        start = start if last + 1 < len(self.lines) else self._previous_line_end(first)
        return Edit(start, end, "")

    def end_of_content(self) -> int:
        last = len(self.lines) - 1
        return self.line_end(last)

    def _previous_line_end(self, line: int) -> int:
        return self.line_end(line - 1) if line > 0 else self.line_starts[0]


@dataclass
class YamlProblem:
    line: int  # block line
    column: int
    message: str


@dataclass
class Located:
    """A value with where its key and value stand in the block."""

    key_start: Pos
    key_end: Pos
    value_start: Pos
    value_end: Pos


@dataclass
class FrontMatter:
    open_line: int  # block line of the opening '---'
    close_line: int | None  # None when unclosed
    text: str  # the YAML between the fences
    data: Any = None
    problem: YamlProblem | None = None
    locations: dict[tuple[str, ...], Located] = field(default_factory=dict)

    @property
    def config(self) -> Any:
        return self.data.get("config") if isinstance(self.data, dict) else None


@dataclass
class DirectiveProblem:
    start: Pos
    end: Pos
    message: str


@dataclass
class Directive:
    """A `%%{name: args}%%` directive."""

    start: Pos
    end: Pos
    text: str
    name: str  # init, initialize, wrap, ...
    args_text: str  # the raw text Mermaid hands to JSON.parse
    args_start: Pos
    value: Any = None  # the args as we read them (lenient: the author's intent)
    locations: dict[tuple[str, ...], Located] = field(default_factory=dict)
    # Why Mermaid's JSON.parse (after ' -> ") rejects the args; None when it accepts them.
    dropped: DirectiveProblem | None = None
    unterminated: bool = False

    @property
    def is_init(self) -> bool:
        return self.name.lower() in ("init", "initialize")


@dataclass
class BodyLine:
    number: int  # block line
    text: str


@dataclass
class Diagram:
    """A block parsed into its parts; rules read this, never the raw text."""

    block: Block
    front_matter: FrontMatter | None
    misplaced_front_matter: bool  # '---' after blank lines: Mermaid does not read it
    directives: list[Directive]
    comments: list[BodyLine]
    header: BodyLine | None
    body: list[BodyLine]  # the lines after the header that are not comments/directives

    @property
    def diagram_type(self) -> str | None:
        if self.header is None:
            return None
        words = self.header.text.split()
        return words[0].rstrip(";:") if words else None

    @cached_property
    def parsed_body(self) -> Any:
        """The parsed body (bodies.BodyResult), once per diagram; None without a grammar."""
        from .bodies import parse_body  # imported late: the body grammars load on first use

        kind = self.diagram_type
        return parse_body(kind, self.body_source()) if kind else None

    @cached_property
    def config_entries(self) -> tuple[Any, ...]:
        """The keys its config sets (mermaid.effective.ConfigEntry), once: many rules read them."""
        from .mermaid.effective import read_config_entries

        return tuple(read_config_entries(self))

    def body_source(self) -> str:
        # Every body grammar reads a run of newlines as one, so blank lines at the end of the
        # block are left out; an error at the end of the body points at its last line.
        return self.masked_text().rstrip("\n") + "\n"

    def masked_text(self) -> str:
        """The block with front-matter, directive and comment lines blanked (line numbers kept)."""
        lines = ["" for _ in self.block.lines]
        for item in ([self.header] if self.header else []) + self.body:
            lines[item.number] = item.text
        return "\n".join(lines) + "\n"


@dataclass
class Heading:
    level: int
    text: str
    line: int  # 0-based file line
    start: int  # note offset of the heading line


@dataclass
class Section:
    heading: Heading
    start: int  # note offset: heading line start
    end: int  # note offset: start of the next heading of the same or higher level (or EOF)
    blocks: list[int]  # indexes into Note.blocks


@dataclass(frozen=True)
class HtmlComment:
    """An HTML comment in a note's Markdown (not in code): where suppressions are written."""

    start: int  # note offsets of `<!--` and just after `-->`
    end: int
    text: str  # between `<!--` and `-->`


@dataclass
class Note:
    path: str
    text: str
    bom: bool
    newline: str
    blocks: list[Block]
    headings: list[Heading]
    front_matter: dict | None = None
    diagrams: list[Diagram] = field(default_factory=list)
    is_markdown: bool = True
    html_comments: list[HtmlComment] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.text)

    def sections(self) -> list[Section]:
        result: list[Section] = []
        starts = [b.start for b in self.blocks]  # in order: blocks come as the text has them
        for i, heading in enumerate(self.headings):
            end = len(self.text)
            for later in self.headings[i + 1 :]:
                if later.level <= heading.level:
                    end = later.start
                    break
            first, after = bisect.bisect_left(starts, heading.start), bisect.bisect_left(starts, end)
            inside = [b.index for b in self.blocks[first:after]]
            result.append(Section(heading, heading.start, end, inside))
        return result
