"""Findings that depend on the Mermaid version the note targets (`%% Mermaid version vX.Y.Z`)."""

from __future__ import annotations

from collections import Counter

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


def test_a_notes_own_facts_are_worked_out_once_not_per_diagram(monkeypatch):
    """A note of hundreds of diagrams must not cost the square of them: the version stated in
    the note and its prevailing quote style are found once per check."""
    from mermaid_lint.mermaid import effective
    from mermaid_lint.rules import front_matter_style

    calls: Counter[str] = Counter()
    for module, name in ((effective, "stated_version"), (front_matter_style, "prevailing_style")):
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args, name=name, original=original: (
            calls.update([name]), original(*args))[1])
    block = '```mermaid\n---\ntitle: "T"\n---\n%%{init: {"theme": "dark"}}%%\ngraph TD\n  A[a<br>b] --> B\n```\n'
    diagrams = 60
    findings = check_text(block * diagrams, "n.md")
    assert "ML801" in {f.code for f in findings}  # it asks for the quote style of each diagram's directive
    assert calls["prevailing_style"] == 1
    assert diagrams < calls["stated_version"] <= 12 * diagrams  # each rule asks of each diagram; the note once
