"""`--format junit`: JUnit XML, one test suite per checked file and one failing test case per
finding, for CI systems that show test reports (GitLab, Jenkins, Azure)."""

from __future__ import annotations

from collections import defaultdict
from typing import TextIO
from xml.etree import ElementTree as ET

from ..api import RunReport


def report(run: RunReport, out: TextIO, options: dict) -> None:
    by_path = defaultdict(list)
    for finding in run.findings:
        by_path[finding.path].append(finding)
    paths = sorted(set(run.texts) | set(by_path) | {p.path for p in run.problems})
    root = ET.Element("testsuites", name="mermaid-lint", tests="0", failures="0", errors="0")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for path in paths:
        findings = by_path.get(path, [])
        problems = [p for p in run.problems if p.path == path]
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(max(1, len(findings) + len(problems))),
                              failures=str(len(findings)), errors=str(len(problems)))
        for f in findings:
            case = ET.SubElement(suite, "testcase", name=f"{f.code} {f.name} at {f.line}:{f.column}",
                                 classname=path, file=path, line=str(f.line))
            failure = ET.SubElement(case, "failure", message=f.message, type=f"{f.severity.value}")
            failure.text = f"{path}:{f.line}:{f.column}: {f.code} {f.name} {f.message}"
        for problem in problems:
            case = ET.SubElement(suite, "testcase", name="read", classname=path, file=path)
            ET.SubElement(case, "error", message=problem.message)
        if not findings and not problems:
            ET.SubElement(suite, "testcase", name="mermaid-lint", classname=path, file=path)
        for key in totals:
            totals[key] += int(suite.get(key))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
