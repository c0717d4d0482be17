"""Whatever the input, the tool answers without crashing, and fixing is idempotent."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mermaid_lint import check_paths, check_text, fix_text
from mermaid_lint.files import MAX_BYTES

from conftest import require_corpus

PIECES = [
    "```mermaid\n", "```\n", "~~~mermaid\n", "~~~\n", "---\n", "config:\n", "  theme: dark\n",
    "  themeVariables:\n", "    primaryColor: '#fff'\n", "%%{init: {'theme': 'base'}}%%\n",
    "%%{init: {'graph': {'curve': 'linear'},}}%%\n", "%%{\n", "}%%\n", "%% comment\n",
    "graph TD\n", "gantt\n", "mindmap\n", "  A[x<b/r>y] --> B\n", "  t :a1, 2024-01, 1M // c\n",
    "## Heading\n", "> ", "- ", "  ", "\n", "<!--\n", "-->\n", "title: 'x\n", "\r\n", "\t",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40))
def test_any_text_is_checked_and_fixed_without_crash(pieces):
    text = "".join(pieces)
    check_text(text, "fuzz.md")
    try:
        once, _ = fix_text(text, "fuzz.md", unsafe=True)
    except RuntimeError as refused:  # a refused fix is reported, never applied
        assert "left unchanged" in str(refused)
        return
    twice, _ = fix_text(once, "fuzz.md", unsafe=True)
    assert twice == once


def test_too_large_file_is_skipped_with_a_message(tmp_path: Path):
    huge = tmp_path / "huge.md"
    with huge.open("wb") as out:
        out.truncate(MAX_BYTES + 1)
    report = check_paths([str(huge)])
    assert [p.message for p in report.problems] == ["file too large (16 MiB, limit 16 MiB); skipped"]


def test_a_diagram_nested_too_deeply_is_named_as_such_and_the_rest_checked(tmp_path: Path):
    deep = tmp_path / "deep.md"
    deep.write_text("```mermaid\nflowchart TD\n" + "subgraph S\n" * 1200 + "A --> B\n" + "end\n" * 1200 + "```\n")
    (tmp_path / "other.md").write_text("```mermaid\nflowchart TD\n  A[a<b/r>b] --> B\n```\n")
    report = check_paths([str(tmp_path)])
    [problem] = report.problems
    assert problem.path == str(deep) and "nests too deeply to check" in problem.message
    assert [f.code for f in report.findings] == ["ML401"]


def test_dev_corpus_never_crashes():
    corpus = require_corpus()
    report = check_paths([str(corpus)])
    assert report.files > 500
    assert not [p for p in report.problems if "internal error" in p.message]


def test_a_stray_carriage_return_before_the_front_matter_reads_as_a_blank_line():
    # Mermaid turns a lone CR into a line break: the line is blank, not the diagram's header.
    note = "```mermaid\r\n\r\r\n---\r\nconfig:\r\n  theme: dark\r\n---\r\nflowchart TD\r\n  A --> B\r\n```\r\n"
    assert [(f.code, f.line, f.fixable) for f in check_text(note, "n.md")] == [("ML202", 3, True)]
    assert fix_text(note, "n.md")[0] == note.replace("\r\r\n", "", 1)


def test_an_unclosed_front_matter_with_readable_yaml_is_reported_once():
    # Its YAML reads (`config:` empty, `theme` beside it) but Mermaid reads none of it.
    assert [f.code for f in check_text("```mermaid\n---\nconfig:\ntheme: dark\n```\n", "n.md")] == ["ML002"]


def test_notes_edited_by_hand_are_checked_and_fixed_without_a_problem():
    """A few hundred rounds of scripts/fuzz_notes.py on the dev corpus (its config focus: the
    one that found most bugs): no crash, no refused or wrong fix, fixing twice changes nothing."""
    corpus = require_corpus()
    spec = importlib.util.spec_from_file_location("fuzz_notes", Path(__file__).parents[1] / "scripts" / "fuzz_notes.py")
    fuzz_notes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz_notes)
    problems = [(str(path), problem) for _, path, _, problem in
                fuzz_notes.fuzz(fuzz_notes.corpus_notes(corpus), 400, 5, "config")]
    assert problems == []
