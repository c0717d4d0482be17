"""The library API the CLI uses: check or fix texts and paths."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .engine import NoteResult, check_run, load_note, reported_findings
from .files import (InputError, SourceText, decode, encode, expand_paths, is_mermaid_file, read_source,
                    source_from_text, write_atomically)
from .fixing import FixOutcome, fix_to_fixed_point
from .ignore import PathFilter
from .meaning import BlockMeaning, note_meaning
from .model import Finding
from .runner import NoteChecker, NoteFailure


@dataclass
class FileProblem:
    """A path that could not be checked or written (exit 2)."""

    path: str
    message: str
    detail: str | None = None  # traceback, shown with --verbose


@dataclass
class RunReport:
    findings: list[Finding] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files: int = 0
    # path -> (old text, new text) for files `fix` changed (or would change)
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    fixes_applied: int = 0
    texts: dict[str, str] = field(default_factory=dict)  # path -> text the findings refer to
    fixed: dict[str, Counter[str]] = field(default_factory=dict)  # path -> rule code -> findings fixed


@dataclass(frozen=True)
class Stdin:
    """Standard input, checked as the path `-` stands for in the paths."""

    name: str  # what findings show and what decides Markdown or .mmd (--stdin-filename)
    data: bytes


def _check_texts(texts: dict[str, str], sources: dict[str, SourceText], checker: NoteChecker,
                 problems: list[FileProblem]) -> dict[str, list[Finding]]:
    results: list[NoteResult] = []
    current = {path: SourceText(text, sources[path].bom, sources[path].newline) for path, text in texts.items()}
    for path, outcome in checker.check(current).items():
        if isinstance(outcome, NoteFailure):
            problems.append(FileProblem(path, outcome.message, outcome.detail))
        else:
            results.append(outcome)
    settings, rules = checker.settings, checker.rules
    run_findings: dict[str, list[Finding]] = {r.path: [] for r in results}
    for finding in check_run(results, settings, rules):
        run_findings[finding.path].append(finding)
    return {r.path: reported_findings(r, run_findings[r.path], settings, rules) for r in results}


def _read_all(paths: list[str], settings: Settings, report: RunReport, stdin: Stdin | None) -> dict[str, SourceText]:
    files, missing = expand_paths([p for p in paths if p != "-"], PathFilter(settings))
    report.problems.extend(FileProblem(p, m) for p, m in missing)
    sources = {}
    if stdin is not None and "-" in paths:
        try:
            sources[stdin.name] = decode(stdin.data)
        except InputError as error:
            report.problems.append(FileProblem(stdin.name, str(error)))
    for path in files:
        try:
            sources[str(path)] = read_source(path)
        except InputError as error:
            report.problems.append(FileProblem(str(path), str(error)))
    report.files = len(sources)
    return sources


def check_paths(paths: list[str], settings: Settings | None = None, stdin: Stdin | None = None, *,
                jobs: int = 1, cache_dir: Path | None = None) -> RunReport:
    """Check files, folders and globs (`-`: `stdin`) together: run-level rules see them all.
    Notes are checked in `jobs` processes, with the results kept in `cache_dir` reused."""
    settings = settings or Settings()
    report = RunReport()
    sources = _read_all(paths, settings, report, stdin)
    with NoteChecker(settings, jobs, cache_dir) as checker:
        by_path = _check_texts({p: s.text for p, s in sources.items()}, sources, checker, report.problems)
    report.findings = [f for found in by_path.values() for f in found]
    report.texts = {p: s.text for p, s in sources.items()}
    return report


def check_text(text: str, path: str = "<stdin>", settings: Settings | None = None) -> list[Finding]:
    """Findings for one note's text (`path` decides Markdown or .mmd, and is what they show)."""
    source = source_from_text(text)
    problems: list[FileProblem] = []
    with NoteChecker(settings or Settings()) as checker:
        found = _check_texts({path: source.text}, {path: source}, checker, problems)
    if problems:
        raise RuntimeError(problems[0].message)
    return found.get(path, [])


def _fix_sources(sources: dict[str, SourceText], checker: NoteChecker, unsafe: bool,
                 problems: list[FileProblem]) -> dict[str, FixOutcome]:
    def check(texts: dict[str, str]) -> dict[str, list[Finding]]:
        # Each round re-checks only the notes whose text changed; the others come from the cache.
        return _check_texts(texts, sources, checker, problems)

    def describe(path: str, text: str) -> list[BlockMeaning]:
        source = sources[path]
        return note_meaning(load_note(path, SourceText(text, source.bom, source.newline), is_mermaid_file(Path(path))))

    return fix_to_fixed_point({p: s.text for p, s in sources.items()}, check, unsafe, describe)


def fix_text(text: str, path: str = "<stdin>", settings: Settings | None = None,
             unsafe: bool = False) -> tuple[str, list[Finding]]:
    """The fixed text and the findings that remain."""
    source = source_from_text(text)
    problems: list[FileProblem] = []
    with NoteChecker(settings or Settings()) as checker:
        outcome = _fix_sources({path: source}, checker, unsafe, problems)[path]
    if problems or outcome.refused:
        raise RuntimeError(problems[0].message if problems else outcome.refused)
    return ("\ufeff" if source.bom else "") + outcome.text, outcome.findings


def fix_paths(paths: list[str], settings: Settings | None = None, unsafe: bool = False,
              write: bool = True, stdin: Stdin | None = None, *, jobs: int = 1,
              cache_dir: Path | None = None) -> RunReport:
    """Fix files in place (or, with write=False, only report what would change). Standard
    input is never written: its fixed text is in `changes`."""
    settings = settings or Settings()
    report = RunReport()
    sources = _read_all(paths, settings, report, stdin)
    with NoteChecker(settings, jobs, cache_dir) as checker:
        outcomes = _fix_sources(sources, checker, unsafe, report.problems)
    for path, outcome in outcomes.items():
        source = sources[path]
        if outcome.refused:
            report.problems.append(FileProblem(path, outcome.refused))
        changed = outcome.text != source.text
        if changed and write and not (stdin and path == stdin.name):
            try:
                write_atomically(Path(path), encode(source, outcome.text))
            except InputError as error:
                report.problems.append(FileProblem(path, str(error)))
                changed = False
        report.findings.extend(outcome.findings if changed else outcome.original_findings)
        report.texts[path] = outcome.text if changed else source.text
        if changed:
            report.changes[path] = (source.text, outcome.text)
            report.fixes_applied += outcome.applied
            report.fixed[path] = (Counter(f.code for f in outcome.original_findings if f.fixable)
                                  - Counter(f.code for f in outcome.findings))
    report.findings.sort(key=Finding.sort_key)
    return report
