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


def test_a_long_source_line_is_shown_around_each_finding():
    line = "  A->>B: " + "<b/r>" * 20_000  # a minified diagram: one line, thousands of findings
    source = f"```mermaid\nsequenceDiagram\n{line}\n```\n"
    starts = [9, 50_009, len(line) - 5]
    findings = [Finding("n.md", "ML401", "broken-line-break", Severity.ERROR, "m", 3, s + 1, 3, s + 6) for s in starts]
    plain, rich = _both(RunReport(findings=findings, files=1, texts={"n.md": source}), {"quiet": True})
    assert plain == rich
    shown = plain.splitlines()
    assert max(map(len, shown)) <= len("    3 | ") + text.SHOWN_COLUMNS + 2 * len(text.ELLIPSIS)
    for source_line, caret in zip(shown[1::3], shown[2::3]):
        at = caret.index("^")
        assert source_line[at : at + 5] == "<b/r>" and caret.count("^") == 5
    assert shown[1].endswith(text.ELLIPSIS) and shown[4].startswith(f"    3 | {text.ELLIPSIS}")
    assert shown[7].endswith("<b/r>")  # the last finding: the end of the line
