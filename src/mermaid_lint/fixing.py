"""Fixes are edits on the note's text; one place applies them, to a fixed point, safely."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from .model import Edit, Finding, Fix, Severity

MAX_ROUNDS = 10


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply every fix whose edits overlap no earlier fix's; returns the text and how many."""
    accepted: list[Edit] = []
    count = 0
    for fix in sorted(fixes, key=lambda f: min(e.start for e in f.edits)):
        new = [e for e in fix.edits if e not in accepted]  # the same edit twice is one edit
        if any(_overlaps(e, other) for e in new for other in accepted):
            continue
        accepted.extend(new)
        count += 1
    for edit in sorted(accepted, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text, count


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:  # insertions clash only at the same point
        return a.start == b.start or b.start < a.start < b.end or a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


@dataclass
class FixOutcome:
    text: str
    applied: int
    findings: list[Finding]  # what remains after fixing
    original_findings: list[Finding]  # what there was before
    refused: str | None = None  # why the fixed text must not be written


Checker = Callable[[dict[str, str]], dict[str, list[Finding]]]


def fix_to_fixed_point(texts: dict[str, str], check: Checker, unsafe: bool) -> dict[str, FixOutcome]:
    """Check, apply the fixes, check again, until nothing changes (bounded).

    `check` lints all texts together (run-level rules see every file) and returns findings by path.
    """
    original = dict(texts)
    before = check(texts)
    current, findings = dict(texts), before
    applied: Counter[str] = Counter()
    for _ in range(MAX_ROUNDS):
        changed = False
        for path, found in findings.items():
            fixes = [f.fix for f in found if f.fix and (f.fix.safe or unsafe)]
            if not fixes:
                continue
            new_text, count = apply_fixes(current[path], fixes)
            if new_text != current[path]:
                current[path], changed = new_text, True
                applied[path] += count
        if not changed:
            break
        findings = check(current)
    outcomes = {}
    for path in texts:
        was = before.get(path, [])
        outcome = FixOutcome(current[path], applied[path], findings.get(path, []), was)
        if findings is not before and (reason := _made_worse(was, outcome.findings)):
            outcome = FixOutcome(original[path], 0, was, was, reason)
        outcomes[path] = outcome
    return outcomes


def _made_worse(before: list[Finding], after: list[Finding]) -> str | None:
    """A fix may remove problems, never add an unreadable block or a new kind of error."""
    def errors(found: list[Finding]) -> Counter[str]:
        return Counter(f.code for f in found if f.fatal or f.severity is Severity.ERROR)

    grown = errors(after) - errors(before)
    if grown:
        codes = ", ".join(sorted(grown))
        return f"fixing would introduce {codes}; the file was left unchanged"
    return None
