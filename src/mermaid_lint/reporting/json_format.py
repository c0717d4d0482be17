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
    json.dump([finding_dict(f) for f in run.findings], out, indent=2, ensure_ascii=False)
    out.write("\n")
