"""The text output writes plain lines itself when it does not colour: they must be exactly
what rich prints without colour, whatever the notes contain."""

from __future__ import annotations

import io

from mermaid_lint.api import check_paths, RunReport
from mermaid_lint.model import Finding, Severity
from mermaid_lint.reporting import text

from conftest import FIXTURES, GUIDES


def _both(report: RunReport, options: dict) -> tuple[str, str]:
    plain, rich = io.StringIO(), io.StringIO()
    with text._plain_writer(plain) as write:
        text.write_report(report, write, text._plain, options)
    text.write_report(report, text._rich_writer(rich), text._marked_up, options)  # rich on a non-terminal: no colour
    return plain.getvalue(), rich.getvalue()


def test_plain_lines_are_what_rich_prints():
    report = check_paths([str(GUIDES), str(FIXTURES / "rules")])
    assert report.findings
    plain, rich = _both(report, {})
    assert plain == rich


def test_odd_characters_are_written_as_rich_writes_them():
    source = "a\tb [bold]x[/] \x1b[31m \x07bell \r\n" * 2 + "\\[red]y[/red] ends \\\n"
    findings = [
        Finding("n.md", "ML401", "broken-line-break", Severity.ERROR, "msg\twith [*] and \x0c", 1, 3, 1, 8),
        Finding("n.md", "ML402", "line-break-form", Severity.WARNING, "\\[b]x[/b] [link=y]z ends \\", 3, 1, 3, 4),
    ]
    report = RunReport(findings=findings, files=1, texts={"n.md": source})
    plain, rich = _both(report, {"fixing": True})
    assert plain == rich
    assert "[bold]x[/]" in plain and "\x07" not in plain
