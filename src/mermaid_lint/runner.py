"""Checking many notes: each note's own checks (and each round of `fix` on it) in worker
processes or in this process, results reused from the cache when the note, the tool and the
settings are unchanged. Results come back in the order they were asked for, whatever the
scheduling, so the run-level rules (which run here, on the notes' picklable facts) and the
output never depend on the number of processes. Notes are taken as the work goes, so only a
window of texts is held at once, whatever the size of the run.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections import OrderedDict, deque
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .cache import ResultCache, text_digest
from .engine import NoteResult, check_note, load_note, reported_findings
from .files import SourceText, is_mermaid_file
from .fixing import MAX_ROUNDS, FixStep, applicable_fixes, apply_fixes, fix_step
from .meaning import note_meaning
from .model import Fix, Note
from .packed import Packed

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from .rules.base import Rule

# A worker costs a fork and building the parsers its notes need (about 0.1 s), so each one
# must get at least this much text; less is checked here instead.
MIN_CHARS_PER_WORKER = 400_000
BATCH = 8  # notes sent to a worker at once, at most
BATCHES_AHEAD = 4  # per worker: enough to keep it busy while results are handed out in order
# Notes read while too little work is found for a worker (a warm run, say): past this many,
# the work among them is done here, so that results never pile up waiting for a decision.
MAX_WAITING = 256

# function(*args, settings, rules), run here or in a worker
Task = tuple[Callable[..., Any], tuple]
# (key, value, task, size): a known value, or a task that computes it from `size` characters
Entry = tuple[Any, Any, "Task | None", int]


@dataclass
class NoteFailure:
    """A note that could not be checked because of a bug (reported, exit 2)."""

    message: str
    detail: str  # the traceback, shown with --verbose


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# The notes this process loaded last, parsed bodies and all. A round of `fix` loads a note's
# new text for the safety net, and the check that follows loads that text again (and in a
# small run, the next round and the round's own check of the old text meet it once more).
RECENT_NOTES = 16
_recent_notes: OrderedDict[tuple[str, str, bool, str], Note] = OrderedDict()


def _load(path: str, source: SourceText) -> Note:
    key = (path, source.text, source.bom, source.newline)
    note = _recent_notes.get(key)
    if note is not None:
        _recent_notes.move_to_end(key)
        return note
    note = _recent_notes[key] = load_note(path, source, is_mermaid_file(Path(path)))
    if len(_recent_notes) > RECENT_NOTES:
        _recent_notes.popitem(last=False)
    return note


def check_one(path: str, source: SourceText, settings: Any, rules: list) -> NoteResult | NoteFailure:
    try:
        return check_note(_load(path, source), settings, rules)
    except Exception as error:  # a bug must not stop the other notes
        return _failure(error)


def fix_one(path: str, source: SourceText, fixes: list[Fix], unsafe: bool, settings: Any,
            rules: list) -> tuple[FixStep, list[Foreseen]] | NoteFailure:
    """One round of `fix` on one note (its fixes applied and the safety net's meaning check),
    and the rounds that may follow it, worked out ahead."""
    try:
        step = fix_step(path, source.text, fixes, _describer(source))
    except Exception as error:  # a bug must not stop the other notes
        return _failure(error)
    if step.text is None:
        return step, []
    fixed = SourceText(step.text, source.bom, source.newline)
    return step, _foreseen(path, fixed, check_one(path, fixed, settings, rules), unsafe, settings, rules)


def check_ahead(path: str, source: SourceText, unsafe: bool, settings: Any,
                rules: list) -> tuple[NoteResult | NoteFailure, list[Foreseen]]:
    """A note's result in a round of `fix`, and the rounds that may follow it, worked out ahead."""
    result = check_one(path, source, settings, rules)
    return result, _foreseen(path, source, result, unsafe, settings, rules)


@dataclass
class Foreseen:
    """A round of `fix` on one note, worked out while the note is at hand, for the run to take
    if its round comes to the same: the check of a text (by its digest, as a run may hold
    thousands of these), and its fixes applied (`step`)."""

    digest: str
    result: NoteResult | None  # None once handed out
    fixes: list[Fix] | None = None  # None: not worked out (no fixes, a bug, the rounds ran out)
    step: FixStep | None = None  # without its text, which apply_fixes makes again


def _foreseen(path: str, source: SourceText, result: NoteResult | NoteFailure, unsafe: bool,
              settings: Any, rules: list) -> list[Foreseen]:
    """The rounds from `source` (checked: `result`) on, as the run's rounds would go with this
    note alone (the run-level rules' findings, which only the whole run knows, aside): each
    round's fixes applied and the new text checked. The note is loaded already: that is the gain."""
    ahead: list[Foreseen] = []
    try:
        while isinstance(result, NoteResult) and len(ahead) <= MAX_ROUNDS:
            round_ = Foreseen(text_digest(source), result)
            ahead.append(round_)
            round_.fixes = applicable_fixes(reported_findings(result, [], settings), unsafe)
            if not round_.fixes:
                break
            step = fix_step(path, source.text, round_.fixes, _describer(source))
            round_.step = replace(step, text=None)
            if step.text is None:
                break
            source = SourceText(step.text, source.bom, source.newline)
            result = check_one(path, source, settings, rules)
    except Exception:  # the run's own round meets it again, and reports it
        round_.fixes = round_.step = None
    return ahead


def _describer(source: SourceText) -> Callable[[str, str], list]:
    """fixing.Describer for a note with `source`'s BOM and line terminator."""
    def describe(path: str, text: str):
        return note_meaning(_load(path, SourceText(text, source.bom, source.newline)))
    return describe


def _failure(error: Exception) -> NoteFailure:
    if isinstance(error, RecursionError):  # the parsers' models nest as the diagram does
        return NoteFailure("a diagram nests too deeply to check (Python's recursion limit; --verbose shows where)",
                           traceback.format_exc())
    return NoteFailure(f"internal error: {error!r}", traceback.format_exc())


_worker_job: tuple[Any, list] | None = None  # (settings, rules), set once in each worker


def _start_worker(settings: Any, rules: list) -> None:
    global _worker_job
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker_job = (settings, rules)


def _run_in_worker(tasks: list[Task]) -> list[Any]:
    assert _worker_job is not None
    return [function(*args, *_worker_job) for function, args in tasks]


def _process_context() -> BaseContext:
    import multiprocessing

    # Forked workers share the parsers and data this process has already loaded; elsewhere
    # (macOS, Windows) fork is unsafe or missing and each worker loads its own.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class _Batch:
    """Tasks sent to a worker together, then their results."""

    def __init__(self) -> None:
        self.tasks: list[Task] = []
        self.future: Future | None = None
        self.results: list[Any] | None = None


class NoteChecker:
    """Checks notes with `jobs` processes and a results cache; use it as a context manager
    so the worker processes stop and the new results are saved."""

    def __init__(self, settings: Any, jobs: int = 1, cache_dir: Path | None = None) -> None:
        self.settings = settings
        self.jobs = max(1, jobs)
        self.cache = ResultCache(cache_dir, settings)
        self.digests: dict[str, str] = {}  # path -> digest of the text last checked there
        self._ahead: Packed[list[Foreseen]] = Packed()  # path -> the rounds of `fix` worked out ahead (never [])
        self._pool: ProcessPoolExecutor | None = None

    @cached_property
    def rules(self) -> list[type[Rule]]:
        """The rules to run, loaded when a note is to be checked (a run the cache answers
        imports none of them)."""
        return self.settings.enabled_rules()

    def __enter__(self) -> NoteChecker:
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is None:
                self.cache.save()
        finally:
            self.cache.close()
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)

    def check(self, sources: dict[str, SourceText]) -> dict[str, NoteResult | NoteFailure]:
        """Each note's result (or failure), in the order of `sources`."""
        return dict(self.check_each(sources.items()))

    def check_each(self, sources: Iterable[tuple[str, SourceText]], remember: bool = True,
                   fixing: bool | None = None) -> Iterator[tuple[str, NoteResult | NoteFailure]]:
        """Each note's result (or failure), in the order of `sources`, which is read only a
        window ahead of the results handed out; new results are kept in the cache if
        `remember` (the cache holds one result per path: that of the text on disk). In a
        round of `fix` (`fixing`: with unsafe fixes or not), each note's next rounds are
        worked out ahead, for fix_each and the next check_each to take."""
        def entries() -> Iterator[Entry]:
            for path, source in sources:
                digest = self.digests[path] = text_digest(source)
                foreseen = self._foreseen_result(path, digest)
                cached = None if foreseen is not None else self.cache.get(path, digest)
                known = foreseen or cached
                task = None
                if known is None:
                    task = (check_one, (path, source)) if fixing is None else (check_ahead, (path, source, fixing))
                yield (path, digest, cached is None), known, task, len(source.text)

        for (path, digest, computed), outcome in self._in_order(entries()):
            if isinstance(outcome, tuple):
                outcome, ahead = outcome
                if ahead and ahead[0].step is not None:  # else no round follows
                    ahead[0].result = None
                    self._ahead[path] = ahead
            if remember and computed and isinstance(outcome, NoteResult):
                self.cache.put(path, digest, outcome)
            yield path, outcome

    def fix_each(self, tasks: Iterable[tuple[str, SourceText, list[Fix]]],
                 unsafe: bool = False) -> Iterator[tuple[str, FixStep]]:
        """What each note's fixes do to it (fixing.fix_step), in the order of `tasks`."""
        def entries() -> Iterator[Entry]:
            for path, source, fixes in tasks:
                step = self._foreseen_step(path, source, fixes)
                task = None if step is not None else (fix_one, (path, source, fixes, unsafe))
                yield path, step, task, len(source.text)

        for path, outcome in self._in_order(entries()):
            if isinstance(outcome, NoteFailure):
                outcome = FixStep(None, 0, f"{outcome.message}; the file was left unchanged")
            elif isinstance(outcome, tuple):
                outcome, ahead = outcome
                if ahead:
                    self._ahead[path] = ahead
            yield path, outcome

    def _foreseen_result(self, path: str, digest: str) -> NoteResult | None:
        """The result worked out ahead for the note's text, if any; what else was worked out
        for the note is dropped when the run's rounds went another way."""
        if path not in self._ahead:  # (every note of a `check`)
            return None
        ahead = self._ahead[path]
        if ahead[0].digest == digest and ahead[0].result is not None:
            result, ahead[0].result = ahead[0].result, None
            if ahead[0].step is not None:
                self._ahead[path] = ahead
            else:
                self._ahead.discard(path)
            return result
        self._ahead.discard(path)
        return None

    def _foreseen_step(self, path: str, source: SourceText, fixes: list[Fix]) -> FixStep | None:
        """The step worked out ahead for these fixes on the note's text, if any."""
        if path not in self._ahead:
            return None
        ahead = self._ahead[path]
        self._ahead.discard(path)
        if ahead[0].fixes != fixes or ahead[0].step is None or ahead[0].digest != text_digest(source):
            return None
        if len(ahead) > 1:
            self._ahead[path] = ahead[1:]
        step = ahead[0].step
        return replace(step, text=apply_fixes(source.text, fixes)[0]) if step.applied else step

    def forget_ahead(self) -> None:
        """Drop what was worked out ahead (the run's rounds are over)."""
        self._ahead = Packed()

    def _in_order(self, entries: Iterable[Entry]) -> Iterator[tuple[Any, Any]]:
        """(key, value) of each entry, in order: its known value, or what its task returns,
        computed here or, once there is enough to do, in the workers."""
        entries = iter(entries)
        waiting: list[Entry] = []  # read, not handed out: behind a task not yet started
        tasks = chars = 0  # of the run so far
        for entry in entries:
            if self.jobs == 1 or (entry[2] is None and not waiting):
                yield entry[0], self._value(entry)
                continue
            waiting.append(entry)
            if entry[2] is not None:
                tasks, chars = tasks + 1, chars + entry[3]
            if tasks >= self.jobs and chars >= self.jobs * MIN_CHARS_PER_WORKER:
                yield from self._in_workers(self.jobs, waiting, entries)
                return
            if len(waiting) >= MAX_WAITING:  # the work is thin: do what is here
                yield from ((entry[0], self._value(entry)) for entry in waiting)
                waiting = []
        workers = min(self.jobs, sum(entry[2] is not None for entry in waiting), chars // MIN_CHARS_PER_WORKER)
        if workers > 1:
            yield from self._in_workers(workers, waiting, entries)
        else:
            yield from ((entry[0], self._value(entry)) for entry in waiting)

    def _value(self, entry: Entry) -> Any:
        """The entry's value, its task run here if it has one."""
        _, value, task, _ = entry
        return value if task is None else self._here(task)

    def _here(self, task: Task) -> Any:
        function, args = task
        return function(*args, self.settings, self.rules)

    def _in_workers(self, workers: int, ahead: list[Entry], entries: Iterator[Entry]) -> Iterator[tuple[Any, Any]]:
        from concurrent.futures import Future, ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is None:
            # One task here first loads what checking needs, so forked workers start with it.
            first = next(i for i, entry in enumerate(ahead) if entry[2] is not None)
            key, _, task, size = ahead[first]
            ahead[first] = (key, self._here(task), None, size)
            self._pool = ProcessPoolExecutor(workers, _process_context(), _start_worker, (self.settings, self.rules))
        pool = self._pool
        size = max(1, min(BATCH, sum(entry[2] is not None for entry in ahead) // (workers * BATCH)))
        window: deque[tuple[Any, Any, _Batch | None, int]] = deque()  # (key, value, batch, index in it)
        batch = _Batch()
        lost: NoteFailure | None = None  # once a worker died, the tasks left fail

        def send(batch: _Batch) -> None:
            try:
                batch.future = pool.submit(_run_in_worker, batch.tasks)
            except BrokenProcessPool as error:  # a worker died since the last results were taken
                batch.future = Future()
                batch.future.set_exception(error)  # take() fails the batch's notes
            batch.tasks = []

        def take() -> tuple[Any, Any]:
            nonlocal lost
            key, value, held, index = window.popleft()
            if held is None:
                return key, value
            if lost is None and held.results is None:
                if held.future is None:
                    send(held)
                try:
                    held.results = held.future.result()
                except BrokenProcessPool as error:  # a worker was killed (out of memory, a signal)
                    pool.shutdown(cancel_futures=True)
                    self._pool, self.jobs = None, 1  # what is left of the run is checked here
                    lost = NoteFailure(f"internal error: a worker process died ({error}); try --jobs 1", "")
            return key, lost if lost is not None else held.results[index]

        for key, value, task, _ in chain(ahead, entries):
            if task is None or lost is not None:
                window.append((key, value if task is None else lost, None, 0))
            else:
                if batch.future is not None:  # sent early, to hand out what waited for it
                    batch = _Batch()
                window.append((key, None, batch, len(batch.tasks)))
                batch.tasks.append(task)
                if len(batch.tasks) == size:
                    send(batch)
            while window and (window[0][2] is None or len(window) >= workers * BATCHES_AHEAD * size):
                yield take()
        if batch.tasks and lost is None:
            send(batch)
        while window:
            yield take()
