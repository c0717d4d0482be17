"""Inline suppressions, in diagrams and in Markdown, by code and by name; unused ones reported."""

from __future__ import annotations

import pytest

from mermaid_lint import check_text, fix_text
from mermaid_lint.config import Settings


def found(text: str, settings: Settings | None = None, path: str = "note.md") -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in check_text(text, path, settings)]


def note(*diagram_lines: str, before: str = "", after: str = "") -> str:
    return before + "```mermaid\nflowchart TD\n" + "".join(f"    {line}\n" if line else "\n" for line in diagram_lines) + "```\n" + after


@pytest.mark.parametrize("rules", ["ML401", "broken-line-break", "ML401, broken-line-break", "ml401"])
def test_disable_next_line_by_code_or_name(rules: str):
    text = note(f"%% mermaid-lint: disable={rules}", "A --> B[one<b/r>two]", "B --> C[three<b/r>four]")
    assert found(text) == [(5, "ML401")]  # only the line after the comment


def test_disable_next_line_skips_other_comments_and_blank_lines():
    text = note("%% mermaid-lint: disable=ML401", "%% an ordinary comment", "", "A --> B[one<b/r>two]")
    assert found(text) == []


def test_disable_without_rules_means_every_rule():
    assert found(note("%% mermaid-lint: disable", "A --> B[one<b/r>two]")) == []


def test_disable_block():
    text = note("%% mermaid-lint: disable-block=broken-line-break", "A --> B[one<b/r>two]", "B --> C[three<b/r>four]")
    assert found(text) == []
    other = note("B --> C[three<b/r>four]")
    assert found(text + "\n" + other) == [(10, "ML401")]  # the next block is not covered


def test_markdown_disable_enable_range():
    bad = note("A --> B[one<b/r>two]")
    text = "<!-- mermaid-lint-disable ML401 -->\n\n" + bad + "\n<!-- mermaid-lint-enable -->\n\n" + bad
    assert found(text) == [(12, "ML401")]
    by_name = "<!-- mermaid-lint-disable broken-line-break -->\n" + bad + "<!-- mermaid-lint-enable broken-line-break -->\n" + bad
    assert found(by_name) == [(9, "ML401")]


def test_markdown_disable_file_anywhere_in_the_note():
    bad = note("A --> B[one<b/r>two]")
    assert found(bad + "\n<!-- mermaid-lint-disable-file ML401 -->\n") == []
    assert found(bad + "\n<!-- mermaid-lint-disable-file ML5 -->\n") == [(3, "ML401"), (6, "ML010")]


def test_comments_shown_as_code_are_not_suppressions():
    text = "````markdown\n<!-- mermaid-lint-disable-file -->\n````\n\n" + note("A --> B[one<b/r>two]")
    assert found(text) == [(7, "ML401")]


def test_fatal_findings_cannot_be_suppressed():
    text = "<!-- mermaid-lint-disable-file -->\n\n```mermaid\nflowchart TD\n  A --> B\n"
    # the unclosed fence is still reported, so the disable-file hides nothing at all
    assert found(text) == [(1, "ML010"), (3, "ML001")]


def test_mmd_files_take_block_comments():
    text = "flowchart TD\n    %% mermaid-lint: disable=ML401\n    A --> B[one<b/r>two]\n    B --> C[x<b/r>y]\n"
    assert found(text, path="d.mmd") == [(4, "ML401")]


def test_unused_suppressions_are_reported_only_for_rules_that_ran():
    text = note("%% mermaid-lint: disable=ML401,ML501", "A --> B[fine]")
    assert found(text) == [(3, "ML010")]
    message = check_text(text, "n.md")[0].message
    assert message == "ML401, ML501 found nothing to suppress here"
    assert found(text, Settings(select=("ML5", "ML010"))) == [(3, "ML010")]
    assert check_text(text, "n.md", Settings(select=("ML5", "ML010")))[0].message == "ML501 found nothing to suppress here"
    assert found(text, Settings(select=("ML010",))) == []  # neither rule ran: nothing to judge
    assert found(text, Settings(ignore=("unused-suppression",))) == []


def test_partly_used_suppression_keeps_the_used_rules_when_fixed():
    text = note("%% mermaid-lint: disable=ML401,ML501", "A --> B[one<b/r>two]")
    assert found(text) == [(3, "ML010")]
    fixed, remaining = fix_text(text, "n.md")
    assert "%% mermaid-lint: disable=ML401\n" in fixed and remaining == []


def test_unused_suppression_can_itself_be_suppressed_by_name():
    text = note("%% mermaid-lint: disable=ML401", "A --> B[fine]", after="\n<!-- mermaid-lint-disable-file unused-suppression -->\n")
    assert found(text) == []


def test_fixing_removes_suppressions_made_unused_by_fixes():
    text = "<!-- mermaid-lint-disable ML501 -->\n" + note("A --> B[one<b/r>two]") + "<!-- mermaid-lint-enable -->\n"
    fixed, remaining = fix_text(text, "n.md")
    assert fixed == note("A --> B[one<br/>two]") and remaining == []


def test_nested_ranges_and_many_suppressions_cover_by_line(monkeypatch):
    from mermaid_lint import suppressions

    bad = note("A --> B[one<b/r>two]")
    nested = ("<!-- mermaid-lint-disable ML401 -->\n" + bad + "<!-- mermaid-lint-disable ML602 -->\n" + bad
              + "<!-- mermaid-lint-enable ML401 -->\n" + bad + "<!-- mermaid-lint-enable -->\n" + bad)
    # Lines 1-11 hide ML401 (the enable of ML401 closes that range only); ML602 is never found.
    assert found(nested) == [(6, "ML010"), (14, "ML401"), (19, "ML401")]
    compared = []
    covers = suppressions.Suppression.covers
    monkeypatch.setattr(suppressions.Suppression, "covers", lambda self, f: compared.append(1) or covers(self, f))
    many = ("<!-- mermaid-lint-disable ML401 -->\n" + bad + "<!-- mermaid-lint-enable -->\n" + bad) * 300
    assert [code for _, code in found(many)].count("ML401") == 300  # every other diagram's
    assert len(compared) <= 2 * 1200  # each finding meets the few suppressions open at its line
