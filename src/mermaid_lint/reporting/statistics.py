"""`--statistics`: how many findings each rule has, most first, instead of the findings."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from ..api import RunReport


def rows(run: RunReport) -> list[dict]:
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    names: dict[str, str] = {}
    for f in run.findings:  # one pass: a large run's findings are unpacked as they are read
        counts[f.code] += 1
        fixable[f.code] += f.fixable
        names[f.code] = f.name
    return [{"code": code, "name": names[code], "count": count, "fixable": fixable[code]}
            for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def report(run: RunReport, out: TextIO, options: dict) -> None:
    table = rows(run)
    if options.get("format") == "json":
        json.dump(table, out, indent=2)
        out.write("\n")
        return
    width = max((len(str(row["count"])) for row in table), default=1)
    for row in table:
        mark = " [*]" if row["fixable"] == row["count"] else (f" [{row['fixable']} fixable]" if row["fixable"] else "")
        out.write(f"{row['count']:>{width}}  {row['code']}  {row['name']}{mark}\n")
