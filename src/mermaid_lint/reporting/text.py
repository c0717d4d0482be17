"""The default output: findings grouped by file, the source line with a caret, a summary.
Colour only on a terminal (and never with NO_COLOR), via rich."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from ..api import RunReport
from ..model import Severity
from ..rules import all_rules

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}


def report(run: RunReport, out: TextIO, options: dict) -> None:
    console = Console(file=out, highlight=False, emoji=False, soft_wrap=True, no_color=options.get("no_color", False))
    texts: dict[str, list[str]] = {}
    for finding in run.findings:
        style = STYLE[finding.severity]
        console.print(
            f"[bold]{escape(finding.path)}[/]:{finding.line}:{finding.column}: "
            f"[{style}]{finding.code}[/] [dim]{finding.name}[/] {escape(finding.message)}"
            + (" [cyan]\\[*][/]" if finding.fixable else "")
        )
        if options.get("show_fixes") and finding.fix:
            kind = "fix" if finding.fix.safe else "unsafe fix"
            console.print(f"      [cyan]{kind}:[/] {escape(finding.fix.description)}")
        source = run.texts.get(finding.path)
        if source is not None and options.get("show_source", True):
            lines = texts.setdefault(finding.path, source.split("\n"))
            if finding.line <= len(lines):
                line = lines[finding.line - 1].rstrip("\r").expandtabs(1)
                width = max(1, (finding.end_column - finding.column) if finding.end_line == finding.line else len(line) - finding.column + 1)
                gutter = f"{finding.line:>5} | "
                console.print(f"[dim]{gutter}[/]{escape(line)}")
                console.print(" " * (len(gutter) + finding.column - 1) + f"[{style}]{'^' * width}[/]")
    if options.get("show_fixes"):
        _fixed(run, console)
    if not options.get("quiet"):
        _summary(run, console, options)


def _fixed(run: RunReport, console: Console) -> None:
    """What `fix` changed, per file and rule."""
    names = {rule.code: rule.name for rule in all_rules()}
    for path, counts in sorted(run.fixed.items()):
        console.print(f"[bold]{escape(path)}[/]:")
        for code, count in sorted(counts.items()):
            console.print(f"    {count} \u00d7 {code} ({names.get(code, '')})")


def _summary(run: RunReport, console: Console, options: dict) -> None:
    severities = Counter(f.severity for f in run.findings)
    fixable = sum(1 for f in run.findings if f.fix and f.fix.safe)
    unsafe = sum(1 for f in run.findings if f.fix and not f.fix.safe)
    if run.fixes_applied:
        console.print(f"Fixed {run.fixes_applied} problem(s) in {len(run.changes)} file(s).")
    unchecked = f"; {len(run.problems)} path(s) could not be checked" if run.problems else ""
    if not run.findings:
        if run.files:
            console.print(f"[green]All checks passed[/] ({run.files} file(s){unchecked}).")
        else:
            console.print(f"No file was checked{unchecked}.")
        return
    console.print(
        f"Found {len(run.findings)} problem(s) in {run.files} file(s): "
        f"{severities[Severity.ERROR]} error(s), {severities[Severity.WARNING]} warning(s){unchecked}."
    )
    if fixable and not options.get("fixing"):
        console.print(f"[cyan]\\[*][/] {fixable} fixable with `mermaid-lint fix`"
                      + (f" ({unsafe} more with --unsafe-fixes)" if unsafe else "") + ".")
    elif unsafe:
        console.print(f"{unsafe} more fixable with --unsafe-fixes.")
