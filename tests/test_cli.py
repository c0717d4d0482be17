"""The command line as users and CI run it: exit codes, formats, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mermaid_lint.cli import cli

from conftest import FIXTURES, GUIDES

BAD_BREAKS = (FIXTURES / "rules" / "ML401" / "bad.md").read_text(encoding="utf-8")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_check_exit_codes(tmp_path: Path):
    clean = tmp_path / "clean.md"
    clean.write_text("# Fine\n\n```mermaid\ngraph TD\n  A --> B\n```\n")
    assert run("check", str(clean)).exit_code == 0
    bad = tmp_path / "bad.md"
    bad.write_text(BAD_BREAKS)
    result = run("check", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:6:20: ML401 broken-line-break" in result.output
    assert "^^^^^" in result.output
    assert run("check", "--select", "ML5", str(bad)).exit_code == 0
    assert run("check", "--select", "nonsense", str(bad)).exit_code == 2


def test_json_format_fields():
    result = run("check", "--format", "json", str(GUIDES))
    data = json.loads(result.output)
    assert result.exit_code == 1 and data
    assert set(data[0]) == {"path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "fixable"}
    first_break = next(f for f in data if f["code"] == "ML401")
    assert (first_break["line"], first_break["column"], first_break["end_column"]) == (1522, 24, 29)


def test_fix_diff_and_check_write_nothing(tmp_path: Path):
    note = tmp_path / "n.md"
    note.write_text(BAD_BREAKS)
    diff = run("fix", "--diff", str(note))
    assert diff.exit_code == 1
    assert "-    D --> E[Status:<b/r>Significant Progress Made]" in diff.output
    assert "+    D --> E[Status:<br/>Significant Progress Made]" in diff.output
    assert run("fix", "--check", str(note)).exit_code == 1
    assert note.read_text() == BAD_BREAKS
    assert run("fix", str(note)).exit_code == 0
    assert "<b/r>" not in note.read_text()
    assert run("fix", "--check", str(note)).exit_code == 0


def test_bad_input_is_one_line_each_and_other_files_still_checked(tmp_path: Path):
    (tmp_path / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    (tmp_path / "latin1.md").write_bytes(b"# Caf\xe9\n\n```mermaid\ngraph TD\n```\n")
    (tmp_path / "unterminated.md").write_text("# x\n\n```mermaid\ngraph TD\n  A --> B\n")
    (tmp_path / "yaml.md").write_text('```mermaid\n---\ntitle: "open\n---\ngraph TD\n```\n')
    (tmp_path / "good.md").write_text(BAD_BREAKS)
    result = run("check", "--format", "json", str(tmp_path), str(tmp_path / "missing.md"))
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert any("binary.md: binary file" in e for e in errors)
    assert any("latin1.md: line 1: not valid UTF-8" in e for e in errors)
    assert any("missing.md: no such file or directory" in e for e in errors)
    assert all(e.startswith("mermaid-lint: ") for e in errors)
    codes = {(Path(f["path"]).name, f["code"]) for f in json.loads(result.stdout)}
    assert {("unterminated.md", "ML001"), ("yaml.md", "ML002"), ("good.md", "ML401")} <= codes
    assert "Traceback" not in result.output


def test_read_only_file_is_not_fixed(tmp_path: Path):
    note = tmp_path / "ro.md"
    note.write_text(BAD_BREAKS)
    other = tmp_path / "rw.md"
    other.write_text(BAD_BREAKS)
    note.chmod(0o444)
    try:
        result = run("fix", str(tmp_path))
        assert result.exit_code == 2
        assert "ro.md: read-only file; not fixed" in result.stderr
        assert note.read_text() == BAD_BREAKS
        assert "<b/r>" not in other.read_text()
    finally:
        note.chmod(0o644)


def test_fix_keeps_file_mode(tmp_path: Path):
    note = tmp_path / "n.md"
    note.write_text(BAD_BREAKS)
    note.chmod(0o640)
    run("fix", str(note))
    assert note.stat().st_mode & 0o777 == 0o640


def test_rules_and_explain():
    listing = run("rules")
    assert listing.exit_code == 0
    assert "ML401  broken-line-break" in listing.output
    explained = run("explain", "broken-line-break")
    assert explained.exit_code == 0
    assert "Example:" in explained.output and "Use instead:" in explained.output
    assert run("explain", "ML999").exit_code == 2


@pytest.mark.skipif(os.name != "posix", reason="runs the installed module")
def test_python_dash_m_and_no_traceback_on_directory_argument(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "mermaid_lint", "check", str(GUIDES)], capture_output=True, text=True)
    assert result.returncode == 1 and "ML401" in result.stdout
    version = subprocess.run([sys.executable, "-m", "mermaid_lint", "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("mermaid-lint, version")


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_json_reports_are_what_json_dump_writes(tmp_path: Path, output_format: str):
    """JSON and SARIF reports are written one finding at a time; the bytes are json.dump's."""
    clean = tmp_path / "clean.md"
    clean.write_text("# Fine\n")
    for path in (GUIDES, clean):
        output = run("check", "--format", output_format, str(path)).output
        assert output == json.dumps(json.loads(output), indent=2, ensure_ascii=False) + "\n"
    assert run("check", "--format", "json", str(clean)).output == "[]\n"
