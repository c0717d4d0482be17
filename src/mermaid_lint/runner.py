"""Checking many notes: each note's own checks in worker processes (or in this process),
results reused from the cache when the note, the tool and the settings are unchanged.
Results come back in the order they were asked for, whatever the scheduling, so the
run-level rules (which run here, on the notes' picklable facts) and the output never depend
on the number of processes.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import ResultCache, text_digest
from .engine import NoteResult, check_note, load_note
from .files import SourceText, is_mermaid_file

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import BaseContext

# A worker costs a fork and building the parsers its notes need (about 0.1 s), so each one
# must get at least this much text; less is checked here instead.
MIN_CHARS_PER_WORKER = 400_000


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


def check_one(path: str, source: SourceText, settings: Any, rules: list) -> NoteResult | NoteFailure:
    try:
        note = load_note(path, source, is_mermaid_file(Path(path)))
        return check_note(note, settings, rules)
    except Exception as error:  # a bug must not stop the other notes
        return NoteFailure(f"internal error: {error!r}", traceback.format_exc())


_worker_job: tuple[Any, list] | None = None  # (settings, rules), set once in each worker


def _start_worker(settings: Any, rules: list) -> None:
    global _worker_job
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker_job = (settings, rules)


def _check_in_worker(task: tuple[str, SourceText]) -> NoteResult | NoteFailure:
    assert _worker_job is not None
    return check_one(*task, *_worker_job)


def _process_context() -> BaseContext:
    import multiprocessing

    # Forked workers share the parsers and data this process has already loaded; elsewhere
    # (macOS, Windows) fork is unsafe or missing and each worker loads its own.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class NoteChecker:
    """Checks notes with `jobs` processes and a results cache; use it as a context manager
    so the worker processes stop and the new results are saved."""

    def __init__(self, settings: Any, jobs: int = 1, cache_dir: Path | None = None) -> None:
        self.settings = settings
        self.rules = settings.enabled_rules()
        self.jobs = max(1, jobs)
        self.cache = ResultCache(cache_dir, settings)
        self.computed = 0  # notes checked rather than found in the cache, in this checker's life
        self._pool: ProcessPoolExecutor | None = None

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
        results: dict[str, NoteResult | NoteFailure] = {}
        pending: list[tuple[str, SourceText]] = []
        digests: dict[str, str] = {}
        for path, source in sources.items():
            digests[path] = text_digest(source)
            cached = self.cache.get(path, digests[path])
            if cached is not None:
                results[path] = cached
            else:
                pending.append((path, source))
        for (path, _), outcome in zip(pending, self._compute(pending)):
            results[path] = outcome
            if isinstance(outcome, NoteResult):
                self.cache.put(path, digests[path], outcome)
        self.computed += len(pending)
        return {path: results[path] for path in sources}

    def _compute(self, pending: list[tuple[str, SourceText]]) -> list[NoteResult | NoteFailure]:
        workers = min(self.jobs, len(pending), sum(len(source.text) for _, source in pending) // MIN_CHARS_PER_WORKER)
        if workers <= 1:
            return [check_one(path, source, self.settings, self.rules) for path, source in pending]
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        outcomes: list[NoteResult | NoteFailure] = []
        if self._pool is None:
            # One note here first loads what checking needs, so forked workers start with it.
            outcomes.append(check_one(*pending[0], self.settings, self.rules))
            self._pool = ProcessPoolExecutor(workers, _process_context(), _start_worker, (self.settings, self.rules))
        todo = pending[len(outcomes):]
        chunk = max(1, min(8, len(todo) // (workers * 8)))
        try:
            for outcome in self._pool.map(_check_in_worker, todo, chunksize=chunk):
                outcomes.append(outcome)
        except BrokenProcessPool as error:  # a worker was killed (out of memory, a signal)
            self._pool.shutdown(cancel_futures=True)
            self._pool, self.jobs = None, 1  # what is left of the run is checked here
            lost = NoteFailure(f"internal error: a worker process died ({error}); try --jobs 1", "")
            outcomes.extend(lost for _ in range(len(pending) - len(outcomes)))
        return outcomes
