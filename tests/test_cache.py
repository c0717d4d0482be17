"""The results cache: hits when nothing changed, misses when a note, a setting or the tool
changed, and never an error (or worse) from a damaged or crafted cache."""

from __future__ import annotations

import io
import pickle
import sqlite3
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from mermaid_lint import api, cache, runner
from mermaid_lint.api import check_paths, fix_paths
from mermaid_lint.cache import DATABASE, ResultCache, text_digest
from mermaid_lint.cli import cli
from mermaid_lint.config import Settings
from mermaid_lint.files import SourceText

from conftest import record_calls
from test_runner import make_vault


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return make_vault(tmp_path / "vault", copies=2)


@pytest.fixture
def computed(monkeypatch) -> list[str]:
    """The paths of the notes really checked (not answered from the cache), in this process."""
    return record_calls(monkeypatch, runner, "check_one")


def _notes(vault: Path) -> list[str]:
    return [str(p) for p in sorted(vault.rglob("*.md"))]


def test_warm_run_checks_nothing_and_reports_the_same(vault, tmp_path, computed):
    cold = check_paths([str(vault)], cache_dir=tmp_path / "c")
    assert sorted(computed) == _notes(vault)
    computed.clear()
    warm = check_paths([str(vault)], cache_dir=tmp_path / "c")
    assert computed == []
    assert warm.findings == cold.findings and warm.texts == cold.texts
    assert (tmp_path / "c" / "CACHEDIR.TAG").is_file() and (tmp_path / "c" / ".gitignore").is_file()


def test_a_changed_note_is_checked_again_alone(vault, tmp_path, computed):
    check_paths([str(vault)], cache_dir=tmp_path / "c")
    note = Path(_notes(vault)[0])
    note.write_text(note.read_text(encoding="utf-8") + "\n```mermaid\ngraph TD\n  A[x<b/r>y] --> B\n```\n", encoding="utf-8")
    computed.clear()
    again = check_paths([str(vault)], cache_dir=tmp_path / "c")
    assert computed == [str(note)]
    assert again.findings == check_paths([str(vault)]).findings  # the same as without a cache


@pytest.fixture
def run_level_checks(monkeypatch) -> list[int]:
    """One item per run-level rule really run (not answered from the cache)."""
    seen: list[int] = []
    check_run = api.check_run

    def counting(*args):
        seen.append(1)
        return check_run(*args)

    monkeypatch.setattr(api, "check_run", counting)
    return seen


def test_run_level_findings_come_from_the_cache_only_for_the_same_notes(vault, tmp_path, run_level_checks):
    folder = tmp_path / "c"
    cold = check_paths([str(vault)], cache_dir=folder)
    assert run_level_checks and {"ML303", "ML601", "ML602"} <= {f.code for f in cold.findings}
    run_level_checks.clear()
    assert check_paths([str(vault)], cache_dir=folder).findings == cold.findings
    assert run_level_checks == []
    # A section pasted into another note: the notes differ, the run-level rules run again.
    notes = _notes(vault)
    pasted = Path(notes[0]).read_text(encoding="utf-8").split("\n## ")[1]
    with open(notes[-1], "a", encoding="utf-8") as note:
        note.write(f"\n## {pasted}")
    changed = check_paths([str(vault)], cache_dir=folder)
    assert run_level_checks
    assert changed.findings == check_paths([str(vault)]).findings != cold.findings  # as without a cache
    # Fewer notes (the same texts) are other notes too.
    run_level_checks.clear()
    assert check_paths(notes[1:], cache_dir=folder).findings == check_paths(notes[1:]).findings
    assert run_level_checks


def test_the_same_text_at_another_path_is_not_a_hit(vault, tmp_path, computed):
    check_paths([str(vault)], cache_dir=tmp_path / "c")
    first = Path(_notes(vault)[0])
    twin = first.with_name("twin.md")
    twin.write_bytes(first.read_bytes())
    computed.clear()
    report = check_paths([str(vault)], cache_dir=tmp_path / "c")
    assert computed == [str(twin)]
    assert any(f.path == str(twin) for f in report.findings)


@pytest.mark.parametrize("settings", [
    Settings(select=("ML4",)),
    Settings(ignore=("ML303",)),
    Settings(rule_options={"ML601": {"similarity": 0.5}}),
])
def test_changed_settings_miss(vault, tmp_path, computed, settings):
    check_paths([str(vault)], cache_dir=tmp_path / "c")
    computed.clear()
    check_paths([str(vault)], settings, cache_dir=tmp_path / "c")
    assert sorted(computed) == _notes(vault)
    computed.clear()
    check_paths([str(vault)], settings, cache_dir=tmp_path / "c")
    assert computed == []  # and those results are kept beside the others


def test_the_fingerprint_covers_rules_grammars_and_mermaid_data():
    names = {p.name for p in cache._tool_files()}
    assert {"broken_line_break.py", "engine.py", "block.lark", "directive.lark", "config_schema.yaml"} <= names


def test_a_changed_tool_source_misses(vault, tmp_path, computed, monkeypatch):
    extra = tmp_path / "rule.py"
    extra.write_text("v1")
    files = cache._tool_files()
    monkeypatch.setattr(cache, "_tool_files", lambda: files + [extra])
    check_paths([str(vault)], cache_dir=tmp_path / "c")
    computed.clear()
    extra.write_text("v2")
    check_paths([str(vault)], cache_dir=tmp_path / "c")
    assert sorted(computed) == _notes(vault)


def test_a_changed_version_misses(vault, tmp_path, computed, monkeypatch):
    check_paths([str(vault)], cache_dir=tmp_path / "c")
    computed.clear()
    monkeypatch.setattr(cache, "__version__", "99.0")
    check_paths([str(vault)], cache_dir=tmp_path / "c")
    assert sorted(computed) == _notes(vault)


def test_digest_covers_bom_and_line_endings():
    texts = [SourceText("a\n", False, "\n"), SourceText("a\n", True, "\n"), SourceText("a\n", False, "\r\n")]
    assert len({text_digest(t) for t in texts}) == 3


@pytest.mark.parametrize("damage", [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 5000])
def test_a_damaged_database_is_replaced(vault, tmp_path, computed, damage):
    folder = tmp_path / "c"
    expected = check_paths([str(vault)], cache_dir=folder).findings
    (folder / DATABASE).write_bytes(damage)
    computed.clear()
    assert check_paths([str(vault)], cache_dir=folder).findings == expected
    assert sorted(computed) == _notes(vault)
    computed.clear()
    assert check_paths([str(vault)], cache_dir=folder).findings == expected
    assert computed == []  # the new database works


def test_a_truncated_database_page_is_survived(vault, tmp_path):
    folder = tmp_path / "c"
    expected = check_paths([str(vault)], cache_dir=folder).findings
    data = (folder / DATABASE).read_bytes()
    (folder / DATABASE).write_bytes(data[:4096] + b"\x00" * 4096 + data[8192:])
    assert check_paths([str(vault)], cache_dir=folder).findings == expected


def _rewrite_rows(folder: Path, column: str, blob: bytes) -> None:
    with sqlite3.connect(folder / DATABASE) as db:
        db.execute(f"UPDATE results SET {column} = ?", (blob,))


class Exploit:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        import os

        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("column", ["result", "findings"])  # the findings are unpickled later
@pytest.mark.parametrize("blob", [b"garbage", pickle.dumps({"not": "a result"})[:-3], "exploit"])
def test_damaged_or_crafted_rows_are_misses(vault, tmp_path, computed, blob, column):
    folder = tmp_path / "c"
    expected = check_paths([str(vault)], cache_dir=folder).findings
    marker = tmp_path / "pwned"
    _rewrite_rows(folder, column, pickle.dumps(Exploit(marker)) if blob == "exploit" else blob)
    computed.clear()
    assert check_paths([str(vault)], cache_dir=folder).findings == expected
    assert sorted(computed) == _notes(vault)
    assert not marker.exists()


def test_only_model_classes_unpickle():
    from mermaid_lint.model import Edit

    assert cache._loads(pickle.dumps(Edit(1, 2, "x"))) == Edit(1, 2, "x")
    for forbidden in (Path("x"), Settings(), sqlite3.connect):
        with pytest.raises(pickle.UnpicklingError):
            cache._loads(pickle.dumps(forbidden))


def test_an_unusable_cache_folder_only_disables_caching(vault, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    assert check_paths([str(vault)], cache_dir=blocker).findings == check_paths([str(vault)]).findings


def test_a_locked_database_is_waited_for_then_skipped(vault, tmp_path, monkeypatch):
    folder = tmp_path / "c"
    expected = check_paths([str(vault)], cache_dir=folder).findings
    monkeypatch.setattr(cache, "LOCK_TIMEOUT", 0.05)
    holder = sqlite3.connect(folder / DATABASE)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert check_paths([str(vault)], cache_dir=folder).findings == expected
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.parametrize("write", [True, False], ids=["fix", "fix --diff"])
def test_fix_leaves_the_cache_warm_for_the_next_check(vault, tmp_path, computed, write):
    folder = tmp_path / "c"
    report = fix_paths([str(vault)], write=write, cache_dir=folder)
    assert report.changes
    computed.clear()
    check_paths([str(vault)], cache_dir=folder)
    assert computed == []  # a dry run keeps the results of the texts on disk, not of its fixes


def test_unused_rows_are_pruned(vault, tmp_path, monkeypatch):
    folder = tmp_path / "c"
    check_paths([str(vault)], cache_dir=folder)
    with sqlite3.connect(folder / DATABASE) as db:
        db.execute("UPDATE results SET fingerprint = 'old', used = used - ?", (cache.KEEP_DAYS + 1,))
    check_paths([str(vault)], cache_dir=folder)
    with sqlite3.connect(folder / DATABASE) as db:
        assert db.execute("SELECT count(*) FROM results WHERE fingerprint = 'old'").fetchone() == (0,)


def test_the_end_of_a_run_reads_only_the_rows_it_changes(vault, tmp_path):
    check_paths([str(vault)], cache_dir=tmp_path / "c")
    with sqlite3.connect(tmp_path / "c" / DATABASE) as db:
        for statement, parameters in ((cache.MARK_USED, (2, "f", 2)), (cache.DELETE_UNUSED, (1,))):
            [(*_, plan)] = db.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            assert "USING INDEX" in plan and "used<?" in plan, plan  # not every row of the settings


def test_a_cache_without_a_folder_keeps_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    nothing = ResultCache(None, Settings())
    nothing.put("a.md", "d", "result")
    assert nothing.get("a.md", "d") is None
    nothing.save()
    assert list(tmp_path.iterdir()) == []


def test_cli_cache_options(vault, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MERMAID_LINT_CACHE_DIR")
    CliRunner().invoke(cli, ["check", "--no-cache", str(vault)])
    assert not (tmp_path / ".mermaid-lint-cache").exists()
    CliRunner().invoke(cli, ["check", str(vault)])
    assert (tmp_path / ".mermaid-lint-cache" / DATABASE).is_file()
    CliRunner().invoke(cli, ["check", "--cache-dir", "elsewhere", str(vault)])
    assert (tmp_path / "elsewhere" / DATABASE).is_file()
    monkeypatch.setenv("MERMAID_LINT_CACHE_DIR", str(tmp_path / "from-env"))
    CliRunner().invoke(cli, ["fix", "--check", str(vault)])
    assert (tmp_path / "from-env" / DATABASE).is_file()


# A check's report is replayed from the cache by a run of the same notes with the same options.

@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The formats reports were really written in (not replayed), in this process."""
    from mermaid_lint import reporting

    made: list[str] = []
    reporter = reporting.reporter

    def counting(name: str):
        made.append(name)
        return reporter(name)

    monkeypatch.setattr(reporting, "reporter", counting)
    return made


def _check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    return result.exit_code, result.stdout


def test_a_check_of_the_same_notes_replays_its_report(vault, tmp_path, rendered):
    notes = ["--cache-dir", str(tmp_path / "c"), str(vault)]
    first = _check(*notes)
    assert first[0] == 2 and "Found" in first[1] and rendered == ["text"]  # a rule fixture's fence is unterminated
    assert _check(*notes) == first and rendered == ["text"]
    for options, name in ((["--format", "json"], "json"), (["--quiet"], "text"), (["--show-fixes"], "text"),
                          (["--statistics"], "statistics")):
        rendered.clear()
        own = _check(*options, *notes)
        assert own != first and _check(*options, *notes) == own and rendered == [name]


def test_the_exit_code_of_a_replayed_report_follows_the_options(tmp_path, rendered):
    note = tmp_path / "notes" / "note.md"
    note.parent.mkdir()
    note.write_text("```mermaid\nflowchart TD\n  A --> B[a<b/r>b]\n  A --\n```\n", encoding="utf-8")  # a syntax error
    notes = ["--cache-dir", str(tmp_path / "c"), str(note.parent)]
    first = _check(*notes)
    assert first[0] == 1 and _check(*notes) == first
    assert _check("--exit-zero", *notes) == (0, first[1]) and rendered == ["text"]


def test_a_changed_note_or_an_unreadable_path_is_reported_anew(vault, tmp_path, rendered):
    notes = ["--cache-dir", str(tmp_path / "c"), str(vault)]
    _check(*notes)
    note = Path(_notes(vault)[0])
    note.write_text(note.read_text(encoding="utf-8") + "\n```mermaid\ngraph TD\n  A[x<b/r>y] --> B\n```\n", encoding="utf-8")
    rendered.clear()
    assert _check(*notes) == _check("--no-cache", str(vault)) and rendered == ["text", "text"]
    rendered.clear()
    missing = [*notes, str(tmp_path / "missing.md")]  # its problem goes to standard error: nothing is kept
    assert _check(*missing) == _check(*missing) and rendered == ["text", "text"]


def test_coloured_output_is_never_replayed(vault, tmp_path, rendered, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    notes = ["--cache-dir", str(tmp_path / "c"), str(vault)]
    assert _check(*notes) == _check(*notes) and rendered == ["text", "text"]


def test_an_output_without_a_changed_notes_source_lines_is_not_kept(vault, tmp_path, monkeypatch):
    monkeypatch.setattr(api, "KEEP_AS_IS", 0)  # texts are read again for the reporter
    report = check_paths([str(vault)], cache_dir=tmp_path / "c")
    assert report.replay is not None
    report.replay.put("text", 0, _recorded("kept"))
    flags, output = report.replay.get("text")
    assert (flags, "".join(output)) == (0, "kept")
    note = _notes(vault)[0]
    Path(note).write_text("changed since it was checked", encoding="utf-8")
    with pytest.raises(KeyError):
        report.texts[note]
    report.replay.put("json", 0, _recorded("lacks the note's source lines"))
    assert report.replay.get("json") is None


def _recorded(*texts: str) -> cache.OutputRecording:
    recording = cache.OutputRecording(io.StringIO())
    for text in texts:
        recording.write(text)
    return recording


def test_an_output_is_recorded_as_written_unless_too_long(monkeypatch):
    out = io.StringIO()
    recording = cache.OutputRecording(out)
    texts = ["é\n" * 50_000, "\ud800 lone surrogate", ""]
    for text in texts:
        recording.write(text)
    assert out.getvalue() == "".join(texts)
    blob = recording.compressed()
    assert zlib.decompress(blob).decode("utf-8", "surrogatepass") == "".join(texts)
    pieces = list(cache._decompressed(memoryview(blob)))
    assert "".join(pieces) == "".join(texts) and max(map(len, pieces)) <= cache.RECORDED_CHUNK
    monkeypatch.setattr(cache, "MAX_REPORT_BYTES", 100)
    assert _recorded(*texts).compressed() is None


def test_damaged_reports_are_written_anew_and_only_the_last_few_kept(vault, tmp_path, rendered):
    folder = tmp_path / "c"
    notes = ["--cache-dir", str(folder), str(vault)]
    first = _check(*notes)
    for flags, output in ((0, b"garbage"), (0, "text, not bytes"), ("not a number", None)):
        with sqlite3.connect(folder / DATABASE) as db:
            db.execute("UPDATE reports SET flags = ?, output = coalesce(?, output)", (flags, output))
        rendered.clear()
        assert _check(*notes) == first and rendered == ["text"]
    for name in ("json", "sarif", "github", "junit", "text"):
        _check("--format", name, *notes)
    with sqlite3.connect(folder / DATABASE) as db:
        assert db.execute("SELECT count(*) FROM reports").fetchone() == (cache.REPORTS_KEPT,)
