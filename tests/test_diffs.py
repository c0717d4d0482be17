"""`fix --diff`'s unified diffs: difflib's own on ordinary notes, matched in one pass on long ones."""

from __future__ import annotations

import difflib
import re

import pytest

from mermaid_lint import diffs
from mermaid_lint.diffs import unified_diff

HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n")


def _patched(old: str, diff: list[str]) -> str:
    """`old` with the diff (as unified_diff yields it: a line at a time) applied, checking each
    hunk's ranges and context lines as `patch` would."""
    lines = old.splitlines(keepends=True)
    out: list[str] = []
    taken = 0  # lines of `old` copied or consumed so far
    counts = [0, 0]  # lines of the current hunk still to come, old and new

    for item in diff:
        if item.startswith(("--- ", "+++ ")) and counts == [0, 0]:
            continue  # the file header
        match = HUNK.fullmatch(item)
        if match:
            assert counts == [0, 0]
            counts = [int(match[2] or 1), int(match[4] or 1)]
            start = int(match[1]) - 1 if counts[0] else int(match[1])
            assert start >= taken
            out += lines[taken:start]
            taken = start
            continue
        tag, text = item[0], item[1:]
        if tag in " -":
            assert lines[taken] == text
            taken += 1
            counts[0] -= 1
        if tag in " +":
            out.append(text)
            counts[1] -= 1
    assert counts == [0, 0]
    return "".join(out + lines[taken:])


def _note(sections: int, edited: bool) -> str:
    """A long note of near-identical diagrams, each with a line the fix moves."""
    parts = []
    for label in range(sections):
        directive = "" if edited else '%%{init: {"theme": "forest"}}%%\n'
        front = 'config:\n  theme: "forest"\n' if edited else ""
        parts.append(f"## Section {label}\n\n```mermaid\n---\ntitle: \"D{label}\"\n{front}---\n{directive}"
                     f"flowchart TD\n    A{label} --> B{label}\n```\n\n")
    return "".join(parts)


@pytest.mark.parametrize("old, new", [
    ("a\nb\nc\n", "a\nB\nc\n"),
    ("", "new\n"),
    ("gone\n", ""),
    ("no end", "no end\nadded"),
    ("same\n", "same\n"),
    ("".join(f"line {n}\n" for n in range(40)), "".join(f"line {n}\n" for n in range(40) if n % 9)),
])
def test_an_ordinary_note_gets_difflibs_own_diff(old: str, new: str):
    expected = list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), "a/n", "b/n"))
    assert list(unified_diff(old, new, "a/n", "b/n")) == expected


def test_a_long_repetitive_note_is_matched_in_one_pass(monkeypatch):
    """difflib's whole-note matching is quadratic on such a note; every match looked for here
    spans a few lines around one difference, and the diff rebuilds the new text."""
    old, new = _note(3_000, edited=False), _note(3_000, edited=True)
    assert len(old.splitlines()) > 6 * diffs.EXACT_LINES
    spans: list[int] = []
    find_longest_match = difflib.SequenceMatcher.find_longest_match

    def recorded(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        spans.append((ahi - alo) + (bhi - blo))
        return find_longest_match(self, alo, ahi, blo, bhi)

    monkeypatch.setattr(difflib.SequenceMatcher, "find_longest_match", recorded)
    diff = list(unified_diff(old, new, "a/n", "b/n"))
    assert spans and max(spans) <= 2 * diffs.FIRST_WINDOW
    assert _patched(old, diff) == new
    assert sum(line.startswith("@@") for line in diff) == 3_000  # a hunk per diagram


def test_a_long_note_that_never_agrees_again_is_replaced():
    old = "".join(f"same {n}\n" for n in range(diffs.EXACT_LINES)) + "".join(f"old {n}\n" for n in range(3_000))
    new = "".join(f"same {n}\n" for n in range(diffs.EXACT_LINES)) + "".join(f"new {n}\n" for n in range(3_000))
    diff = list(unified_diff(old, new, "a/n", "b/n"))
    assert _patched(old, diff) == new
    assert sum(line.startswith("@@") for line in diff) == 1


def test_diffs_of_long_notes_rebuild_the_new_text():
    """Insertions, deletions and changes at the start, the middle and the end, no final newline."""
    base = [f"line {n % 50}\n" for n in range(6_000)]
    changed = list(base)
    changed[0:2] = ["first\n"]
    changed[3_000:3_000] = ["inserted\n"] * 5
    del changed[4_000:4_100]
    changed[-1] = "last, without a newline"
    old, new = "".join(base), "".join(changed)
    assert _patched(old, list(unified_diff(old, new, "a/n", "b/n"))) == new
    assert list(unified_diff(old, old, "a/n", "b/n")) == []
