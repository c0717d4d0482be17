"""Shared by the body modules that run Lark's contextual lexer (mindmap, sequence, gantt, pie,
er, timeline): the text Mermaid really parses, parsing it, and turning Lark errors into
BodySyntaxErrors in the author's words. (The Jison-lexer bodies share _jison.py.)"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from mermaid_lint.bodies import BodyResult, BodySyntaxError
from mermaid_lint.grammars import lalr_parser

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


@dataclass
class Parsed:
    """A body parsed the way Mermaid would: the tree, or the first error."""

    tree: Tree | None
    prepared: Prepared
    error: UnexpectedInput | None = None
    # Set when the text parses only once its empty lines are left out: the error it gives with
    # them, for a caller that knows whether those lines were blank in the note or comments.
    error_with_empty_lines: UnexpectedInput | None = None
    with_empty_lines: Prepared | None = None


def parse_prepared(grammar: str, text: str, suffix: str = "") -> Parsed:
    """Parse `text` as Mermaid would.

    Comment lines reach us blank, but Mermaid removes them, which matters where a keyword may
    read on into the next line (`axisFormat` alone, a blank line after `mindmap`). So when the
    text fails to parse, it is parsed again without its empty lines, and that reading wins (a
    missed error is better than a false alarm); `Parsed.error_with_empty_lines` keeps the other.
    """
    prepared = prepare(text)
    parser = lalr_parser(grammar)
    try:
        return Parsed(parser.parse(prepared.text + suffix), prepared)
    except UnexpectedInput as exc:
        if "\n\n" in prepared.text.rstrip("\n"):
            retry = prepare(text, drop_empty_lines=True)
            try:
                return Parsed(parser.parse(retry.text + suffix), retry, None, exc, prepared)
            except UnexpectedInput:
                pass
        return Parsed(None, prepared, exc)


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


def expected_terminals(exc: UnexpectedInput) -> frozenset[str]:
    """The terminals the parser could take at the error (exact: LALR's own sets are merged)."""
    if isinstance(exc, UnexpectedToken):
        if exc.interactive_parser is not None:
            return frozenset(exc.interactive_parser.accepts() - {"$END"})
        return frozenset(exc.expected)
    return frozenset(getattr(exc, "allowed", None) or ())


def expected_words(exc: UnexpectedInput, names: Mapping[str, str]) -> tuple[str, ...]:
    """What the parser could take at the error, in words (internal terminals are left out)."""
    return tuple(sorted({names[name] for name in expected_terminals(exc) if name in names}))


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
    position: tuple[int, int] | None = None,
) -> BodySyntaxError:
    """A Lark error as a `BodySyntaxError` at the block's own line and column."""
    line, column = position or error_position(exc, prepared)
    expected = expected_words(exc, names)
    if message is None:
        message = f"unexpected {found_text(exc)}"
        if expected:
            message += f"; expected {join_words(expected)}"
    return BodySyntaxError(line, column, message, expected, hint)


def with_empty_line_error(
    result: BodyResult,
    parsed: Parsed,
    describe: Callable[[UnexpectedInput, Prepared], BodySyntaxError],
) -> BodyResult:
    """Note in `extra` the error Mermaid gives if the empty lines were blank lines, not comments."""
    if parsed.error_with_empty_lines is not None and parsed.with_empty_lines is not None:
        error = describe(parsed.error_with_empty_lines, parsed.with_empty_lines)
        result.extra["error_if_empty_lines_are_blank"] = error
    return result


def token_position(token: Token, prepared: Prepared) -> tuple[int, int]:
    return prepared.locate(token.line or 1, token.column or 1)


def content_position(token: Token, prepared: Prepared) -> tuple[int, int]:
    """Where a token's first visible character is (some terminals start with their blanks)."""
    text = str(token)
    blanks = text[: len(text) - len(text.lstrip())]
    line, column = token.line or 1, token.column or 1
    if "\n" in blanks:
        return prepared.locate(line + blanks.count("\n"), len(blanks) - blanks.rfind("\n"))
    return prepared.locate(line, column + len(blanks))


def parse_body_with(
    grammar: str,
    diagram_type: str,
    text: str,
    describe: Callable[[UnexpectedInput, Prepared], BodySyntaxError],
    build: Callable[[Tree, Prepared], BodyResult],
    suffix: str = "",
) -> BodyResult:
    """The `parse` of a contextual-lexer body: parse, then build the model or describe the error."""
    parsed = parse_prepared(grammar, text, suffix)
    if parsed.error is not None:
        return BodyResult(diagram_type, error=describe(parsed.error, parsed.prepared))
    assert parsed.tree is not None
    return with_empty_line_error(build(parsed.tree, parsed.prepared), parsed, describe)
