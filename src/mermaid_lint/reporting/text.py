"""The default output: findings grouped by file, the source line with a caret, a summary.
Colour only on a terminal (and never with NO_COLOR), via rich; without colour the same
lines are written directly (rich's rendering would be most of a cached run's time)."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator
from typing import Callable, TextIO

from ..api import RunReport
from ..model import Severity
from ..rules import all_rules
from . import wants_colour

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}
# The control characters rich drops from text (BEL, BS, VT, FF, CR).
CONTROL_CODES = re.compile("[\x07\x08\x0b\x0c\r]")
CHUNK = 64 * 1024  # characters the plain writer passes on at once
# A source line longer than this is shown as this much of it around the finding (_window).
SHOWN_COLUMNS = 400
SHOWN_BEFORE = 100  # of it before the finding's start
ELLIPSIS = "..."

# What the output prints for a text in a rich style ("" for none): the text itself, or rich
# markup. Every text that comes from a note or a finding goes through it (markup is escaped).
Style = Callable[..., str]
Writer = Callable[[str], None]  # writes lines (a finding's, say) at once, without the last newline


def _plain(text: str, style: str = "") -> str:
    return text


@contextlib.contextmanager
def _plain_writer(out: TextIO) -> Iterator[Writer]:
    """A writer of plain lines to `out`, passed on CHUNK characters at a time: written finding
    by finding, a pipe (CI, pre-commit) took a system call every 8 KB, a tenth of a warm run."""
    pending: list[str] = []
    size = 0

    def write(lines: str) -> None:
        nonlocal size
        # Rare; `in` each is faster than one search.
        if ("\t" in lines or "\r" in lines or "\x07" in lines or "\x08" in lines or "\x0b" in lines
                or "\x0c" in lines):
            lines = CONTROL_CODES.sub("", lines).expandtabs(8)
        pending.append(lines)
        size += len(lines) + 1
        if size >= CHUNK:
            out.write("\n".join(pending) + "\n")
            pending.clear()
            size = 0

    try:
        yield write
    finally:
        if pending:
            out.write("\n".join(pending) + "\n")


def _marked_up(text: str, style: str = "") -> str:
    from rich.markup import escape

    # Unstyled text gets the null style's tags too: escape() doubles a final backslash, which
    # only a closing tag right after it turns back into one.
    style = style or "none"
    return f"[{style}]{escape(text)}[/{style}]"


def _rich_writer(out: TextIO) -> Writer:
    from rich.console import Console

    console = Console(file=out, highlight=False, emoji=False, soft_wrap=True)

    def write(lines: str) -> None:
        console.print(lines)

    return write


def report(run: RunReport, out: TextIO, options: dict) -> None:
    if wants_colour(out, options.get("no_color", False)):
        write_report(run, _rich_writer(out), _marked_up, options)
    else:
        with _plain_writer(out) as write:
            write_report(run, write, _plain, options)


def write_report(run: RunReport, write: Writer, styled: Style, options: dict) -> None:
    show_fixes, show_source = options.get("show_fixes"), options.get("show_source", True)
    # For the summary, counted here: a large run's findings are unpacked each time they are read.
    severities: Counter[Severity] = Counter()
    fixes: Counter[bool] = Counter()  # safe? -> findings with such a fix
    # The current file's lines, None without its text (findings come by file; each text is
    # unpacked or read again when asked for).
    lines_of: tuple[str | None, list[str] | None] = (None, None)
    shown_line: tuple[int, str] = (0, "")  # the current file's line last shown, as shown
    fixable_mark = " " + styled("[*]", "cyan")
    for finding in run.findings:
        severity, fix, path, line_number, column = (finding.severity, finding.fix, finding.path, finding.line,
                                                    finding.column)
        style = STYLE[severity]
        severities[severity] += 1
        if fix:
            fixes[fix.safe] += 1
        lines = (f"{styled(path, 'bold')}:{line_number}:{column}: {styled(finding.code, style)} "
                 f"{styled(finding.name, 'dim')} {styled(finding.message)}{fixable_mark if fix else ''}")
        if show_fixes and fix:
            kind = "fix" if fix.safe else "unsafe fix"
            lines += f"\n      {styled(kind + ':', 'cyan')} {styled(fix.description)}"
        if show_source:
            if lines_of[0] != path:
                source = run.texts.get(path)
                lines_of = (path, source.split("\n") if source is not None else None)
                shown_line = (0, "")
            source_lines = lines_of[1]
            if source_lines is not None and line_number <= len(source_lines):
                if shown_line[0] != line_number:
                    shown_line = (line_number, source_lines[line_number - 1].rstrip("\r").expandtabs(1))
                line = shown_line[1]
                width = max(1, (finding.end_column - column) if finding.end_line == line_number else len(line) - column + 1)
                line, caret, width = _window(line, column - 1, width)
                gutter = f"{line_number:>5} | "
                lines += (f"\n{styled(gutter, 'dim')}{styled(line)}"
                          f"\n{' ' * (len(gutter) + caret)}{styled('^' * width, style)}")
        write(lines)
    if show_fixes:
        _fixed(run, write, styled)
    if not options.get("quiet"):
        _summary(run, write, styled, options, severities, fixes)


def _window(line: str, start: int, width: int) -> tuple[str, int, int]:
    """The part of a source line shown under a finding that starts at `start` (0-based) and is
    `width` wide, and where and how wide its caret is there: a long line is cut to
    SHOWN_COLUMNS around the finding (a minified diagram's one line, shown in full under each
    of its findings, made gigabytes of output)."""
    if len(line) <= SHOWN_COLUMNS:
        return line, start, width
    first = max(0, min(start - SHOWN_BEFORE, len(line) - SHOWN_COLUMNS))
    last = first + SHOWN_COLUMNS
    before = ELLIPSIS if first else ""
    shown = before + line[first:last] + (ELLIPSIS if last < len(line) else "")
    return shown, len(before) + start - first, max(1, min(width, last - start))


def _fixed(run: RunReport, write: Writer, styled: Style) -> None:
    """What `fix` changed, per file and rule."""
    names = {rule.code: rule.name for rule in all_rules()}
    for path, counts in sorted(run.fixed.items()):
        write(f"{styled(path, 'bold')}:")
        for code, count in sorted(counts.items()):
            write(styled(f"    {count} \u00d7 {code} ({names.get(code, '')})"))


def _summary(run: RunReport, write: Writer, styled: Style, options: dict, severities: Counter[Severity],
             fixes: Counter[bool]) -> None:
    fixable, unsafe = fixes[True], fixes[False]
    if run.fixes_applied:
        write(f"Fixed {run.fixes_applied} problem(s) in {len(run.changes)} file(s).")
    unchecked = f"; {len(run.problems)} path(s) could not be checked" if run.problems else ""
    if not run.findings:
        if run.files:
            write(f"{styled('All checks passed', 'green')} ({run.files} file(s){styled(unchecked)}).")
        else:
            write(f"No file was checked{styled(unchecked)}.")
        return
    write(f"Found {len(run.findings)} problem(s) in {run.files} file(s): "
          f"{severities[Severity.ERROR]} error(s), {severities[Severity.WARNING]} warning(s){styled(unchecked)}.")
    if fixable and not options.get("fixing"):
        write(f"{styled('[*]', 'cyan')} {fixable} fixable with `mermaid-lint fix`"
              + (f" ({unsafe} more with --unsafe-fixes)" if unsafe else "") + ".")
    elif unsafe:
        write(f"{unsafe} more fixable with --unsafe-fixes.")
