"""Findings that depend on the Mermaid version the note targets (`%% Mermaid version vX.Y.Z`)."""

from __future__ import annotations

from mermaid_lint import check_text


def codes(text: str, *wanted: str) -> list[str]:
    return [f.code for f in check_text(text, "n.md") if f.code in wanted]


def test_line_breaks_follow_the_target_version():
    block = "```mermaid\n%% Mermaid version v{}\ngraph TD\n  A[one</br>two] --> B\n```\n"
    assert codes(block.format("11.4.1"), "ML401", "ML402") == ["ML401"]
    assert codes(block.format("12.3.0"), "ML401", "ML402") == ["ML402"]


def test_elk_layout_needs_the_plugin_before_12():
    block = "```mermaid\n---\nconfig:\n  layout: elk\n---\n%% Mermaid version v{}\ngraph TD\n  A --> B\n```\n"
    old = [f for f in check_text(block.format("11.4.1"), "n.md") if f.code == "ML109"]
    assert len(old) == 1 and "Mermaid 11.4.1" in old[0].message and "layout-elk" in old[0].message
    assert codes(block.format("12.3.0"), "ML109") == []
