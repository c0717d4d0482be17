"""`--format github`: GitHub Actions workflow commands, shown as annotations on the changed lines."""

from __future__ import annotations

from typing import TextIO

from ..api import RunReport


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def report(run: RunReport, out: TextIO, options: dict) -> None:
    for f in run.findings:
        where = (f"file={_property(f.path)},line={f.line},endLine={f.end_line},"
                 f"col={f.column},endColumn={f.end_column}")
        out.write(f"::{f.severity.value} {where},title={_property(f.code + ' ' + f.name)}::{_data(f.message)}\n")
    for problem in run.problems:
        out.write(f"::error file={_property(problem.path)},title=mermaid-lint::{_data(problem.message)}\n")
