"""The meaning checks behind the normalizer: they reuse the rules' body parse, so a model must
keep every position in a position-named field, and an edit outside the body must not parse
it again."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from mermaid_lint.engine import load_note
from mermaid_lint.files import source_from_text
from mermaid_lint.meaning import _respaced, block_meaning, differences, note_meaning, with_lines
from mermaid_lint.parsing import parse_block

from conftest import FIXTURES

NOTES = sorted(FIXTURES.rglob("*.md"))


def diagrams_of(path: Path):
    text = path.read_text(encoding="utf-8")
    return load_note(str(path), source_from_text(text), False).diagrams


@pytest.mark.parametrize("path", NOTES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_body_moved_down_keeps_its_meaning(path: Path):
    # Lines added above the header (a front-matter config, say) move every position; a model
    # that kept a line number outside a position field would look changed.
    for diagram in diagrams_of(path):
        if diagram.header is None or diagram.front_matter is not None:
            continue
        block = diagram.block
        lines = ["%% moved", "%% down", *block.lines]
        moved = parse_block(dataclasses.replace(block, lines=lines, line_starts=[0] * len(lines)))
        assert moved.parsed_body is not None or diagram.parsed_body is None
        assert not differences(block_meaning(diagram), block_meaning(moved), frozenset())


def test_an_edit_outside_the_body_reuses_its_parse():
    text = "```mermaid\n---\ntitle: A  \n---\nflowchart TD\n    A --> B\n%% note  \n\n\n```\n"
    (diagram,) = load_note("note.md", source_from_text(text), False).diagrams
    before = block_meaning(diagram)
    lines = diagram.block.lines
    outside = with_lines(diagram, [line.rstrip() for line in lines if line.strip()])
    assert outside.model is before.model  # trailing spaces and final blank lines: not parsed again
    assert not differences(before, outside, frozenset())
    inside = with_lines(diagram, [line.replace("    A", "  A") for line in lines])
    assert inside.model is not before.model and not differences(before, inside, frozenset())
    relabelled = with_lines(diagram, [line.replace("B", "C") for line in lines])
    assert differences(before, relabelled, frozenset())


def test_a_block_whose_body_text_is_unchanged_is_compared_without_parsing_it():
    old = "```mermaid\n---\ntitle: 'A'\n---\nflowchart TD\n    A --> B\n```\n"
    new = old.replace("'A'", "A")  # front-matter-style's edit: the body as it was
    (before,) = note_meaning(load_note("note.md", source_from_text(old), False))
    (after,) = note_meaning(load_note("note.md", source_from_text(new), False))
    assert not before.reads_as(after)
    assert not differences(before.content, after.content, frozenset())
    assert "parsed_body" not in before.diagram.__dict__ and "parsed_body" not in after.diagram.__dict__
    relabelled = note_meaning(load_note("note.md", source_from_text(new.replace("B", "C")), False))[0]
    assert differences(before.content, relabelled.content, frozenset()) == [
        "body statements: 'B' -> 'C'"]


def test_a_block_with_the_same_text_reads_as_it_did_unless_its_fence_closed():
    text = "# Title\n\n```mermaid\nflowchart TD\n    A --> B\n```\n"
    moved = "# Title\n\nA new paragraph.\n\n```mermaid\nflowchart TD\n    A --> B\n```\n"
    unclosed = "# Title\n\n```mermaid\nflowchart TD\n    A --> B\n"
    (block,) = note_meaning(load_note("note.md", source_from_text(text), False))
    (same,) = note_meaning(load_note("note.md", source_from_text(moved), False))
    (open_,) = note_meaning(load_note("note.md", source_from_text(unclosed), False))
    assert block.reads_as(same) and same.line == block.line + 2
    assert not block.reads_as(open_) and open_.diagram is None


# Lines a whitespace edit can turn into another kind: front-matter, comments, directives.
TRICKY_LINES = ["  ---", "---", "%% ", "  %%x ", "%%{init: {}}%%", " %%{open", "}%%  ", "\t", "   "]


@pytest.mark.parametrize("path", NOTES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_respaced_block_splits_as_the_block_grammar_splits_it(path: Path):
    # Re-indentation and trailing whitespace are checked without the block grammar; whatever
    # spaces and tabs change, the shortcut must give what the grammar gives, or step aside.
    rng = random.Random(str(path.name))
    for diagram in diagrams_of(path):
        for _ in range(8):
            lines = list(diagram.block.lines)
            for _ in range(2):
                lines.insert(rng.randrange(len(lines) + 1), rng.choice(TRICKY_LINES))
            base = parse_block(dataclasses.replace(diagram.block, lines=lines, line_starts=[0] * len(lines)))
            edited = [rng.choice([line, line.strip(" \t"), "  " + line, line + " \t"]) for line in lines]
            edited = edited[: len(edited) - rng.randrange(3)]
            block = dataclasses.replace(base.block, lines=edited, line_starts=[0] * len(edited))
            shortcut = _respaced(base, block)
            if shortcut is not None:
                parsed = parse_block(block)
                for field in ("front_matter", "misplaced_front_matter", "directives", "comments", "header", "body"):
                    assert getattr(shortcut, field) == getattr(parsed, field), (field, edited)


def test_lines_whose_change_matters_are_found_in_a_few_parses_not_one_per_line(monkeypatch):
    from mermaid_lint import meaning

    body = [f"{'      ' if i % 2 else '  '}N{i} --> N{i + 1}" for i in range(200)]
    label = ["  L[first line", "          continued] --> N0"]
    text = "```mermaid\nflowchart TD\n" + "\n".join([*body, *label]) + "\n```\n"
    (diagram,) = load_note("note.md", source_from_text(text), False).diagrams
    lines = diagram.block.lines
    wanted = {i: "  " + line.strip() for i, line in enumerate(lines) if line.startswith("  ")}
    compared = []
    real = meaning.differences
    monkeypatch.setattr(meaning, "differences", lambda *args: compared.append(1) or real(*args))
    kept = meaning.harmless_changes(diagram, wanted)
    continuation = lines.index(label[1])  # re-indenting it changes the label
    assert kept == sorted(set(wanted) - {continuation})
    assert len(compared) <= 20  # by halves: about twice the depth of 200 lines, not 200


def test_a_line_is_never_changed_into_one_that_would_close_the_fence():
    from mermaid_lint import fix_text

    # Indented four columns, the backticks are diagram text; moved left, they would end the
    # block there (the block's own meaning cannot see that, so the formatting rules must not).
    note = "```mermaid\nflowchart TD\n  A --> B\n  subgraph S\n  C\n  end\n\t```\n    ~~~ \n```\n"
    fixed, remaining = fix_text(note, "note.md")
    assert fixed.endswith("  subgraph S\n    C\n  end\n\t```\n    ~~~\n```\n")
