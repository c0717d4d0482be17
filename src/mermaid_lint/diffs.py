"""Unified diffs of a note before and after `fix`, in time that grows with the note's size.

difflib matches lines by the longest common run, recursively: exact, and quadratic on a long
note that repeats its lines (a 200,000-line note of similar diagrams ran for more than 15
minutes). A note that fix changed is mostly the same lines in the same order, so past
EXACT_LINES the lines are matched in one pass: equal lines are taken as they come, and at a
difference the nearest lines where both notes agree again are looked up in a window that
grows until they are found; difflib aligns each difference between them.
"""

from __future__ import annotations

import difflib
from typing import Iterator

EXACT_LINES = 5_000  # old and new lines together, up to which difflib matches the whole note
FIRST_WINDOW = 64  # lines looked at, on each side, for where the notes agree again
AGREEING_LINES = 3  # equal lines in a row that count as agreeing again (fewer at the end)
CONTEXT = 3


def unified_diff(old: str, new: str, old_name: str, new_name: str) -> Iterator[str]:
    """`diff -u` of two texts, line terminators kept, as difflib.unified_diff writes it."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if len(a) + len(b) <= EXACT_LINES:
        yield from difflib.unified_diff(a, b, old_name, new_name)
        return
    matcher = _OnePassMatcher(a, b)
    started = False
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if not started:
            yield f"--- {old_name}\n+++ {new_name}\n"
            started = True
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[i1:i2])
                continue
            yield from ("-" + line for line in a[i1:i2])
            yield from ("+" + line for line in b[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's line range as `diff -u` writes it (1-based; an empty range names the line before)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


class _OnePassMatcher(difflib.SequenceMatcher):
    """difflib's opcodes and hunks over lines matched in one pass (see the module's doc)."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        super().__init__(None, a, b, autojunk=False)

    def get_matching_blocks(self) -> list[difflib.Match]:
        if self.matching_blocks is None:
            self.matching_blocks = _merged(_one_pass(self.a, self.b), len(self.a), len(self.b))
        return self.matching_blocks


def _one_pass(a: list[str], b: list[str]) -> Iterator[tuple[int, int, int]]:
    """(i, j, size) of runs where a[i:i+size] == b[j:j+size], in order."""
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            start_i, start_j = i, j
            while i < len(a) and j < len(b) and a[i] == b[j]:
                i, j = i + 1, j + 1
            yield start_i, start_j, i - start_i
            continue
        next_i, next_j = _agreeing_again(a, b, i, j)
        if (next_i - i) + (next_j - j) <= EXACT_LINES:  # else it is all replaced
            differing = difflib.SequenceMatcher(None, a[i:next_i], b[j:next_j], autojunk=False)
            for di, dj, size in differing.get_matching_blocks()[:-1]:
                yield i + di, j + dj, size
        i, j = next_i, next_j


def _agreeing_again(a: list[str], b: list[str], i: int, j: int) -> tuple[int, int]:
    """The nearest (fewest lines skipped on both sides) positions from (i, j) on where the notes
    agree again; the ends of both when they never do."""
    window = FIRST_WINDOW
    while True:
        at_b: dict[str, list[int]] = {}
        for k in range(j, min(j + window, len(b))):
            at_b.setdefault(b[k], []).append(k)
        best: tuple[int, int] | None = None
        for k in range(i, min(i + window, len(a))):
            if best is not None and k - i >= best[0] - i + best[1] - j:
                break  # no later line of `a` can be nearer
            for m in at_b.get(a[k], ()):
                if best is not None and (k - i) + (m - j) >= (best[0] - i) + (best[1] - j):
                    break
                if _agree(a, b, k, m):
                    best = (k, m)
                    break
        if best is not None:
            return best
        if i + window >= len(a) and j + window >= len(b):
            return len(a), len(b)
        window *= 2


def _agree(a: list[str], b: list[str], i: int, j: int) -> bool:
    """AGREEING_LINES equal lines from (i, j) on, or equal lines to the end of either."""
    run = 0
    while i + run < len(a) and j + run < len(b) and run < AGREEING_LINES:
        if a[i + run] != b[j + run]:
            return False
        run += 1
    return True


def _merged(runs: Iterator[tuple[int, int, int]], end_a: int, end_b: int) -> list[difflib.Match]:
    """The runs with adjacent ones joined, ending with difflib's (len(a), len(b), 0)."""
    blocks: list[difflib.Match] = []
    for i, j, size in runs:
        if not size:
            continue
        if blocks and blocks[-1].a + blocks[-1].size == i and blocks[-1].b + blocks[-1].size == j:
            last = blocks.pop()
            i, j, size = last.a, last.b, last.size + size
        blocks.append(difflib.Match(i, j, size))
    blocks.append(difflib.Match(end_a, end_b, 0))
    return blocks
