"""The library API the CLI uses: check or fix texts and paths."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, count
from pathlib import Path
from typing import Any

from .cache import OutputRecording, ResultCache
from .config import Settings
from .engine import NoteResult, check_run, reported_findings
from .files import CheckedTexts, InputError, SourceText, decode, encode, expand_paths, read_source, source_from_text, write_atomically
from .fixing import FixOutcome, fix_to_fixed_point
from .hashing import blake2b
from .ignore import PathFilter
from .model import Finding, LineIndex
from .packed import KEEP_AS_IS, Packed, PackedChunks
from .runner import NoteChecker, NoteFailure
from .suppressions import Suppression


@dataclass
class FileProblem:
    """A path that could not be checked or written (exit 2)."""

    path: str
    message: str
    detail: str | None = None  # traceback, shown with --verbose


class FileChanges(Mapping[str, tuple[str, str]]):
    """path -> (old text, new text) of the files `fix` changed: the old texts kept packed here,
    the new ones read from the report's texts."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._old: Packed[str] = Packed()
        self._new = texts

    def add(self, path: str, old: str) -> None:
        self._old[path] = old

    def __getitem__(self, path: str) -> tuple[str, str]:
        return self._old[path], self._new[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._old)

    def __len__(self) -> int:
        return len(self._old)


@dataclass
class RunReport:
    # in the order of the notes, each note's by position; packed note by note (reads like a list)
    findings: Sequence[Finding] = field(default_factory=PackedChunks)
    problems: list[FileProblem] = field(default_factory=list)
    notices: list[FileProblem] = field(default_factory=list)  # worth saying, not a failure
    files: int = 0
    # path -> (old text, new text) for files `fix` changed (or would change)
    changes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    fixes_applied: int = 0
    texts: MutableMapping[str, str] = field(default_factory=Packed)  # path -> text the findings refer to
    fixed: dict[str, Counter[str]] = field(default_factory=dict)  # path -> rule code -> findings fixed
    # A check with the cache on and every path read: where its output may be kept and replayed.
    replay: ReportReplay | None = None


class ReportReplay:
    """The output of the last few reports of the same notes (paths and texts, in order) under
    the same settings, kept in the results cache: a run with nothing changed writes it again
    instead of reading and formatting every finding. `key` must name all else the output
    depends on (format and output options, the working folder for relative paths)."""

    def __init__(self, cache: ResultCache, notes: str, texts: CheckedTexts) -> None:
        self._cache = cache
        self._notes = notes
        self._texts = texts  # the reporters' source lines

    def get(self, key: str) -> tuple[int, Iterator[str]] | None:
        """(flags, output in pieces) as put."""
        return self._cache.get_report(self._key(key))

    def put(self, key: str, flags: int, output: OutputRecording) -> None:
        """Keep an output; not one that lacks the source lines of a note changed since it was
        checked (the same text again would show them)."""
        if not self._texts.changed:
            self._cache.put_report(self._key(key), flags, output)
        self._cache.close()

    def _key(self, key: str) -> str:
        return blake2b(f"{self._notes}\0{key}".encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Stdin:
    """Standard input, checked as the path `-` stands for in the paths."""

    name: str  # what findings show and what decides Markdown or .mmd (--stdin-filename)
    data: bytes


class _Run:
    """The latest result of every note of a run. The run-level rules see every note and the
    reporters all findings, so a large run keeps something of each note to its end: packed,
    and the facts of each run-level rule apart, unpacked for that rule alone."""

    def __init__(self, checker: NoteChecker, keep_as_is: int = 0) -> None:
        self.checker = checker
        self.keep_as_is = keep_as_is  # notes whose result is not packed
        # Each note's own findings, in the run's order (those read from the cache kept as they came).
        self.findings: Packed[Sequence[Finding]] = Packed(keep_as_is=keep_as_is)
        self.suppressions: dict[str, list[Suppression]] = {}  # of the notes that have any
        self.lines: dict[str, LineIndex | None] = {}
        self.facts: dict[str, Packed[Any]] = {}  # rule code -> path -> what the rule collected there
        self.failures: list[FileProblem] = []
        self.notes = ""  # digest of the notes of the latest round (_notes_digest)

    def check(self, sources: Iterable[tuple[str, SourceText]], *, last: bool = False,
              remember: bool = True, fixing: bool | None = None) -> Iterator[tuple[str, Sequence[Finding]]]:
        """Check these notes (or their new texts), then each note's findings as reported,
        in the run's order. After the `last` round, each note is forgotten as it goes out.
        New results go to the cache if `remember` (their texts are, or will be, on disk).
        `fixing`: a round of `fix`, with unsafe fixes or not (NoteChecker.check_each)."""
        for path, outcome in self.checker.check_each(sources, remember, fixing):
            for facts in self.facts.values():
                facts.discard(path)
            self.suppressions.pop(path, None)
            if isinstance(outcome, NoteFailure):
                self.failures.append(FileProblem(path, outcome.message, outcome.detail))
                self.findings.discard(path)
                self.lines.pop(path, None)
                continue
            self.findings[path] = outcome.findings
            if outcome.suppressions:
                self.suppressions[path] = outcome.suppressions
            self.lines[path] = outcome.lines
            for code, facts in outcome.facts.items():
                self.facts.setdefault(code, Packed(keep_as_is=self.keep_as_is))[path] = facts
        self.notes = self._notes_digest()
        run_findings = self._run_findings(remember)
        if last:
            self.facts.clear()
        for path in list(self.findings):
            result = NoteResult(path, self.findings[path], lines=self.lines[path],
                                suppressions=self.suppressions.get(path, []))
            if last:
                del self.findings[path], self.lines[path]
                self.suppressions.pop(path, None)
            yield path, reported_findings(result, run_findings.pop(path, []), self.checker.settings)

    def _notes_digest(self) -> str:
        """A digest of the notes checked (paths and texts, in order)."""
        digests = self.checker.digests
        notes = blake2b(digest_size=16)
        for path in self.findings:
            notes.update(f"{path}\0{digests[path]}\0".encode())
        return notes.hexdigest()

    def forget(self) -> None:
        """Drop every note's result (no round follows)."""
        self.findings, self.suppressions, self.lines, self.facts = Packed(), {}, {}, {}
        self.checker.forget_ahead()

    def _run_findings(self, remember: bool) -> dict[str, list[Finding]]:
        """The run-level rules' findings by path; from the cache when it has those of the same
        notes with the same texts (in the same order), as a run with nothing changed does."""
        if not any(self.facts.values()):
            return {}
        found = self.checker.cache.get_run(self.notes)
        if found is not None:
            return found
        found = {}
        for rule in [rule for rule in self.checker.rules if self.facts.get(rule.code)]:
            facts = self.facts[rule.code]
            results = [NoteResult(path, [], {rule.code: facts[path]}, self.lines[path])
                       for path in self.findings if path in facts]
            for finding in check_run(results, self.checker.settings, [rule]):
                found.setdefault(finding.path, []).append(finding)
        if remember:
            self.checker.cache.put_run(self.notes, found)
        return found


def _read_each(paths: list[str], settings: Settings, report: RunReport,
               stdin: Stdin | None) -> Iterator[tuple[str, SourceText]]:
    """Each readable note, read when it is wanted (a run never holds every text as read);
    paths that match nothing or cannot be read are reported."""
    files, missing = expand_paths([p for p in paths if p != "-"], PathFilter(settings))
    report.problems.extend(FileProblem(p, m) for p, m in missing)
    readers = [(str(path), lambda path=path: read_source(path)) for path in files]
    if stdin is not None and "-" in paths:
        readers.insert(0, (stdin.name, lambda: decode(stdin.data)))
    seen: set[str] = set()
    for name, read in readers:
        if name in seen:
            continue
        seen.add(name)
        try:
            source = read()
        except InputError as error:
            report.problems.append(FileProblem(name, str(error)))
            continue
        report.files += 1
        yield name, source


def _kept_in(texts: MutableMapping[str, str],
             sources: Iterable[tuple[str, SourceText]]) -> Iterator[tuple[str, SourceText]]:
    """The sources, each text also kept in `texts` as it passes."""
    for path, source in sources:
        texts[path] = source.text
        yield path, source


def check_paths(paths: list[str], settings: Settings | None = None, stdin: Stdin | None = None, *,
                jobs: int = 1, cache_dir: Path | None = None) -> RunReport:
    """Check files, folders and globs (`-`: `stdin`) together: run-level rules see them all.
    Notes are checked in `jobs` processes, with the results kept in `cache_dir` reused."""
    settings = settings or Settings()
    texts = CheckedTexts(KEEP_AS_IS, not_files={stdin.name} if stdin else ())
    report = RunReport(findings=(findings := PackedChunks(KEEP_AS_IS)), texts=texts)
    with NoteChecker(settings, jobs, cache_dir) as checker:
        run = _Run(checker, KEEP_AS_IS)
        for path, found in run.check(_kept_in(report.texts, _read_each(paths, settings, report, stdin)), last=True):
            findings.add(path, found)
    report.problems.extend(run.failures)
    if cache_dir is not None and not report.problems:
        report.replay = ReportReplay(checker.cache, run.notes, texts)
    return report


def check_text(text: str, path: str = "<stdin>", settings: Settings | None = None) -> list[Finding]:
    """Findings for one note's text (`path` decides Markdown or .mmd, and is what they show)."""
    with NoteChecker(settings or Settings()) as checker:
        run = _Run(checker)
        found = dict(run.check([(path, source_from_text(text))], last=True))
    if run.failures:
        raise RuntimeError(run.failures[0].message)
    return found.get(path, [])


def _fix_all(sources: Iterable[tuple[str, SourceText]], run: _Run, unsafe: bool,
             writes: bool) -> Iterator[tuple[str, SourceText, FixOutcome]]:
    """Each note's path, original source and what fixing it came to, in the order of `sources`.
    Each round re-checks only the notes whose text changed. The fixed texts' results are
    cached only if the caller `writes` them: the cache keeps one result per path, and a
    dry run must leave that of the text on disk for the next check."""
    layouts: dict[str, tuple[bool, str]] = {}  # path -> (BOM, line terminator): fixing keeps them
    rounds = count()

    def texts() -> Iterator[tuple[str, str]]:
        for path, source in sources:
            layouts[path] = (source.bom, source.newline)
            yield path, source.text

    def check(texts: Iterable[tuple[str, str]]) -> Iterator[tuple[str, Sequence[Finding]]]:
        return run.check(((path, SourceText(text, *layouts[path])) for path, text in texts),
                         remember=next(rounds) == 0 or writes, fixing=unsafe)

    def fix_each(tasks):
        return run.checker.fix_each(((path, SourceText(text, *layouts[path]), fixes) for path, text, fixes in tasks),
                                    unsafe)

    outcomes = fix_to_fixed_point(texts(), check, unsafe, fix_each)
    first = next(outcomes, None)
    run.forget()  # the rounds are over: what is left is in the outcomes
    for path, outcome in chain([first] if first else [], outcomes):
        yield path, SourceText(outcome.original_text, *layouts[path]), outcome


def fix_text(text: str, path: str = "<stdin>", settings: Settings | None = None,
             unsafe: bool = False) -> tuple[str, list[Finding]]:
    """The fixed text and the findings that remain."""
    source = source_from_text(text)
    with NoteChecker(settings or Settings()) as checker:
        run = _Run(checker)
        [(_, _, outcome)] = _fix_all([(path, source)], run, unsafe, writes=False)
    if run.failures or outcome.refused:
        raise RuntimeError(run.failures[0].message if run.failures else outcome.refused)
    return ("\ufeff" if source.bom else "") + outcome.text, outcome.findings


def fix_paths(paths: list[str], settings: Settings | None = None, unsafe: bool = False,
              write: bool = True, stdin: Stdin | None = None, *, jobs: int = 1,
              cache_dir: Path | None = None) -> RunReport:
    """Fix files in place (or, with write=False, only report what would change). Standard
    input is never written: its fixed text is in `changes`."""
    settings = settings or Settings()
    report = RunReport(findings=(findings := PackedChunks()))
    changes = report.changes = FileChanges(report.texts)
    unwritten: list[FileProblem] = []
    with NoteChecker(settings, jobs, cache_dir) as checker:
        run = _Run(checker)
        for path, source, outcome in _fix_all(_read_each(paths, settings, report, stdin), run, unsafe, writes=write):
            if outcome.refused:
                unwritten.append(FileProblem(path, outcome.refused))
            elif outcome.withheld:
                report.notices.append(FileProblem(path, outcome.withheld))
            changed = outcome.text != source.text
            if changed and write and not (stdin and path == stdin.name):
                try:
                    write_atomically(Path(path), encode(source, outcome.text))
                except InputError as error:
                    unwritten.append(FileProblem(path, str(error)))
                    changed = False
            findings.add(path, outcome.findings if changed else outcome.original_findings)
            report.texts[path] = outcome.text if changed else source.text
            if changed:
                changes.add(path, source.text)
                report.fixes_applied += outcome.applied
                report.fixed[path] = (Counter(f.code for f in outcome.original_findings if f.fixable)
                                      - Counter(f.code for f in outcome.findings))
    # In the order they were met: unreadable paths, notes that failed to check, then to fix or write.
    report.problems.extend(run.failures + unwritten)
    findings.sort_chunks()  # each note's are in order: the notes in the order of their paths
    return report
