"""The pipeline: text -> Note -> Diagrams -> findings, for one note and for a run of notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import Settings
from .files import SourceText
from .model import Finding, LineIndex, Note
from .packed import merge_sorted
from .rules.base import Context, Rule, RunContext, RunFacts
from .rules.unused_suppression import UnusedSuppression
from .suppressions import Suppression, apply_suppressions, find_suppressions


def load_note(path: str, source: SourceText, mermaid_file: bool) -> Note:
    # The parsers (markdown-it, Lark, PyYAML) load on the first note that needs them: a run
    # answered from the cache never imports them.
    from .markdown import parse_mermaid_file, parse_note
    from .parsing import parse_block

    reader = parse_mermaid_file if mermaid_file else parse_note
    note = reader(path, source.text, source.bom, source.newline)
    # An unclosed fence runs to the end of the note: its "diagram" is not one, so it is
    # reported (unterminated-fence) and not parsed.
    note.diagrams = [parse_block(block) for block in note.blocks if block.closed]
    return note


@dataclass
class NoteResult:
    path: str
    findings: Sequence[Finding]  # in order; a result read from the cache keeps them Pickled
    facts: dict[str, Any] = field(default_factory=dict)  # rule code -> run-level facts
    lines: LineIndex | None = None
    suppressions: list[Suppression] = field(default_factory=list)


def check_note(note: Note, settings: Settings, rules: list[type[Rule]]) -> NoteResult:
    ctx = Context(note, settings)
    findings: list[Finding] = []
    facts: dict[str, Any] = {}
    for rule_class in rules:
        rule = rule_class()
        findings.extend(rule.check_note(note, ctx))
        for diagram in note.diagrams:
            findings.extend(rule.check_diagram(diagram, ctx))
        collected = rule.collect(note, ctx)
        if collected is not None:
            facts[rule.code] = collected
    # In the order they are reported, so a note that nothing else applies to reports them as
    # they are (and the cache keeps them so).
    findings.sort(key=Finding.sort_key)
    return NoteResult(note.path, findings, facts, note.lines, find_suppressions(note))


def check_run(results: list[NoteResult], settings: Settings, rules: list[type[Rule]]) -> list[Finding]:
    """Run-level rules over the facts every note left; results are in the run's order."""
    ctx = RunContext(settings, {r.path: r.lines for r in results if r.lines is not None})
    by_code: dict[str, list[RunFacts]] = {}  # one pass over the notes, not one per rule
    for result in results:
        for code, facts in result.facts.items():
            by_code.setdefault(code, []).append(RunFacts(result.path, facts))
    findings: list[Finding] = []
    for rule_class in rules:
        if rule_class.code in by_code:
            findings.extend(rule_class().check_run(by_code[rule_class.code], ctx))
    return findings


def reported_findings(result: NoteResult, run_findings: list[Finding], settings: Settings) -> Sequence[Finding]:
    """A note's findings as reported: `per-file-ignores` and inline suppressions applied (here
    and nowhere else), and the suppressions that matched nothing reported as unused."""
    ignored = settings.ignored_in(result.path)
    if not (result.suppressions or ignored):
        # Nothing to take away: the note's own findings (in order: check_note) and the run's,
        # merged, and unpickled only when they are reported.
        return merge_sorted(result.findings, sorted(run_findings, key=Finding.sort_key), Finding.sort_key)
    enabled = settings.enabled_codes - ignored
    findings = [f for f in (*result.findings, *run_findings) if f.code not in ignored]
    # Suppressions of unused-suppression itself are not judged: what they hide is decided below.
    kept, unused = apply_suppressions(findings, result.suppressions, enabled - {UnusedSuppression.code})
    if UnusedSuppression.code in enabled and result.lines is not None:
        reporter = UnusedSuppression()
        for item in unused:
            finding = reporter.report(item, result.path, result.lines)
            # Only a suppression naming unused-suppression hides one, and never its own report.
            if not any(s is not item.suppression and UnusedSuppression.code in s.codes and s.covers(finding)
                       for s in result.suppressions):
                kept.append(finding)
    return sorted(kept, key=Finding.sort_key)
