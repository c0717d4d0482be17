"""The command line as pre-commit, CI and people run it: many paths, stdin, output formats and
their consumers' schemas, exit-code switches, shell completion."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner

from mermaid_lint import __version__
from mermaid_lint.cli import cli
from mermaid_lint.reporting.sarif import help_markdown
from mermaid_lint.rules import all_rules

from conftest import BROKEN_BREAKS, FIXED_BREAKS, GUIDES, ROOT

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def run(*args: str, input: bytes | str | None = None, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), input=input, env=env)


@pytest.fixture
def notes(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a").mkdir()
    for i in range(150):
        # distinct diagrams, so that duplicate-diagram has nothing to say
        (tmp_path / "a" / f"n{i:03}.md").write_text(BROKEN_BREAKS.replace("two", f"two{i}") if i % 50 == 0 else "# fine\n")
    (tmp_path / "d.mmd").write_text("flowchart TD\n    A --> B[x<b/r>y]\n")
    return tmp_path


def test_many_paths_and_globs_in_one_call(notes: Path):
    names = [f"a/n{i:03}.md" for i in range(150)]
    result = run("check", "--format", "json", *names, "d.mmd")
    paths = {f["path"] for f in json.loads(result.stdout)}
    assert paths == {"a/n000.md", "a/n050.md", "a/n100.md", "d.mmd"}
    globbed = run("check", "--format", "json", "a/n1*.md", "**/*.mmd")
    assert {f["path"] for f in json.loads(globbed.stdout)} == {"a/n100.md", "d.mmd"}
    nothing = run("check", "a/*.txt")
    assert nothing.exit_code == 2 and "a/*.txt: no file matches this pattern" in nothing.stderr
    # no path: the current folder
    assert len({f["path"] for f in json.loads(run("check", "--format", "json").stdout)}) == 4


def test_stdin_with_stdin_filename(notes: Path):
    result = run("check", "-", "--stdin-filename", "docs/guide.md", input=BROKEN_BREAKS)
    assert result.exit_code == 1 and "docs/guide.md:5:16: ML401" in result.stdout
    as_mmd = run("check", "-", "--stdin-filename", "x.mmd", "--format", "json", input="flowchart TD\n  A[a<b/r>b]\n")
    assert [(f["path"], f["line"]) for f in json.loads(as_mmd.stdout)] == [("x.mmd", 2)]
    fixed = run("fix", "-", "--stdin-filename", "guide.md", input=BROKEN_BREAKS)
    assert fixed.exit_code == 0
    assert fixed.stdout == FIXED_BREAKS
    assert "Fixed 2 problem(s)" in fixed.stderr
    assert not (notes / "guide.md").exists()
    binary = run("check", "-", input=b"\x00\x01")
    assert binary.exit_code == 2 and "-: binary file" in binary.stderr
    assert run("check", "-", "a").exit_code == 2  # stdin cannot be mixed with paths


def test_stdin_filename_picks_the_configuration(tmp_path: Path, monkeypatch):
    (tmp_path / "project" / "docs").mkdir(parents=True)
    (tmp_path / "project" / ".mermaid-lint.toml").write_text('ignore = ["ML401"]\n')
    monkeypatch.chdir(tmp_path)
    result = run("check", "-", "--stdin-filename", "project/docs/n.md", input=BROKEN_BREAKS)
    assert result.exit_code == 0, result.output


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"mermaid-lint, version {__version__}"


def test_exit_zero_quiet_statistics_and_output_file(notes: Path):
    assert run("check", "a").exit_code == 1
    assert run("check", "--exit-zero", "a").exit_code == 0
    assert run("check", "--exit-zero", "missing-folder").exit_code == 2  # input errors still fail
    quiet = run("check", "--quiet", "a")
    assert "ML401" in quiet.stdout and "Found" not in quiet.stdout
    stats = run("check", "--statistics", ".")
    assert stats.stdout == "7  ML401  broken-line-break [*]\n"
    stats_json = json.loads(run("check", "--statistics", "--format", "json", ".").stdout)
    assert stats_json == [{"code": "ML401", "name": "broken-line-break", "count": 7, "fixable": 7}]
    written = run("check", "--format", "json", "--output-file", "report.json", "a")
    assert written.exit_code == 1 and written.stdout == ""
    assert len(json.loads((notes / "report.json").read_text())) == 6


def test_show_fixes(notes: Path):
    checked = run("check", "--show-fixes", "d.mmd")
    assert "fix: replace with <br/>" in checked.stdout
    fixed = run("fix", "--show-fixes", "a")
    assert fixed.exit_code == 0
    assert "a/n050.md:\n    2 \u00d7 ML401 (broken-line-break)" in fixed.stdout


def test_sarif_is_valid_sarif_2_1_0_with_rule_help(notes: Path):
    result = run("check", "--format", "sarif", ".", "missing.md")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    jsonschema.validate(log, SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    sarif_run = log["runs"][0]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    assert all(r["help"]["text"] and r["help"]["markdown"] and r["shortDescription"]["text"] for r in rules)
    first = next(r for r in sarif_run["results"] if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a/n000.md")
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"] == "ML401"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "a/n000.md"},
        "region": {"startLine": 5, "startColumn": 16, "endLine": 5, "endColumn": 21},
    }
    assert sarif_run["invocations"][0]["executionSuccessful"] is False
    assert sarif_run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] == "no such file or directory"
    # the guides have every kind of finding: still valid
    guides = json.loads(run("check", "--format", "sarif", str(GUIDES)).stdout)
    jsonschema.validate(guides, SARIF_SCHEMA)
    assert {r["level"] for r in guides["runs"][0]["results"]} == {"error", "warning"}


def test_sarif_schema_rejects_a_broken_log():
    """The schema test can fail: a result without a message is not SARIF."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}, SARIF_SCHEMA)


def test_help_markdown_turns_examples_into_code_blocks():
    markdown = help_markdown("What it does: x.\n\nExample:\n    A --> B\n\nUse instead:\n    A --> C")
    assert markdown == "**What it does:** x.\n\n**Example:**\n\n```\nA --> B\n```\n\n**Use instead:**\n\n```\nA --> C\n```\n"


def test_github_workflow_commands(notes: Path):
    (notes / "odd, name.md").write_text(BROKEN_BREAKS)
    result = run("check", "--format", "github", "odd, name.md", "missing.md")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::error file=odd%2C name.md,line=5,endLine=5,col=16,endColumn=21,"
                               "title=ML401 broken-line-break::`<b/r>` is not a line break")
    # the message's own commas and colons stay as they are; only the properties are escaped
    assert lines[0].count("::") == 2
    assert lines[-1] == "::error file=missing.md,title=mermaid-lint::no such file or directory"
    warnings = run("check", "--format", "github", str(GUIDES)).stdout.splitlines()
    assert any(line.startswith("::warning file=") for line in warnings)


def test_junit_report(notes: Path):
    result = run("check", "--format", "junit", "a/n000.md", "a/n001.md", "missing.md")
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "1")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"a/n000.md", "a/n001.md", "missing.md"}
    failures = suites["a/n000.md"].findall("testcase/failure")
    assert len(failures) == 2 and failures[0].get("message").startswith("`<b/r>` is not a line break")
    assert suites["a/n001.md"].find("testcase").find("failure") is None  # a passing test case


def test_shell_completion():
    env = {"_MERMAID_LINT_COMPLETE": "bash_complete", "COMP_WORDS": "mermaid-lint check --form", "COMP_CWORD": "2"}
    result = CliRunner().invoke(cli, [], env=env, prog_name="mermaid-lint")
    assert result.exit_code == 0 and "plain,--format" in result.stdout
    env.update(COMP_WORDS="mermaid-lint check --format s", COMP_CWORD="3")
    assert CliRunner().invoke(cli, [], env=env, prog_name="mermaid-lint").stdout.strip() == "plain,sarif"
    # The installed console script (beside this Python first), as a user's shell runs it.
    console_script = shutil.which("mermaid-lint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    script = subprocess.run([console_script], env={**os.environ, "_MERMAID_LINT_COMPLETE": "bash_source"},
                            capture_output=True, text=True, cwd=ROOT)
    assert "_mermaid_lint_completion" in script.stdout


def test_the_cli_uses_the_public_api(monkeypatch, notes: Path):
    import mermaid_lint.api as module  # the CLI imports it when a command checks

    calls = []
    real = module.check_paths
    monkeypatch.setattr(module, "check_paths", lambda *a, **k: calls.append(a) or real(*a, **k))
    run("check", "d.mmd")
    assert calls and calls[0][0] == ["d.mmd"]


@pytest.mark.skipif(os.name != "posix", reason="runs the installed console script")
def test_console_script_reads_stdin():
    result = subprocess.run([sys.executable, "-m", "mermaid_lint", "check", "-", "--stdin-filename", "s.md", "--format", "json"],
                            input=BROKEN_BREAKS, capture_output=True, text=True)
    assert result.returncode == 1 and len(json.loads(result.stdout)) == 2
