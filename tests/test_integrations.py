"""The integrations, run for real: the pre-commit hooks through pre-commit itself, the GitHub
Action's scripts, and the README's copy-paste snippets."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import BROKEN_BREAKS, FIXED_BREAKS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# What building the package needs (a clone of the project, whether or not it is a git checkout).
PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml", "src", "grammars")
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed: pre-commit needs it")


def git(cwd: Path, *args: str) -> None:
    subprocess.run([GIT, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false",
                    *args], cwd=cwd, check=True, capture_output=True)


def new_repository(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    git(path, "init", "-q")
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "start")
    return path


def snippet(language: str, containing: str) -> str:
    """The README's fenced `language` snippet that contains `containing`."""
    for block in re.findall(rf"^```{language}\n(.*?)^```$", README, re.DOTALL | re.MULTILINE):
        if containing in block:
            return block
    raise AssertionError(f"README has no {language} snippet with {containing!r}")


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory) -> Path:
    """This project, committed into a fresh repository (pre-commit reads hooks from a commit)."""
    repo = tmp_path_factory.mktemp("hooks") / "mermaid-lint"
    repo.mkdir()
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hooks")
    return repo


@needs_git
def test_pre_commit_hooks_fail_fix_then_pass(hook_repository: Path, tmp_path: Path):
    notes = new_repository(tmp_path / "notes", {"note.md": BROKEN_BREAKS, "clean.md": "# fine\n"})
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}

    def try_hook(hook: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repository), hook, "--all-files"],
                              cwd=notes, env=env, capture_output=True, text=True, timeout=900)

    checked = try_hook("mermaid-lint")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "note.md:5:16: ML401 broken-line-break" in checked.stdout
    assert (notes / "note.md").read_text() == BROKEN_BREAKS  # the check hook writes nothing

    fixed = try_hook("mermaid-lint-fix")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in fixed.stdout
    assert (notes / "note.md").read_text() == FIXED_BREAKS

    for hook in ("mermaid-lint-fix", "mermaid-lint"):
        again = try_hook(hook)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "Passed" in again.stdout


def test_hook_definitions_are_valid_for_pre_commit():
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"mermaid-lint", "mermaid-lint-fix"}
    pattern = re.compile(hooks["mermaid-lint"]["files"])
    assert all(pattern.search(f"x.{suffix}") for suffix in ("md", "markdown", "mdx", "mmd", "mermaid"))
    assert not pattern.search("x.py")


def test_readme_pre_commit_snippet_is_a_valid_config(tmp_path: Path):
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(snippet("yaml", "repos:"))
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(config)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    hook_ids = [h["id"] for repo in yaml.safe_load(config.read_text())["repos"] for h in repo["hooks"]]
    assert set(hook_ids) <= {"mermaid-lint", "mermaid-lint-fix"}


def _action_step(name: str) -> dict:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    return next(step for step in action["runs"]["steps"] if step.get("name") == name)


def test_action_is_a_composite_action_with_sarif_upload():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    uses = [step.get("uses", "") for step in action["runs"]["steps"]]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert set(action["inputs"]) == {"args", "version", "python-version", "sarif", "sarif-file"}
    # every expression refers to an input the action declares
    for name in re.findall(r"inputs\.([\w-]+)", (ROOT / "action.yml").read_text()):
        assert name in action["inputs"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash")
def test_action_check_step_annotates_and_writes_sarif(tmp_path: Path):
    """The action's own `Check` script, run with bash as the runner would (mermaid-lint is installed)."""
    step = _action_step("Check")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "note.md").write_text(BROKEN_BREAKS)
    output = tmp_path / "github-output"
    env = {**os.environ, "ARGS": "docs", "SARIF": "true", "SARIF_FILE": "out.sarif", "GITHUB_OUTPUT": str(output),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("::error file=docs/note.md,line=5,")
    assert output.read_text() == "exit-code=1\n"
    log = json.loads((tmp_path / "out.sarif").read_text())
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(log, schema)
    assert len(log["runs"][0]["results"]) == 2


def test_readme_github_actions_snippet_uses_the_action():
    workflow = yaml.safe_load(snippet("yaml", "runs-on:"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    ours = [step for step in steps if "mermaid-lint" in step.get("uses", "")]
    assert ours
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert all(set(step.get("with", {})) <= set(action["inputs"]) for step in ours)


def test_readme_gitlab_snippet_commands_run(tmp_path: Path, monkeypatch):
    job = yaml.safe_load(snippet("yaml", "artifacts:"))
    (script,) = [spec["script"] for spec in job.values() if isinstance(spec, dict) and "script" in spec]
    (tmp_path / "note.md").write_text(BROKEN_BREAKS)
    for command in script:
        if not command.startswith("mermaid-lint"):
            continue
        args = shlex.split(command)
        result = subprocess.run([sys.executable, "-m", "mermaid_lint", *args[1:]], cwd=tmp_path,
                                capture_output=True, text=True)
        assert result.returncode in (0, 1), result.stderr
    report = next(spec for spec in job.values() if isinstance(spec, dict) and "artifacts" in spec)["artifacts"]
    junit_path = tmp_path / report["reports"]["junit"]
    assert junit_path.read_text().startswith('<?xml version="1.0"')


def test_readme_configuration_examples_are_valid(tmp_path: Path):
    from mermaid_lint.config import load_settings

    (tmp_path / "pyproject.toml").write_text(snippet("toml", "[tool.mermaid-lint]"))
    settings = load_settings([str(tmp_path)])
    assert settings.config_file and settings.per_file_ignores
    (tmp_path / ".mermaid-lint.yaml").write_text(snippet("yaml", "per-file-ignores:"))
    assert load_settings([str(tmp_path)]).config_file.endswith(".mermaid-lint.yaml")


def test_readme_python_api_example_runs():
    code = snippet("python", "import mermaid_lint")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "ML401" in result.stdout
