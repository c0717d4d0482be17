"""`--format json`: one JSON array of findings, 1-based positions in the file."""

from __future__ import annotations

import json
from typing import Any, Iterable, TextIO

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
    write_list(out, (finding_dict(f) for f in run.findings))
    out.write("\n")


def write_list(out: TextIO, items: Iterable[Any], level: int = 0) -> None:
    """What json.dump(list(items), indent=2) writes for a list nested `level` deep, one item
    at a time: a large run has hundreds of thousands of findings, and all of them as dicts
    at once would be most of the run's memory."""
    indent = "  " * (level + 1)
    separator = "[\n"
    for item in items:
        out.write(separator + indent + json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n" + indent))
        separator = ",\n"
    out.write("[]" if separator == "[\n" else "\n" + "  " * level + "]")
