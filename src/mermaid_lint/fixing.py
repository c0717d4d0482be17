"""Fixes are edits on the note's text; one place applies them, to a fixed point, safely.

Two checks guard what is written. Each round, every Mermaid block must mean the same after the
round's fixes as before (meaning.py), except for what the fixes that touched it declare they
change, and text outside the blocks may change only through a fix that declares
Meaning.DOCUMENT; a violation is a bug in a rule, reported as an internal error naming it. At
the end, the fixed file must not have a new kind of error. A file failing either is left as
it was.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import Callable, Iterable, Iterator

from .meaning import BlockMeaning, differences
from .model import Edit, Finding, Fix, Meaning, Severity
from .packed import Packed

MAX_ROUNDS = 10


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """Apply every fix whose edits overlap neither each other nor an earlier fix's; returns the
    text and those fixes."""
    edits = _DisjointEdits()
    accepted: list[Fix] = []
    for fix in sorted(fixes, key=lambda f: min(e.start for e in f.edits)):
        # The same edit twice is one edit. A fix's own edits may meet (an insertion right before
        # a replacement; insertions at one point go in the reverse of their order), never overlap.
        new = sorted((e for e in reversed(dict.fromkeys(fix.edits)) if e not in edits), key=lambda e: (e.start, e.end))
        if any(a.end > b.start for a, b in pairwise(new)) or any(map(edits.overlaps, new)):
            continue
        edits.add(new)
        accepted.append(fix)
    pieces, last = [], 0
    for edit in edits:
        pieces += (text[last : edit.start], edit.replacement)
        last = edit.end
    pieces.append(text[last:])
    return "".join(pieces), accepted


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:
        # An insertion clashes with one at the same point, and with a replacement it touches:
        # the text beside it, which placed it, would be another.
        point, other = (a, b) if a.start == a.end else (b, a)
        return other.start <= point.start <= other.end
    return a.start < b.end and b.start < a.end


class _DisjointEdits:
    """Edits in order, each starting where the one before ends or after it, so that an edit
    can overlap only its few neighbours (a note of thousands of fixes must not cost the square
    of them)."""

    def __init__(self) -> None:
        self._edits: list[Edit] = []
        self._starts: list[int] = []
        self._set: set[Edit] = set()

    def __contains__(self, edit: Edit) -> bool:
        return edit in self._set

    def __iter__(self) -> Iterator[Edit]:
        return iter(self._edits)

    def overlaps(self, edit: Edit) -> bool:
        # Only edits that start before or at its end can overlap it; going back from there,
        # the first that ends before it starts is followed by no earlier one that overlaps.
        for index in range(bisect_right(self._starts, edit.end) - 1, -1, -1):
            other = self._edits[index]
            if other.end < edit.start:
                return False
            if _overlaps(edit, other):
                return True
        return False

    def add(self, edits: list[Edit]) -> None:
        for edit in edits:
            index = bisect_right(self._starts, edit.start)
            self._starts.insert(index, edit.start)
            self._edits.insert(index, edit)
            self._set.add(edit)


@dataclass
class FixOutcome:
    original_text: str
    text: str  # what to write: the original text when nothing was fixed or fixing was refused
    applied: int
    findings: list[Finding]  # what remains after fixing
    original_findings: list[Finding]  # what there was before
    refused: str | None = None  # why the fixed text must not be written
    withheld: str | None = None  # which fixes were left out of the text, and why


@dataclass
class FixStep:
    """What one round's fixes did to one note."""

    text: str | None  # the fixed text; None when the fixes change nothing or were refused
    applied: int = 0  # how many fixes it took
    refused: str | None = None  # why the note goes back to its original text (a bug in a rule)


# (path, text) of the notes to check (every note, then those whose text changed; read them
# all) -> (path, findings) of every note
Checker = Callable[[Iterable[tuple[str, str]]], Iterable[tuple[str, list[Finding]]]]
# (path, text, fixes) of each note to fix -> (path, what fix_step did), in the same order
Fixer = Callable[[Iterable[tuple[str, str, list[Fix]]]], Iterator[tuple[str, FixStep]]]
# (path, text) -> the meaning of each Mermaid block of that note, in order
Describer = Callable[[str, str], list[BlockMeaning]]


def fix_step(path: str, text: str, fixes: list[Fix], describe: Describer) -> FixStep:
    """Apply one round's fixes to a note, if they change no more than they declare."""
    new_text, accepted = apply_fixes(text, fixes)
    if new_text == text:
        return FixStep(None)
    problem = meaning_changed(path, text, new_text, accepted, describe)
    if problem:
        return FixStep(None, 0, f"internal error: {problem}; the file was left unchanged")
    return FixStep(new_text, len(accepted))


def fix_to_fixed_point(texts: Iterable[tuple[str, str]], check: Checker, unsafe: bool,
                       fix_each: Fixer) -> Iterator[tuple[str, FixOutcome]]:
    """Check, apply the fixes, check again, until nothing changes (bounded); then each note's
    outcome, in the order of `texts`.

    `check` lints the notes given and returns the findings of every note (run-level rules see
    every file); `fix_each` runs fix_step on each note that has fixes. Texts and findings
    wait packed between rounds: a run may have thousands of notes.
    """
    original: Packed[str] = Packed()
    fixed: Packed[str] = Packed()  # the current text of each note that a round changed

    def read() -> Iterator[tuple[str, str]]:
        for path, text in texts:
            original[path] = text
            yield path, text

    def current(path: str) -> str:
        return fixed[path] if path in fixed else original[path]

    before = Packed(check(read()))
    findings = before
    applied: Counter[str] = Counter()
    refused: dict[str, str] = {}

    def changed(steps: Iterator[tuple[str, FixStep]]) -> Iterator[tuple[str, str]]:
        for path, step in steps:
            if step.refused:
                refused[path] = step.refused
                fixed.discard(path)
                yield path, original[path]
            elif step.text is not None:
                applied[path] += step.applied
                fixed[path] = step.text
                yield path, step.text

    withheld: dict[str, frozenset[str]] = {}  # path -> rules whose fixes traded an error for another
    brought: dict[str, frozenset[str]] = {}  # path -> the new kinds of error they brought

    def fix_rounds(only: set[str] | None) -> None:
        nonlocal findings
        for _ in range(MAX_ROUNDS):
            tasks = ((path, current(path), fixes) for path, fixes in _fixes(findings, unsafe, withheld)
                     if path not in refused and (only is None or path in only))
            texts_changed = changed(fix_each(tasks))
            first = next(texts_changed, None)
            if first is None:
                break
            findings = Packed(check(chain([first], texts_changed)))

    fix_rounds(None)
    # A note whose fixes removed some errors and brought others (a syntax fix that lets the body
    # be read, and an error in it be seen) is fixed again from its first text without the fixes
    # of the rules whose errors went; if it still gets worse, it is left as it was.
    for path in [path for path in fixed if path not in refused]:
        traded, new = _traded(before.get(path, []), findings[path])
        if traded:
            withheld[path], brought[path] = traded, new
            fixed.discard(path)
            applied[path] = 0
            findings[path] = before[path]
    if withheld:
        fix_rounds(set(withheld))
    checked_again = findings is not before
    for path in list(original):
        was = before.get(path, [])
        outcome = FixOutcome(original[path], current(path), applied[path], findings.get(path, []), was,
                             withheld=_withheld_note(withheld.get(path), brought.get(path)))
        reason = refused.get(path) or (checked_again and _made_worse(was, outcome.findings))
        if reason:
            outcome = FixOutcome(outcome.original_text, outcome.original_text, 0, was, was, reason)
        for kept in (original, fixed, before, findings):  # the caller keeps what it needs of it
            kept.discard(path)
        yield path, outcome


def _fixes(findings: Packed[list[Finding]], unsafe: bool,
           withheld: dict[str, frozenset[str]]) -> Iterator[tuple[str, list[Fix]]]:
    """Each note's fixes that this run applies."""
    for path, found in findings.items():
        fixes = applicable_fixes(found, unsafe)
        if path in withheld:
            fixes = [fix for fix in fixes if fix.rule not in withheld[path]]
        if fixes:
            yield path, fixes


def applicable_fixes(findings: Iterable[Finding], unsafe: bool) -> list[Fix]:
    """The fixes of a note's findings that a run applies."""
    return [f.fix for f in findings if f.fix and (f.fix.safe or unsafe)]


def meaning_changed(path: str, old: str, new: str, accepted: list[Fix], describe: Describer) -> str | None:
    """Why the round's fixes changed more than they declare, naming the rule; None if they did not."""
    old_blocks, new_blocks = describe(path, old), describe(path, new)
    # Blocks come in order and apart: the ones an edit touches are a range, found by bisection.
    starts, ends = [b.start for b in old_blocks], [b.end for b in old_blocks]
    touching: list[list[Fix]] = [[] for _ in old_blocks]  # by block, the fixes that edit it
    removed: set[int] = set()  # blocks that a fix changing the document deletes whole
    for fix in accepted:
        touched: set[int] = set()
        for edit in fix.edits:
            blocks = range(bisect_left(ends, edit.start), bisect_right(starts, edit.end))
            if Meaning.DOCUMENT in fix.changes:
                removed.update(i for i in blocks if edit.start <= starts[i] and edit.end >= ends[i])
            elif not blocks:
                return f"the fix of {fix.rule} edits text outside the Mermaid blocks"
            touched.update(blocks)
        for index in sorted(touched):
            touching[index].append(fix)
    surviving = [index for index in range(len(old_blocks)) if index not in removed]
    if len(surviving) != len(new_blocks):
        return (f"the fixes of {_codes(accepted)} turn {len(old_blocks)} Mermaid block(s) into "
                f"{len(new_blocks)}")
    for index, now in zip(surviving, new_blocks):
        was = old_blocks[index]
        if was.reads_as(now):
            continue
        allowed = frozenset().union(*(f.changes for f in touching[index]))
        changes = differences(was.content, now.content, allowed)
        if changes:
            culprits = _culprits(path, old, was, index, touching[index], describe) or touching[index]
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


def _codes(fixes: list[Fix]) -> str:
    return ", ".join(sorted({f.rule for f in fixes}))


def _errors(found: list[Finding]) -> Counter[str]:
    return Counter(f.code for f in found if f.fatal or f.severity is Severity.ERROR)


def _traded(before: list[Finding], after: list[Finding]) -> tuple[frozenset[str], frozenset[str]]:
    """The rules whose errors the fixes removed and the new kinds of error they brought (none
    when they brought none)."""
    new = frozenset(_errors(after) - _errors(before))
    return (frozenset(_errors(before) - _errors(after)), new) if new else (frozenset(), new)


def _withheld_note(rules: frozenset[str] | None, brought: frozenset[str] | None) -> str | None:
    if not rules:
        return None
    return (f"the fixes of {', '.join(sorted(rules))} were not applied: they would bring "
            f"{', '.join(sorted(brought or ()))}; the other fixes were")


def _made_worse(before: list[Finding], after: list[Finding]) -> str | None:
    """A fix may remove problems, never add an unreadable block or a new kind of error."""
    grown = _errors(after) - _errors(before)
    if grown:
        codes = ", ".join(sorted(grown))
        return f"fixing would introduce {codes}; the file was left unchanged"
    return None
