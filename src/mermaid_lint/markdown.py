"""Note text -> Note: its Mermaid blocks (with offsets), headings and own front-matter.

A real CommonMark parser finds the fences, so a fence inside an HTML comment or another code
block is not a diagram, and fences indented in lists or block quotes are.
"""

from __future__ import annotations

import re
from functools import cache

import yaml
from markdown_it import MarkdownIt

from .model import Block, Heading, HtmlComment, Note
from .yaml_loader import load_with_nodes

MERMAID_INFO = re.compile(r"^mermaid(?:\s|$)", re.IGNORECASE)
HTML_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
NOTE_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


@cache
def _parser() -> MarkdownIt:
    # Block structure only (fences, headings, HTML blocks): inline parsing of every paragraph
    # would be half the time; _holds_html_comment parses the few paragraphs that need it.
    return MarkdownIt("commonmark").disable("inline")


@cache
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def _holds_html_comment(token) -> bool:
    """Raw HTML in a paragraph or heading that has a comment (the only HTML looked for); a
    comment in a code span is not HTML."""
    return "<!--" in token.content and any(
        child.type == "html_inline" for inline in _inline_parser().parseInline(token.content) for child in inline.children or ())


def _raw_lines(text: str) -> tuple[list[str], list[int]]:
    """Lines without terminators, and the offset each starts at."""
    lines, starts, pos = [], [], 0
    for piece in text.split("\n"):
        starts.append(pos)
        lines.append(piece[:-1] if piece.endswith("\r") else piece)
        pos += len(piece) + 1
    return lines, starts


def _note_front_matter(lines: list[str]) -> tuple[int, dict | None]:
    """Number of lines the note's own YAML front-matter takes, and its data."""
    if not lines or lines[0].rstrip() != "---":
        return 0, None
    for end in range(1, len(lines)):
        if NOTE_FRONT_MATTER_END.match(lines[end]):
            try:
                _, data = load_with_nodes("\n".join(lines[1:end]))
            except yaml.YAMLError:
                data = None  # the note's own metadata: not ours to judge
            return end + 1, data if isinstance(data, dict) else None
    return 0, None


def _is_closing_fence(line: str, marker: str) -> bool:
    stripped = line.lstrip(" \t>").strip()
    return len(stripped) >= len(marker) and stripped == marker[0] * len(stripped)


def parse_note(path: str, text: str, bom: bool, newline: str) -> Note:
    lines, starts = _raw_lines(text)
    front_lines, front_data = _note_front_matter(lines)
    # Blank the note's front-matter so markdown-it does not read `---` as headings or rules;
    # lone CRs become spaces so its line numbers match ours.
    visible = ["" if i < front_lines else line.replace("\r", " ") for i, line in enumerate(lines)]
    tokens = _parser().parse("\n".join(visible))

    blocks: list[Block] = []
    headings: list[Heading] = []
    html_lines: list[tuple[int, int]] = []  # line ranges of Markdown that may hold HTML comments
    for i, token in enumerate(tokens):
        if token.map and (token.type == "html_block" or (token.type == "inline" and _holds_html_comment(token))):
            html_lines.append(tuple(token.map))
        if token.type == "heading_open" and token.map:
            line = token.map[0]
            headings.append(Heading(int(token.tag[1:]), tokens[i + 1].content.strip(), line, starts[line]))
        elif token.type == "fence" and token.map and MERMAID_INFO.match(token.info.strip()):
            blocks.append(_fence_block(len(blocks), token, lines, starts, newline, len(text)))
    note = Note(path, text, bom, newline, blocks, headings, front_data)
    note.html_comments = _html_comments(text, starts, html_lines)
    return note


def _html_comments(text: str, starts: list[int], html_lines: list[tuple[int, int]]) -> list[HtmlComment]:
    """Comments in the HTML markdown-it found (so not the ones shown inside code)."""
    found: dict[int, HtmlComment] = {}
    for first, after in html_lines:
        end = starts[after] if after < len(starts) else len(text)
        for match in HTML_COMMENT.finditer(text, starts[first], end):
            found[match.start()] = HtmlComment(match.start(), match.end(), match.group(1))
    return sorted(found.values(), key=lambda c: c.start)


def _fence_block(index, token, lines, starts, newline, text_length) -> Block:
    first, after = token.map
    closed = after - 1 > first and _is_closing_fence(lines[after - 1], token.markup)
    content_end = after - 1 if closed else after
    contents = token.content.split("\n")[: content_end - first - 1]
    block_lines, line_starts = [], []
    prefix = ""
    for number, content in zip(range(first + 1, content_end), contents):
        raw = lines[number]
        cut = len(raw) - len(content) if raw.endswith(content) else 0
        block_lines.append(raw[cut:])
        line_starts.append(starts[number] + cut)
        if content.strip() and not prefix:
            prefix = raw[:cut]
    if not prefix:
        opener = lines[first]
        prefix = opener[: len(opener) - len(opener.lstrip(" \t>"))]
    end_line = after - 1
    end = min(starts[end_line] + len(lines[end_line]), text_length)
    return Block(index, first, block_lines, line_starts, prefix, newline, closed, starts[first], end)


def parse_mermaid_file(path: str, text: str, bom: bool, newline: str) -> Note:
    """A .mmd file is one block: all of it."""
    lines, starts = _raw_lines(text)
    if lines and lines[-1] == "":
        lines, starts = lines[:-1], starts[:-1]
    block = Block(0, -1, lines, starts, "", newline, True, 0, len(text))
    return Note(path, text, bom, newline, [block] if lines else [], [], None, is_markdown=False)
