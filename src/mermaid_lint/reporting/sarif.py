"""`--format sarif`: one SARIF 2.1.0 log, with every rule's metadata and help, for GitHub code
scanning and other SARIF viewers."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from .. import __version__
from ..api import RunReport
from .json_format import write_list
from ..config import CATEGORIES
from ..rules import all_rules

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SECTION_HEADS = ("What it does:", "Why:", "Example:", "Use instead:", "Fix safety:")


def artifact_uri(path: str) -> str:
    """Relative to the current folder when inside it (what code scanning expects), else file://."""
    absolute = Path(os.path.abspath(path))
    try:
        return quote(absolute.relative_to(Path.cwd()).as_posix())
    except ValueError:
        return absolute.as_uri()


def help_markdown(documentation: str) -> str:
    """A rule's docstring as Markdown: bold section heads, indented examples as code blocks."""
    out: list[str] = []
    code: list[str] = []

    def flush() -> None:
        if code:
            out.extend(["", "```", *code, "```"])
            code.clear()

    for line in documentation.splitlines():
        if line.startswith("    "):
            code.append(line[4:])
            continue
        flush()
        head = next((h for h in SECTION_HEADS if line.startswith(h)), None)
        out.append(f"**{head}**{line[len(head):]}" if head else line)
    flush()
    return "\n".join(out).strip() + "\n"


def _rule_descriptor(rule) -> dict:
    documentation = rule.documentation()
    first_paragraph = documentation.split("\n\n")[0].replace("\n", " ")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": first_paragraph.removeprefix("What it does: ")},
        "help": {"text": documentation, "markdown": help_markdown(documentation)},
        "defaultConfiguration": {"level": rule.severity.value, "enabled": rule.default_enabled},
        "properties": {
            "tags": ["mermaid", CATEGORIES.get(rule.code[:3], "other")],
            "problem.severity": rule.severity.value,
            "fix": rule.fix_safety.value,
        },
    }


def sarif_log(run: RunReport, rules: list) -> dict:
    """The log without its results (an empty list): report() writes them one at a time."""
    notifications = [{
        "level": "error",
        "message": {"text": problem.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(problem.path)}}}],
    } for problem in run.problems]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "mermaid-lint", "version": __version__, "semanticVersion": __version__,
                                "rules": [_rule_descriptor(rule) for rule in rules]}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": not run.problems, "toolExecutionNotifications": notifications}],
            "results": [],
        }],
    }


def _result(finding, rule_index: int) -> dict:
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": finding.severity.value,
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(finding.path)},
            "region": {"startLine": finding.line, "startColumn": finding.column,
                       "endLine": finding.end_line, "endColumn": finding.end_column},
        }}],
    }


def report(run: RunReport, out: TextIO, options: dict) -> None:
    rules = list(all_rules())
    index = {rule.code: i for i, rule in enumerate(rules)}
    # json.dump's bytes, the results (the last field of the only run) written in place of the empty list
    head, tail = json.dumps(sarif_log(run, rules), indent=2, ensure_ascii=False).rsplit('"results": []', 1)
    out.write(head + '"results": ')
    write_list(out, (_result(f, index[f.code]) for f in run.findings), level=3)
    out.write(tail + "\n")
