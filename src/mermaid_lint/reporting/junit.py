"""`--format junit`: JUnit XML, one test suite per checked file and one failing test case per
finding, for CI systems that show test reports (GitLab, Jenkins, Azure)."""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import Iterable, TextIO
from xml.etree import ElementTree as ET

from ..api import FileProblem, RunReport
from ..model import Finding
from ..packed import Packed


def report(run: RunReport, out: TextIO, options: dict) -> None:
    # Written suite by suite, as ElementTree writes the whole indented tree: a large run has
    # hundreds of thousands of findings, too many to hold as XML elements at once.
    by_path, counts = _by_path(run.findings)
    problems: dict[str, list[FileProblem]] = {}
    for problem in run.problems:
        problems.setdefault(problem.path, []).append(problem)
    paths = sorted(set(run.texts) | set(counts) | set(problems))
    failures, errors = sum(counts.values()), len(run.problems)
    tests = sum(max(1, counts[path] + len(problems.get(path, []))) for path in paths)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = f'<testsuites name="mermaid-lint" tests="{tests}" failures="{failures}" errors="{errors}"'
    if not paths:
        out.write(root + " />\n")
        return
    out.write(root + ">")
    for path in paths:
        suite = _suite(path, by_path.get(path, []), problems.get(path, []))
        ET.indent(suite, level=1)
        out.write("\n  " + ET.tostring(suite, encoding="unicode"))
    out.write("\n</testsuites>\n")


def _by_path(findings: Iterable[Finding]) -> tuple[Packed[list[Finding]], Counter[str]]:
    """The findings of each path (packed), and how many."""
    by_path: Packed[list[Finding]] = Packed()
    counts: Counter[str] = Counter()
    for path, group in groupby(findings, key=lambda f: f.path):
        found = list(group)
        by_path[path] = (by_path.get(path) or []) + found
        counts[path] += len(found)
    return by_path, counts


def _suite(path: str, findings: list[Finding], problems: list[FileProblem]) -> ET.Element:
    suite = ET.Element("testsuite", name=path, tests=str(max(1, len(findings) + len(problems))),
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
    return suite
