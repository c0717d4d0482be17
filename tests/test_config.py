"""Configuration as users write it: discovery, layering, validation, presets, file selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mermaid_lint.cli import cli
from mermaid_lint.config import ConfigError, Settings, load_settings

from conftest import BROKEN_BREAKS, FIXTURES

MIXED_THEMES = (FIXTURES / "rules" / "ML303" / "bad.md").read_text(encoding="utf-8")


def run(*args: str, cwd: Path | None = None, input: str | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args), input=input)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        return runner.invoke(cli, list(args), input=input)


def codes(result) -> list[str]:
    return sorted({f["code"] for f in json.loads(result.stdout)})


def files(result) -> list[str]:
    return sorted({Path(f["path"]).name for f in json.loads(result.stdout)})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with notes in nested folders."""
    (tmp_path / "notes" / "deep").mkdir(parents=True)
    (tmp_path / "notes" / "breaks.md").write_text(BROKEN_BREAKS)
    (tmp_path / "notes" / "deep" / "themes.md").write_text(MIXED_THEMES)
    return tmp_path


@pytest.mark.parametrize("name, text", [
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.mermaid-lint]\nignore = ["broken-line-break"]\n'),
    (".mermaid-lint.toml", 'ignore = ["ML401"]\n'),
    (".mermaid-lint.yaml", "ignore: [ML4]\n"),
    (".mermaid-lint.yml", "ignore:\n  - broken-line-break\n"),
])
def test_each_config_file_is_found_from_the_checked_path_upwards(project: Path, name: str, text: str):
    (project / name).write_text(text)
    result = run("check", "--format", "json", str(project / "notes" / "deep"), str(project / "notes"))
    assert "ML401" not in codes(result) and "ML303" in codes(result)
    settings = load_settings([str(project / "notes" / "deep")])
    assert settings.config_file == str((project / name).resolve()) and settings.ignore
    # --isolated: no configuration at all
    assert "ML401" in codes(run("check", "--isolated", "--format", "json", str(project / "notes")))


def test_nearest_config_wins_and_pyproject_without_our_table_is_skipped(project: Path):
    (project / ".mermaid-lint.toml").write_text('ignore = ["ML401"]\n')
    (project / "notes" / "pyproject.toml").write_text('[project]\nname = "notes"\n')
    assert load_settings([str(project / "notes")]).config_file == str((project / ".mermaid-lint.toml").resolve())
    (project / "notes" / ".mermaid-lint.yaml").write_text("ignore: [ML303]\n")
    assert load_settings([str(project / "notes")]).ignore == ("ML303",)
    # In one folder, .mermaid-lint.toml is preferred to pyproject.toml.
    (project / "notes" / "pyproject.toml").write_text('[tool.mermaid-lint]\nignore = ["ML6"]\n')
    (project / "notes" / ".mermaid-lint.toml").write_text('ignore = ["ML5"]\n')
    assert load_settings([str(project / "notes" / "deep")]).ignore == ("ML5",)


def test_explicit_config_file(project: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text('select = ["mixed-appearance"]\n')
    result = run("check", "--config", str(elsewhere), "--format", "json", str(project / "notes"))
    assert codes(result) == ["ML303"]
    missing = run("check", "--config", str(tmp_path / "nope.toml"), str(project))
    assert missing.exit_code == 2 and "nope.toml: configuration file not found" in missing.stderr


@pytest.mark.parametrize("text, message", [
    ('selct = ["ML4"]\n', "selct: unknown setting (did you mean 'select'?)"),
    ('ignore = ["ML999"]\n', "ignore: unknown rule or prefix 'ML999'"),
    ('ignore = ["broken-line-brake"]\n', "(did you mean 'broken-line-break'?)"),
    ('ignore = "ML401"\n', "ignore: expected a list of strings"),
    ('respect-gitignore = "no"\n', "respect-gitignore: expected true or false"),
    ('preset = "blog"\n', "preset: unknown preset 'blog' (known: guides)"),
    ("mermaid-version = 11.4\n", 'mermaid-version: expected a version string such as "11.4"'),
    ('[per-file-ignores]\n"drafts/*.md" = ["ML4O1"]\n', "per-file-ignores.drafts/*.md: unknown rule or prefix 'ML4O1'"),
    ('[rules.no-such-rule]\nx = 1\n', "rules.no-such-rule: unknown rule"),
    ('[rules.mixed-appearance]\nscop = "file"\n', "rules.mixed-appearance.scop: unknown option of ML303 mixed-appearance (its options: scope, settings)"),
    ('[rules.duplicate-section]\nlevels = "2"\n', "rules.duplicate-section.levels: expected a list of integers, found '2'"),
    ('[rules.duplicate-section]\nsimilarity = true\n', "rules.duplicate-section.similarity: expected a number"),
    ("select = [\n", "invalid TOML"),
])
def test_bad_settings_are_exit_2_naming_file_and_key(project: Path, text: str, message: str):
    config = project / ".mermaid-lint.toml"
    config.write_text(text)
    result = run("check", str(project / "notes"))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"mermaid-lint: {config.resolve()}")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_bad_yaml_config_and_bad_command_line(project: Path):
    (project / ".mermaid-lint.yaml").write_text("select: [ML4\n")
    result = run("check", str(project))
    assert result.exit_code == 2 and "invalid YAML" in result.stderr
    (project / ".mermaid-lint.yaml").write_text("- ML4\n")
    assert "expected a mapping of settings" in run("check", str(project)).stderr
    bad_flag = run("check", "--isolated", "--ignore", "ML9999", str(project))
    assert bad_flag.exit_code == 2 and "command line: ignore: unknown rule or prefix 'ML9999'" in bad_flag.stderr


def test_rule_options_change_what_rules_report(project: Path):
    notes = str(project / "notes")
    assert "ML303" in codes(run("check", "--format", "json", notes))
    (project / "pyproject.toml").write_text('[tool.mermaid-lint.rules.ML303]\nscope = "off"\n')
    assert "ML303" not in codes(run("check", "--format", "json", notes))
    # kebab-case option names map onto the rule's own
    (project / "pyproject.toml").write_text("[tool.mermaid-lint.rules.duplicate-section]\nboilerplate-files = 5\n")
    assert load_settings([notes]).rule_options == {"ML601": {"boilerplate_files": 5}}


def test_command_line_over_config(project: Path):
    notes = str(project / "notes")
    (project / ".mermaid-lint.toml").write_text('select = ["ML4"]\nextend-select = ["ML303"]\n')
    assert codes(run("check", "--format", "json", notes)) == ["ML303", "ML401"]
    # a command-line --select starts afresh (the file's extend-select goes with its select)
    assert codes(run("check", "--select", "ML3", "--format", "json", notes)) == ["ML303"]
    assert codes(run("check", "--ignore", "mixed-appearance", "--format", "json", notes)) == ["ML401"]


def test_per_file_ignores_by_glob_code_and_name(project: Path):
    (project / "pyproject.toml").write_text(
        '[tool.mermaid-lint.per-file-ignores]\n"notes/deep/*.md" = ["mixed-appearance"]\n"breaks.md" = ["ML4", "mixed-appearance"]\n')
    result = run("check", "--format", "json", str(project / "notes"))
    assert result.exit_code == 0 and codes(result) == []
    # relative to the configuration file's folder, not to the current one
    elsewhere = run("check", "--format", "json", str(project / "notes"), cwd=project / "notes" / "deep")
    assert codes(elsewhere) == []


def test_exclude_extend_exclude_and_force_exclude(project: Path):
    (project / "node_modules").mkdir()
    (project / "node_modules" / "dep.md").write_text(BROKEN_BREAKS)
    (project / "pyproject.toml").write_text('[tool.mermaid-lint]\nextend-exclude = ["deep/"]\n')
    result = run("check", "--format", "json", str(project))
    assert files(result) == ["breaks.md"]  # default excludes plus deep/
    # a file named on the command line is checked anyway, unless --force-exclude (pre-commit)
    themes = str(project / "notes" / "deep" / "themes.md")
    assert files(run("check", "--format", "json", themes)) == ["themes.md"]
    assert files(run("check", "--force-exclude", "--format", "json", themes, str(project / "notes" / "breaks.md"))) == ["breaks.md"]
    # `exclude` replaces the defaults
    (project / "pyproject.toml").write_text('[tool.mermaid-lint]\nexclude = ["notes/"]\n')
    assert files(run("check", "--format", "json", str(project))) == ["dep.md"]


def test_gitignore_is_respected_in_a_repository(project: Path):
    (project / ".gitignore").write_text("deep/\n")
    # outside a git repository, .gitignore means nothing (as for git itself)
    assert files(run("check", "--format", "json", str(project))) == ["breaks.md", "themes.md"]
    (project / ".git").mkdir()
    assert files(run("check", "--format", "json", str(project))) == ["breaks.md"]
    assert files(run("check", "--no-gitignore", "--format", "json", str(project))) == ["breaks.md", "themes.md"]
    # a nested .gitignore re-includes, and .git/info/exclude counts too
    (project / "notes" / ".gitignore").write_text("!deep/\n")
    assert files(run("check", "--format", "json", str(project))) == ["breaks.md", "themes.md"]
    (project / ".git" / "info").mkdir()
    (project / ".git" / "info" / "exclude").write_text("breaks.md\n")
    assert files(run("check", "--format", "json", str(project))) == ["themes.md"]


def test_guides_preset(project: Path):
    settings = load_settings([str(project)], overrides={"preset": "guides"})
    assert settings.extend_select == ("ML7",)
    assert settings.rule_options["ML303"] == {"scope": "file"}
    # the user's own settings go over the preset's
    (project / "pyproject.toml").write_text('[tool.mermaid-lint]\npreset = "guides"\n[tool.mermaid-lint.rules.mixed-appearance]\nscope = "run"\n')
    assert load_settings([str(project)]).rule_options["ML303"] == {"scope": "run"}
    assert load_settings([str(project)]).extend_select == ("ML7",)
    # guide-metadata rules are off by default and on with the preset
    guide_rules = {r.code for r in Settings(extend_select=("ML7",)).enabled_rules() if r.code.startswith("ML7")}
    assert guide_rules.isdisjoint(r.code for r in Settings().enabled_rules())
    with_preset = codes(run("check", "--preset", "guides", "--format", "json", str(FIXTURES / "guides")))
    without = codes(run("check", "--format", "json", str(FIXTURES / "guides")))
    assert {"ML701", "ML702", "ML703"} <= set(with_preset) and not any(c.startswith("ML7") for c in without)


def test_mermaid_version_setting(project: Path):
    (project / ".mermaid-lint.toml").write_text('mermaid-version = "11.4"\n')
    assert load_settings([str(project)]).mermaid_version == "11.4"


def test_selectors_are_validated_and_categories_stay_valid():
    with pytest.raises(ConfigError):
        Settings(select=("ML999",))
    Settings(select=("ML7",))  # a category with no rule yet is still a category
    assert [r.code for r in Settings(select=("broken-line-break",)).enabled_rules()] == ["ML401"]
