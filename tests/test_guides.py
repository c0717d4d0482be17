"""The users' guides end to end: what check reports, and that fix is safe and idempotent."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from mermaid_lint import check_paths, fix_paths
from mermaid_lint.config import Settings

from conftest import GUIDES

OVERVIEW = "llama-4-comprehensive-overview.md"
FUTURE = "future-of-ai-built-with-llama.md"
REPEATED_SECTIONS = {
    "Summary of Key Takeaways & Growth",
    "Llama Model Evolution Timeline (2024)",
    "Llama Ecosystem Overview",
    "Meta AI Assistant: Reach and Integration",
    "Llama Adoption Examples",
    "Future Roadmap (2025 Outlook)",
}


def findings_by_code(report, code):
    return [f for f in report.findings if f.code == code]


def test_check_reports_what_the_users_named():
    report = check_paths([str(GUIDES)])
    assert not report.problems
    assert report.files == 3

    breaks = [(Path(f.path).name, f.line) for f in findings_by_code(report, "ML401")]
    assert breaks == [(OVERVIEW, 1522), (OVERVIEW, 1523)]

    repeated = findings_by_code(report, "ML601")
    assert {Path(f.path).name for f in repeated} == {OVERVIEW}
    assert {re.search(r"section '(.+?)' repeats", f.message).group(1) for f in repeated} == REPEATED_SECTIONS
    assert all(FUTURE in f.message for f in repeated)

    ignored = findings_by_code(report, "ML301")
    assert ignored and all("`dark`" in f.message for f in ignored)

    graph_keys = [f for f in findings_by_code(report, "ML101") if "`graph`" in f.message]
    assert len(graph_keys) == 24  # every init directive that sets 'graph' (4 + 20)

    gantt = findings_by_code(report, "ML501")
    assert [(Path(f.path).name, f.line) for f in gantt if Path(f.path).name == FUTURE] == [
        (FUTURE, n) for n in (117, 118, 119, 120, 126, 127)
    ]


def fence_lines(text: str) -> set[int]:
    """0-based lines inside ```mermaid blocks (fences included)."""
    inside, result, lines = False, set(), text.split("\n")
    for number, line in enumerate(lines):
        if line.startswith("```mermaid"):
            inside = True
        if inside:
            result.add(number)
        if inside and line.strip() == "```":
            inside = False
    return result


def test_fix_is_safe_complete_and_idempotent(guides_copy: Path):
    before = {p.name: p.read_bytes() for p in guides_copy.iterdir()}
    first = fix_paths([str(guides_copy)])
    assert not first.problems and first.changes
    assert not [f for f in first.findings if f.fix and f.fix.safe], "a safe fix was left unapplied"

    after_first = {p.name: p.read_bytes() for p in guides_copy.iterdir()}
    second = fix_paths([str(guides_copy)])
    assert not second.changes
    assert {p.name: p.read_bytes() for p in guides_copy.iterdir()} == after_first

    for name, old in before.items():
        old_text, new_text = old.decode(), after_first[name].decode()
        inside = fence_lines(old_text)
        matcher = difflib.SequenceMatcher(None, old_text.split("\n"), new_text.split("\n"), autojunk=False)
        for tag, i1, i2, _, _ in matcher.get_opcodes():
            if tag != "equal":
                assert set(range(i1, max(i2, i1 + 1))) <= inside, f"{name}: lines {i1 + 1}-{i2} changed outside a diagram"


def test_unsafe_fix_removes_the_repeated_sections(guides_copy: Path):
    fix_paths([str(guides_copy)], unsafe=True)
    overview = (guides_copy / OVERVIEW).read_text(encoding="utf-8")
    for heading in REPEATED_SECTIONS:
        assert f"## {heading}\n" not in overview
    assert "## Llama 4 Model Family Overview" in overview
    report = check_paths([str(guides_copy)], Settings(select=("ML601", "ML301")))
    assert not report.findings
