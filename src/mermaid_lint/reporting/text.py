"""The default output: findings grouped by file, the source line with a caret, a summary.
Colour only on a terminal (and never with NO_COLOR), via rich; without colour the same
lines are written directly (rich's rendering would be most of a cached run's time)."""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Callable, TextIO

from ..api import RunReport
from ..model import Severity
from ..rules import all_rules

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}
# The control characters rich drops from text (BEL, BS, VT, FF, CR).
CONTROL_CODES = re.compile("[\x07\x08\x0b\x0c\r]")

Segment = tuple[str, str]  # (text, rich style; "" for none)
Line = list[Segment]
Writer = Callable[[list[Line]], None]  # writes lines (a finding's, say) at once


def _plain_writer(out: TextIO) -> Writer:
    def write(lines: list[Line]) -> None:
        texts = ["".join([text for text, _ in line]) for line in lines]
        if not all(map(str.isprintable, texts)):  # rare: only then look for control characters and tabs
            texts = [CONTROL_CODES.sub("", text).expandtabs(8) for text in texts]
        out.write("\n".join(texts) + "\n")

    return write


def _rich_writer(out: TextIO) -> Writer:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, highlight=False, emoji=False, soft_wrap=True)

    def write(lines: list[Line]) -> None:
        for line in lines:
            console.print(Text.assemble(*line))

    return write


def _wants_colour(out: TextIO, no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or (hasattr(out, "isatty") and out.isatty())


def report(run: RunReport, out: TextIO, options: dict) -> None:
    colour = _wants_colour(out, options.get("no_color", False))
    write_report(run, _rich_writer(out) if colour else _plain_writer(out), options)


def write_report(run: RunReport, write: Writer, options: dict) -> None:
    show_fixes, show_source = options.get("show_fixes"), options.get("show_source", True)
    # For the summary, counted here: a large run's findings are unpacked each time they are read.
    severities: Counter[Severity] = Counter()
    fixes: Counter[bool] = Counter()  # safe? -> findings with such a fix
    # The current file's lines, None without its text (findings come by file; texts are packed).
    lines_of: tuple[str | None, list[str] | None] = (None, None)
    for finding in run.findings:
        style = STYLE[finding.severity]
        severities[finding.severity] += 1
        if finding.fix:
            fixes[finding.fix.safe] += 1
        lines = [[
            (finding.path, "bold"), (f":{finding.line}:{finding.column}: ", ""), (finding.code, style),
            (" ", ""), (finding.name, "dim"), (f" {finding.message}", ""),
            *([(" ", ""), ("[*]", "cyan")] if finding.fix else []),
        ]]
        if show_fixes and finding.fix:
            kind = "fix" if finding.fix.safe else "unsafe fix"
            lines.append([("      ", ""), (f"{kind}:", "cyan"), (f" {finding.fix.description}", "")])
        if show_source:
            if lines_of[0] != finding.path:
                source = run.texts.get(finding.path)
                lines_of = (finding.path, source.split("\n") if source is not None else None)
            source_lines = lines_of[1]
            if source_lines is not None and finding.line <= len(source_lines):
                line = source_lines[finding.line - 1].rstrip("\r").expandtabs(1)
                width = max(1, (finding.end_column - finding.column) if finding.end_line == finding.line else len(line) - finding.column + 1)
                gutter = f"{finding.line:>5} | "
                lines.append([(gutter, "dim"), (line, "")])
                lines.append([(" " * (len(gutter) + finding.column - 1), ""), ("^" * width, style)])
        write(lines)
    if show_fixes:
        _fixed(run, write)
    if not options.get("quiet"):
        _summary(run, write, options, severities, fixes)


def _fixed(run: RunReport, write: Writer) -> None:
    """What `fix` changed, per file and rule."""
    names = {rule.code: rule.name for rule in all_rules()}
    for path, counts in sorted(run.fixed.items()):
        write([[(path, "bold"), (":", "")]])
        for code, count in sorted(counts.items()):
            write([[(f"    {count} \u00d7 {code} ({names.get(code, '')})", "")]])


def _summary(run: RunReport, write: Writer, options: dict, severities: Counter[Severity],
             fixes: Counter[bool]) -> None:
    fixable, unsafe = fixes[True], fixes[False]
    if run.fixes_applied:
        write([[(f"Fixed {run.fixes_applied} problem(s) in {len(run.changes)} file(s).", "")]])
    unchecked = f"; {len(run.problems)} path(s) could not be checked" if run.problems else ""
    if not run.findings:
        if run.files:
            write([[("All checks passed", "green"), (f" ({run.files} file(s){unchecked}).", "")]])
        else:
            write([[(f"No file was checked{unchecked}.", "")]])
        return
    write([[(
        f"Found {len(run.findings)} problem(s) in {run.files} file(s): "
        f"{severities[Severity.ERROR]} error(s), {severities[Severity.WARNING]} warning(s){unchecked}.", "")]])
    if fixable and not options.get("fixing"):
        write([[("[*]", "cyan"), (f" {fixable} fixable with `mermaid-lint fix`"
                                  + (f" ({unsafe} more with --unsafe-fixes)" if unsafe else "") + ".", "")]])
    elif unsafe:
        write([[(f"{unsafe} more fixable with --unsafe-fixes.", "")]])
