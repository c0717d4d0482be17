"""Small edit helpers the rules share (no rules here)."""

from __future__ import annotations

from ..model import Block, Edit, Pos


def source_text(block: Block, start: Pos, end: Pos) -> str:
    """The block's text between two positions (they may span lines)."""
    if start[0] == end[0]:
        return block.lines[start[0]][start[1]:end[1]]
    middle = block.lines[start[0] + 1:end[0]]
    return "\n".join([block.lines[start[0]][start[1]:], *middle, block.lines[end[0]][:end[1]]])


def replace_keeping_quotes(block: Block, start: Pos, end: Pos, new: str) -> Edit:
    """Replace a key or scalar written at start..end, keeping the author's quotes if any."""
    raw = source_text(block, start, end)
    quote = raw[0] if raw[:1] in ("'", '"') else ""
    return block.edit(start, end, f"{quote}{new}{quote}")
