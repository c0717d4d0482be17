"""Fixes are edits on the note's text; one place applies them, to a fixed point, safely.

Two checks guard what is written. Each round, every Mermaid block must mean the same after the
round's fixes as before (meaning.py), except for what the fixes that touched it declare they
change, and text outside the blocks may change only through a fix that declares
Meaning.DOCUMENT; a violation is a bug in a rule, reported as an internal error naming it. At
the end, the fixed file must not have a new kind of error. A file failing either is left as
it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from .meaning import BlockMeaning, differences
from .model import Edit, Finding, Fix, Meaning, Severity

MAX_ROUNDS = 10


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """Apply every fix whose edits overlap no earlier fix's; returns the text and those fixes."""
    edits: list[Edit] = []
    accepted: list[Fix] = []
    for fix in sorted(fixes, key=lambda f: min(e.start for e in f.edits)):
        new = [e for e in fix.edits if e not in edits]  # the same edit twice is one edit
        if any(_overlaps(e, other) for e in new for other in edits):
            continue
        edits.extend(new)
        accepted.append(fix)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text, accepted


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
# (path, text) -> the meaning of each Mermaid block of that note, in order
Describer = Callable[[str, str], list[BlockMeaning]]


def fix_to_fixed_point(texts: dict[str, str], check: Checker, unsafe: bool,
                       describe: Describer) -> dict[str, FixOutcome]:
    """Check, apply the fixes, check again, until nothing changes (bounded).

    `check` lints all texts together (run-level rules see every file) and returns findings by path.
    """
    original = dict(texts)
    describe = _remembered(describe)
    before = check(texts)
    current, findings = dict(texts), before
    applied: Counter[str] = Counter()
    refused: dict[str, str] = {}
    for _ in range(MAX_ROUNDS):
        changed = False
        for path, found in findings.items():
            fixes = [f.fix for f in found if f.fix and (f.fix.safe or unsafe)]
            if not fixes or path in refused:
                continue
            new_text, accepted = apply_fixes(current[path], fixes)
            if new_text == current[path]:
                continue
            problem = meaning_changed(path, current[path], new_text, accepted, describe)
            if problem:
                refused[path] = f"internal error: {problem}; the file was left unchanged"
                new_text = original[path]
            else:
                applied[path] += len(accepted)
            current[path], changed = new_text, True
        if not changed:
            break
        findings = check(current)
    outcomes = {}
    for path in texts:
        was = before.get(path, [])
        outcome = FixOutcome(current[path], applied[path], findings.get(path, []), was)
        reason = refused.get(path) or (findings is not before and _made_worse(was, outcome.findings))
        if reason:
            outcome = FixOutcome(original[path], 0, was, was, reason)
        outcomes[path] = outcome
    return outcomes


def _remembered(describe: Describer) -> Describer:
    """Each round's new text is the next round's old one: describe it once."""
    known: dict[tuple[str, str], list[BlockMeaning]] = {}

    def remembered(path: str, text: str) -> list[BlockMeaning]:
        if (path, text) not in known:
            known[(path, text)] = describe(path, text)
        return known[(path, text)]

    return remembered


def meaning_changed(path: str, old: str, new: str, accepted: list[Fix], describe: Describer) -> str | None:
    """Why the round's fixes changed more than they declare, naming the rule; None if they did not."""
    old_blocks, new_blocks = describe(path, old), describe(path, new)
    for fix in accepted:
        outside = [e for e in fix.edits if not any(_touches(e, b) for b in old_blocks)]
        if outside and Meaning.DOCUMENT not in fix.changes:
            return f"the fix of {fix.rule} edits text outside the Mermaid blocks"
    surviving = [b for b in old_blocks if not _removed(b, accepted)]
    if len(surviving) != len(new_blocks):
        return (f"the fixes of {_codes(accepted)} turn {len(old_blocks)} Mermaid block(s) into "
                f"{len(new_blocks)}")
    for index, (was, now) in enumerate(zip(surviving, new_blocks)):
        touching = [f for f in accepted if any(_touches(e, was) for e in f.edits)]
        allowed = frozenset().union(*(f.changes for f in touching))
        changes = differences(was.content, now.content, allowed)
        if changes:
            culprits = _culprits(path, old, was, old_blocks.index(was), touching, describe) or touching
            return (f"the fix of {_codes(culprits)} changes the meaning of the diagram at line "
                    f"{was.line} ({changes[0]})")
    return None


def _culprits(path: str, old: str, block: BlockMeaning, index: int, touching: list[Fix],
              describe: Describer) -> list[Fix]:
    """The fixes that change the block's meaning on their own (none: only together)."""
    found = []
    for fix in touching:
        alone, _ = apply_fixes(old, [fix])
        after = describe(path, alone)
        if len(after) <= index or differences(block.content, after[index].content, fix.changes):
            found.append(fix)
    return found


def _touches(edit: Edit, block: BlockMeaning) -> bool:
    return edit.start <= block.end and edit.end >= block.start


def _removed(block: BlockMeaning, fixes: list[Fix]) -> bool:
    return any(Meaning.DOCUMENT in f.changes and e.start <= block.start and e.end >= block.end
               for f in fixes for e in f.edits)


def _codes(fixes: list[Fix]) -> str:
    return ", ".join(sorted({f.rule for f in fixes}))


def _made_worse(before: list[Finding], after: list[Finding]) -> str | None:
    """A fix may remove problems, never add an unreadable block or a new kind of error."""
    def errors(found: list[Finding]) -> Counter[str]:
        return Counter(f.code for f in found if f.fatal or f.severity is Severity.ERROR)

    grown = errors(after) - errors(before)
    if grown:
        codes = ", ".join(sorted(grown))
        return f"fixing would introduce {codes}; the file was left unchanged"
    return None
