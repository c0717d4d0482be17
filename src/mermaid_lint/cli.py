"""The command line: click commands that call the library API and pick a reporter."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .config import ConfigError, Settings, resolve_rule
from .model import Severity
from .rules import all_rules

if TYPE_CHECKING:
    from .api import RunReport

# The API (parsers, Lark, markdown-it) is imported by the commands that check, so that
# `--version`, `rules` and `explain` start fast.
DEFAULT_CACHE_DIR = ".mermaid-lint-cache"

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _settings(select, extend_select, ignore) -> Settings:
    try:
        return Settings(select=_split(select), extend_select=_split(extend_select), ignore=_split(ignore))
    except ConfigError as error:
        raise click.UsageError(str(error)) from None


def rule_options(command):
    for decorator in reversed([
        click.option("--select", multiple=True, metavar="CODES", help="Only these rules (codes, prefixes or names; comma-separated)."),
        click.option("--extend-select", multiple=True, metavar="CODES", help="Rules to add to the selection."),
        click.option("--ignore", multiple=True, metavar="CODES", help="Rules to skip."),
        click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True),
        click.option("--no-color", is_flag=True, help="Plain output even on a terminal."),
        click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of internal errors."),
    ]):
        command = decorator(command)
    return command


def run_options(command):
    """How a run is carried out: processes and the results cache (check and fix)."""
    for decorator in reversed([
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Check notes in N processes (default: one per CPU; 1: in this process)."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache."),
        click.option("--cache-dir", type=click.Path(file_okay=False), default=DEFAULT_CACHE_DIR,
                     envvar="MERMAID_LINT_CACHE_DIR", show_default=True, show_envvar=True,
                     help="Where results are kept between runs."),
    ]):
        command = decorator(command)
    return command


def _run_arguments(jobs: int | None, no_cache: bool, cache_dir: str) -> dict:
    from .runner import default_jobs

    return {"jobs": jobs or default_jobs(), "cache_dir": None if no_cache else Path(cache_dir)}


def _print_problems(report: RunReport, verbose: bool) -> None:
    for problem in report.problems:
        click.echo(f"mermaid-lint: {problem.path}: {problem.message}", err=True)
        if verbose and problem.detail:
            click.echo(problem.detail, err=True)


def _emit(report: RunReport, output_format: str, no_color: bool, fixing: bool = False) -> None:
    from .reporting import FORMATS

    FORMATS[output_format](report, sys.stdout, {"no_color": no_color, "fixing": fixing})


def _exit_code(report: RunReport) -> int:
    if report.problems or any(f.fatal for f in report.findings):
        return EXIT_ERROR
    if any(f.severity is Severity.ERROR for f in report.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mermaid-lint")
def cli() -> None:
    """Lint and normalize Mermaid diagrams in Markdown notes and .mmd files.

    Exit codes: 0 no error-level finding; 1 error-level findings (or, with fix --check/--diff,
    changes needed); 2 usage error, unreadable input or internal error.
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@rule_options
@run_options
def check(paths, select, extend_select, ignore, output_format, no_color, verbose, jobs, no_cache, cache_dir):
    """Report problems in the Mermaid blocks of PATHS (files or folders)."""
    from .api import check_paths

    report = check_paths(list(paths), _settings(select, extend_select, ignore),
                         **_run_arguments(jobs, no_cache, cache_dir))
    _emit(report, output_format, no_color)
    _print_problems(report, verbose)
    sys.exit(_exit_code(report))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@rule_options
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that change what the diagram shows.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff instead of writing; exit 1 if anything would change.")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if anything would change.")
@run_options
def fix(paths, select, extend_select, ignore, output_format, no_color, verbose, unsafe_fixes, show_diff, check_only,
        jobs, no_cache, cache_dir):
    """Fix PATHS in place; what cannot be fixed is reported."""
    from .api import fix_paths

    write = not (show_diff or check_only)
    report = fix_paths(list(paths), _settings(select, extend_select, ignore), unsafe=unsafe_fixes, write=write,
                       **_run_arguments(jobs, no_cache, cache_dir))
    if show_diff:
        import difflib

        for path, (old, new) in report.changes.items():
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"))
    elif check_only:
        for path in report.changes:
            click.echo(f"would fix {path}")
    else:
        _emit(report, output_format, no_color, fixing=True)
    _print_problems(report, verbose)
    if report.problems:
        sys.exit(EXIT_ERROR)
    if not write:
        sys.exit(EXIT_FINDINGS if report.changes else EXIT_CLEAN)
    sys.exit(_exit_code(report))


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(output_format):
    """List every rule: code, name, severity, fix, summary."""
    rules = all_rules()
    if output_format == "json":
        import json

        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "severity": r.severity.value, "fix": r.fix_safety.value,
             "default": r.default_enabled, "summary": r.summary} for r in rules], indent=2))
        return
    for rule in rules:
        fix_mark = {"safe": "fix", "unsafe": "fix*", "none": "-"}[rule.fix_safety.value]
        enabled = "" if rule.default_enabled else " (off by default)"
        click.echo(f"{rule.code}  {rule.name:<32} {rule.severity.value:<8} {fix_mark:<5} {rule.summary}{enabled}")
    click.echo("\nfix = safe fix, fix* = unsafe fix (--unsafe-fixes)")
    from .bodies import supported_types

    click.echo("Diagram bodies checked for syntax (ML003): " + ", ".join(sorted(supported_types()))
               + "; other types are passed through.")


@cli.command()
@click.argument("rule")
def explain(rule):
    """Explain a rule (by code or name): what, why, examples, fix safety."""
    try:
        found = resolve_rule(rule)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    from .rule_docs import explain_text

    click.echo(explain_text(found))


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("mermaid-lint: interrupted", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:  # never a traceback for the user
        if "-v" in sys.argv or "--verbose" in sys.argv:
            raise
        click.echo(f"mermaid-lint: internal error: {error!r} (run with --verbose for details)", err=True)
        sys.exit(EXIT_ERROR)
