"""`--format json`: one JSON array of findings, 1-based positions in the file."""

from __future__ import annotations

import json
from typing import TextIO

from ..api import RunReport


def finding_dict(finding) -> dict:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "fixable": finding.fixable,
    }


def report(run: RunReport, out: TextIO, options: dict) -> None:
    # What json.dump(list, indent=2) writes, one finding at a time: a large run has hundreds
    # of thousands, and a list of them all as dicts would be most of the run's memory.
    separator = "[\n"
    for finding in run.findings:
        out.write(separator + _indented(json.dumps(finding_dict(finding), indent=2, ensure_ascii=False)))
        separator = ",\n"
    out.write("[]\n" if separator == "[\n" else "\n]\n")


def _indented(text: str) -> str:
    return "  " + text.replace("\n", "\n  ")
