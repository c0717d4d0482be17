"""Parallel runs give exactly the serial results, in the same order; failures in a worker
are reported, never lost or hung on."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mermaid_lint import runner
from mermaid_lint.api import check_paths, fix_paths
from mermaid_lint.config import Settings
from mermaid_lint.files import SourceText
from mermaid_lint.rules.broken_line_break import BrokenLineBreak
from mermaid_lint.runner import NoteChecker, NoteFailure

from conftest import FIXTURES, GUIDES, record_calls


def make_vault(root: Path, copies: int = 3) -> Path:
    """Guides and rule fixtures, each several times (so run-level rules see duplicates)."""
    sources = sorted(GUIDES.glob("*.md")) + sorted((FIXTURES / "rules").glob("*/bad.md"))
    for copy in range(copies):
        for source in sources:
            name = f"{source.parent.name}-{source.stem}.md"
            target = root / f"part-{copy}" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return root


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return make_vault(tmp_path / "vault")


@pytest.fixture
def small_batches(monkeypatch):
    """Start worker processes even for the few notes a test has."""
    monkeypatch.setattr(runner, "MIN_CHARS_PER_WORKER", 1)


def _summary(report) -> tuple:
    return (report.findings, [(p.path, p.message) for p in report.problems], report.files)


def test_parallel_check_equals_serial_in_the_same_order(vault: Path, small_batches):
    serial = check_paths([str(vault)], jobs=1)
    parallel = check_paths([str(vault)], jobs=2)
    assert serial.findings, "the vault must have findings for this test to mean anything"
    assert {f.code for f in serial.findings} >= {"ML601", "ML303"}  # run-level rules too
    assert _summary(parallel) == _summary(serial)
    assert parallel.texts == serial.texts


def test_workers_are_really_used(vault: Path, small_batches):
    sources = {str(p): SourceText(p.read_text(encoding="utf-8"), False, "\n") for p in sorted(vault.rglob("*.md"))}
    with NoteChecker(Settings(), jobs=2) as checker:
        parallel = checker.check(sources)
        assert checker._pool is not None
    with NoteChecker(Settings(), jobs=1) as checker:
        serial = checker.check(sources)
        assert checker._pool is None
    assert list(parallel) == list(sources)  # the order asked for
    assert [r.findings for r in parallel.values()] == [r.findings for r in serial.values()]
    assert [r.facts for r in parallel.values()] == [r.facts for r in serial.values()]


@pytest.mark.parametrize("unsafe", [False, True])
def test_parallel_fix_equals_serial(tmp_path: Path, small_batches, unsafe: bool):
    serial_root = make_vault(tmp_path / "serial")
    parallel_root = make_vault(tmp_path / "parallel")
    serial = fix_paths([str(serial_root)], unsafe=unsafe, jobs=1)
    parallel = fix_paths([str(parallel_root)], unsafe=unsafe, jobs=2)
    assert serial.fixes_applied > 0
    if unsafe:  # duplicate-section's run-level fix removed repeated sections
        assert any("Llama" in old and len(new) < len(old) for old, new in serial.changes.values())
    relative = {p.relative_to(serial_root): p.read_bytes() for p in sorted(serial_root.rglob("*.md"))}
    assert relative == {p.relative_to(parallel_root): p.read_bytes() for p in sorted(parallel_root.rglob("*.md"))}
    assert serial.fixes_applied == parallel.fixes_applied

    def strip(report, root):
        return [(os.path.relpath(f.path, root), f.line, f.column, f.code, f.message.replace(str(root), "ROOT"))
                for f in report.findings]

    assert strip(serial, serial_root) == strip(parallel, parallel_root)


def test_a_bug_in_a_worker_is_reported_for_that_note_only(vault: Path, small_batches, monkeypatch):
    target = sorted(vault.rglob("*.md"))[-1]
    target.write_text(target.read_text(encoding="utf-8") + "\nBOOM\n", encoding="utf-8")
    original = BrokenLineBreak.check_note

    def explode(self, note, ctx):
        if "BOOM" in note.text:
            raise ValueError("rule bug")
        return original(self, note, ctx)

    monkeypatch.setattr(BrokenLineBreak, "check_note", explode)  # forked workers inherit it
    report = check_paths([str(vault)], jobs=2)
    assert [(p.path, p.message) for p in report.problems] == [(str(target), "internal error: ValueError('rule bug')")]
    assert "Traceback" in report.problems[0].detail
    serial = check_paths([str(vault)], jobs=1)  # the same bug, in this process
    assert _summary(report) == _summary(serial)


def test_a_killed_worker_fails_the_notes_it_held_and_the_run_ends(vault: Path, small_batches, monkeypatch):
    notes = sorted(vault.rglob("*.md"))
    victim = notes[len(notes) // 2]  # not the first note, which the parent checks itself
    victim.write_text(victim.read_text(encoding="utf-8") + "\nKILL-WORKER\n", encoding="utf-8")
    original = BrokenLineBreak.check_note
    parent = os.getpid()

    def die(self, note, ctx):
        if "KILL-WORKER" in note.text and os.getpid() != parent:
            os._exit(9)
        return original(self, note, ctx)

    monkeypatch.setattr(BrokenLineBreak, "check_note", die)
    report = check_paths([str(vault)], jobs=2)
    assert report.problems
    assert all("worker process died" in p.message for p in report.problems)
    assert str(victim) in {p.path for p in report.problems}


def test_few_notes_are_checked_in_this_process(vault: Path):
    one = sorted(vault.rglob("*.md"))[:3]
    sources = {str(p): SourceText(p.read_text(encoding="utf-8"), False, "\n") for p in one}
    with NoteChecker(Settings(), jobs=8) as checker:
        results = checker.check(sources)
        assert checker._pool is None
    assert not any(isinstance(r, NoteFailure) for r in results.values())


def test_run_facts_stay_small(vault: Path):
    """Every note's facts wait in memory (and go through a pipe) until the run ends: they
    must be digests and positions, not copies of the note."""
    import pickle

    from mermaid_lint.engine import check_note, load_note
    from mermaid_lint.files import read_source

    settings = Settings()
    rules = settings.enabled_rules()
    texts = facts = 0
    for path in sorted(vault.rglob("*.md")):
        result = check_note(load_note(str(path), read_source(path), False), settings, rules)
        texts += path.stat().st_size
        facts += len(pickle.dumps(result.facts))
    assert facts < texts / 2  # a copy of the text would be more than the text


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_notes_are_read_only_a_window_ahead_of_the_results(vault: Path, tmp_path: Path, small_batches,
                                                          jobs: int, warm: bool):
    """The parent never holds every note's text or result: it reads notes as results go out."""
    paths = sorted(vault.rglob("*.md"))
    read: list[str] = []

    def sources():
        for path in paths:
            read.append(str(path))
            yield str(path), SourceText(path.read_text(encoding="utf-8"), False, "\n")

    if warm:
        check_paths([str(vault)], cache_dir=tmp_path / "c")
    most = 1 if warm else runner.BATCH * runner.BATCHES_AHEAD * jobs
    with NoteChecker(Settings(), jobs=jobs, cache_dir=tmp_path / "c") as checker:
        handed_out = []
        for path, _ in checker.check_each(sources()):
            handed_out.append(path)
            assert len(read) - len(handed_out) <= most
    assert handed_out == read == [str(p) for p in paths]


def test_a_report_reads_like_a_list_of_findings(vault: Path):
    from mermaid_lint.model import Finding

    checked = check_paths([str(vault)])
    found = list(checked.findings)
    assert found and checked.findings == found and found == checked.findings
    assert len(checked.findings) == len(found)
    assert checked.findings[0] == found[0] and checked.findings[-1] == found[-1]
    assert checked.findings[3:7] == found[3:7]
    assert checked.findings != found[:-1]
    fixed = fix_paths([str(vault)], write=False)
    assert list(fixed.findings) == sorted(fixed.findings, key=Finding.sort_key)


def test_a_bug_in_a_fix_round_fails_that_note_only(vault: Path, small_batches, monkeypatch):
    """The safety net runs in the workers: a bug there leaves that note as it was."""
    notes = sorted(vault.rglob("*.md"))
    victim = next(p for p in notes[1:] if "<b/r>" in p.read_text(encoding="utf-8"))
    original_text = victim.read_bytes()
    note_meaning = runner.note_meaning

    def explode(note):
        if note.path == str(victim):
            raise ValueError("meaning bug")
        return note_meaning(note)

    monkeypatch.setattr(runner, "note_meaning", explode)
    report = fix_paths([str(vault)], jobs=2)
    assert [(p.path, p.message) for p in report.problems] == [
        (str(victim), "internal error: ValueError('meaning bug'); the file was left unchanged")]
    assert victim.read_bytes() == original_text
    assert report.changes and str(victim) not in report.changes


def test_a_fix_loads_each_text_of_a_note_once(monkeypatch):
    """Each round's safety net and the check after it read the same texts: a note in a small
    run is parsed once per text it goes through, not once per look at it."""
    from mermaid_lint.api import fix_text

    text = (GUIDES / "future-of-ai-built-with-llama.md").read_text(encoding="utf-8")
    loaded = record_calls(monkeypatch, runner, "load_note", lambda path, source, mermaid_file: source.text)
    monkeypatch.setattr(runner, "_recent_notes", type(runner._recent_notes)())
    fixed, _ = fix_text(text)
    assert fixed != text and loaded[0] == text and loaded[-1] == fixed
    assert len(loaded) == len(set(loaded))  # the round's texts, each once


def test_a_fix_of_many_notes_loads_each_text_once(tmp_path: Path, monkeypatch):
    """Each note's rounds are worked out while it is at hand: with more notes than the
    recently loaded ones kept, a round's safety net and the next check still find it loaded."""
    vault = tmp_path / "vault"  # the guides (no suppressions, which the run-level rules may use)
    for copy in range(runner.RECENT_NOTES):
        shutil.copytree(GUIDES, vault / f"copy-{copy}")
    loaded = record_calls(monkeypatch, runner, "load_note", lambda path, source, mermaid_file: (path, source.text))
    report = fix_paths([str(vault)], jobs=1)
    assert report.fixes_applied > 0
    assert len(loaded) == len(set(loaded))  # each text of each note, once


@pytest.mark.parametrize("unsafe", [False, True])
def test_rounds_worked_out_ahead_change_nothing(tmp_path: Path, monkeypatch, unsafe: bool):
    """A run takes the rounds worked out ahead only where its own rounds come to the same: it
    works a round out again where a run-level rule's finding adds a fix (duplicate-section's,
    unsafe) or uses a suppression that the note alone leaves unused."""
    rounds = record_calls(monkeypatch, runner, "fix_one")
    ahead_root = make_vault(tmp_path / "ahead")
    ahead = fix_paths([str(ahead_root)], unsafe=unsafe, jobs=1)
    ahead_rounds = len(rounds)
    monkeypatch.setattr(runner, "_foreseen", lambda path, source, ahead, *args: [])
    plain_root = make_vault(tmp_path / "plain")
    plain = fix_paths([str(plain_root)], unsafe=unsafe, jobs=1)
    assert 0 < ahead_rounds < (len(rounds) - ahead_rounds) / 4
    assert ahead.fixes_applied == plain.fixes_applied > 0
    files = {p.relative_to(ahead_root): p.read_bytes() for p in sorted(ahead_root.rglob("*.md"))}
    assert files == {p.relative_to(plain_root): p.read_bytes() for p in sorted(plain_root.rglob("*.md"))}
    assert [(f.line, f.column, f.code, f.message.replace(str(ahead_root), "ROOT")) for f in ahead.findings] == [
        (f.line, f.column, f.code, f.message.replace(str(plain_root), "ROOT")) for f in plain.findings]
