"""The command line: click commands that call the library API and pick a reporter.

Shell completion comes from click: `eval "$(_MERMAID_LINT_COMPLETE=bash_source mermaid-lint)"`
(zsh_source, fish_source for the other shells).
"""

from __future__ import annotations

import contextlib
import gc
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .config import ConfigError, load_settings, presets, resolve_rule
from .kept_patterns import compiled_patterns_kept
from .model import Severity
from .rules import all_rules

if TYPE_CHECKING:
    from .api import RunReport, Stdin

# The API (and the parsers behind it) is imported by the commands that check, so that
# `--version`, `rules` and `explain` start fast.
DEFAULT_CACHE_DIR = ".mermaid-lint-cache"

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMAT_NAMES = ["text", "json", "sarif", "github", "junit"]


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _settings(paths, options: dict):
    """Settings from the configuration file found for `paths`, under the command line's."""
    layer = {key: _split(options[name]) for key, name in (
        ("select", "select"), ("extend-select", "extend_select"), ("ignore", "ignore"),
        ("exclude", "exclude"), ("extend-exclude", "extend_exclude")) if options[name]}
    if options["no_gitignore"]:
        layer["respect-gitignore"] = False
    if options["force_exclude"]:
        layer["force-exclude"] = True
    if options["preset"]:
        layer["preset"] = options["preset"]
    start = [options["stdin_filename"]] if list(paths) == ["-"] and options["stdin_filename"] else paths
    try:
        return load_settings([p for p in start if p != "-"], options["config"], options["isolated"], layer)
    except ConfigError as error:
        click.echo(f"mermaid-lint: {error}", err=True)
        sys.exit(EXIT_ERROR)


def common_options(command):
    for decorator in reversed([
        click.argument("paths", nargs=-1, type=click.Path()),
        click.option("--select", multiple=True, metavar="RULES", help="Only these rules (codes, prefixes or names; comma-separated)."),
        click.option("--extend-select", multiple=True, metavar="RULES", help="Rules to add to the selection."),
        click.option("--ignore", multiple=True, metavar="RULES", help="Rules to skip."),
        click.option("--preset", type=click.Choice(presets()), help="Start from a preset (see README)."),
        click.option("--config", type=click.Path(dir_okay=False), help="Use this configuration file (no discovery)."),
        click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
        click.option("--exclude", multiple=True, metavar="PATTERNS", help="Gitignore-style patterns to skip, replacing the defaults."),
        click.option("--extend-exclude", multiple=True, metavar="PATTERNS", help="Gitignore-style patterns to skip as well."),
        click.option("--no-gitignore", is_flag=True, help="Also check files that .gitignore files exclude."),
        click.option("--force-exclude", is_flag=True, help="Apply exclusions to files named on the command line too (pre-commit)."),
        click.option("--stdin-filename", metavar="PATH", help="The name standard input (`-`) is checked under."),
        click.option("--format", "output_format", type=click.Choice(FORMAT_NAMES), default="text", show_default=True),
        click.option("-o", "--output-file", type=click.Path(dir_okay=False, writable=True), help="Write the report to this file."),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported (input errors still exit 2)."),
        click.option("--show-fixes", is_flag=True, help="Show each finding's fix (check) or what was fixed (fix)."),
        click.option("-q", "--quiet", is_flag=True, help="Findings only, no summary."),
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


def _run_arguments(options: dict) -> dict:
    from .runner import default_jobs

    return {"jobs": options["jobs"] or default_jobs(),
            "cache_dir": None if options["no_cache"] else Path(options["cache_dir"])}


def _stdin(paths, options) -> Stdin | None:
    from .api import Stdin

    if "-" not in paths:
        return None
    if len(paths) > 1:
        raise click.UsageError("`-` (standard input) cannot be mixed with other paths")
    return Stdin(options["stdin_filename"] or "-", sys.stdin.buffer.read())


def _print_problems(report: RunReport, verbose: bool) -> None:
    for problem in [*report.notices, *report.problems]:
        click.echo(f"mermaid-lint: {problem.path}: {problem.message}", err=True)
        if verbose and problem.detail:
            click.echo(problem.detail, err=True)


@contextlib.contextmanager
def _destination(options: dict, default_stream):
    if options["output_file"]:
        with open(options["output_file"], "w", encoding="utf-8", newline="") as out:
            yield out, True
    else:
        yield default_stream, options["no_color"]


def _emit(report: RunReport, options: dict, fixing: bool = False, stream=None) -> int:
    """Write the report; the flags of its findings (FATAL, ERRORS). A check's output is kept in
    the cache and replayed by a run of the same notes with the same options, unless coloured."""
    from .cache import OutputRecording
    from .reporting import reporter, wants_colour

    with _destination(options, stream or sys.stdout) as (out, no_color):
        settings = {"no_color": no_color, "fixing": fixing, "quiet": options["quiet"],
                    "show_fixes": options["show_fixes"], "format": options["output_format"]}
        name = "statistics" if options.get("statistics") else options["output_format"]
        replay = report.replay if not (name == "text" and wants_colour(out, no_color)) else None
        if replay is None:
            reporter(name)(report, out, settings)
            return _finding_flags(report)
        # Relative paths in SARIF depend on the working folder.
        key = json.dumps([name, settings, str(Path.cwd())])
        stored = replay.get(key)
        if stored is not None:
            flags, output = stored
            for piece in output:
                out.write(piece)
            return flags
        recording = OutputRecording(out)
        reporter(name)(report, recording, settings)
        flags = _finding_flags(report)
        replay.put(key, flags, recording)
        return flags


FATAL, ERRORS = 1, 2  # a report's finding flags: the exit code depends on them


def _finding_flags(report: RunReport) -> int:
    flags = 0
    for finding in report.findings:
        flags |= (FATAL if finding.fatal else 0) | (ERRORS if finding.severity is Severity.ERROR else 0)
        if flags == FATAL | ERRORS:
            break
    return flags


def _exit_code(problems: bool, flags: int, exit_zero: bool) -> int:
    if problems or flags & FATAL:
        return EXIT_ERROR
    if not exit_zero and flags & ERRORS:
        return EXIT_FINDINGS
    return EXIT_CLEAN


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mermaid-lint")
def cli() -> None:
    """Lint and normalize Mermaid diagrams in Markdown notes and .mmd files.

    Exit codes: 0 no error-level finding; 1 error-level findings (or, with fix --check/--diff,
    changes needed); 2 usage or configuration error, unreadable input or internal error.
    """


@cli.command()
@common_options
@run_options
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them (text or json).")
def check(paths, **options):
    """Report problems in the Mermaid blocks of PATHS (files, folders, globs; `-` for standard
    input; default: the current folder)."""
    paths = list(paths) or ["."]
    if options["statistics"] and options["output_format"] not in ("text", "json"):
        raise click.UsageError("--statistics prints text or json")
    from .api import check_paths

    stdin = _stdin(paths, options)
    report = check_paths(paths, _settings(paths, options), stdin=stdin, **_run_arguments(options))
    flags = _emit(report, options)
    _print_problems(report, options["verbose"])
    sys.exit(_exit_code(bool(report.problems), flags, options["exit_zero"]))


@cli.command()
@common_options
@run_options
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that change what the diagram shows.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff instead of writing; exit 1 if anything would change.")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if anything would change.")
def fix(paths, unsafe_fixes, show_diff, check_only, **options):
    """Fix PATHS in place; what cannot be fixed is reported. With `-`, the fixed standard input
    is printed (and the report goes to standard error)."""
    from .api import fix_paths

    paths = list(paths) or ["."]
    stdin = _stdin(paths, options)
    write = not (show_diff or check_only)
    report = fix_paths(paths, _settings(paths, options), unsafe=unsafe_fixes, write=write, stdin=stdin,
                       **_run_arguments(options))
    if show_diff:
        from .diffs import unified_diff

        for path, (old, new) in report.changes.items():
            sys.stdout.writelines(unified_diff(old, new, f"a/{path}", f"b/{path}"))
    elif check_only:
        for path in report.changes:
            click.echo(f"would fix {path}")
    elif stdin is not None:
        text = report.texts.get(stdin.name)
        sys.stdout.write(text if text is not None else stdin.data.decode("utf-8", "replace"))
        flags = _emit(report, options, fixing=True, stream=sys.stderr)
    else:
        flags = _emit(report, options, fixing=True)
    _print_problems(report, options["verbose"])
    if report.problems:
        sys.exit(EXIT_ERROR)
    if not write:
        sys.exit(EXIT_FINDINGS if report.changes and not options["exit_zero"] else EXIT_CLEAN)
    sys.exit(_exit_code(False, flags, options["exit_zero"]))


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(output_format):
    """List every rule: code, name, severity, fix, summary."""
    rules = all_rules()
    if output_format == "json":
        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "severity": r.severity.value, "fix": r.fix_safety.value,
             "default": r.default_enabled, "summary": r.summary, "options": r.options} for r in rules], indent=2))
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
    """Explain a rule (by code or name): what, why, examples, fix safety, options."""
    try:
        found = resolve_rule(rule)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    from .rule_docs import explain_text

    click.echo(explain_text(found))


def main() -> None:
    # Parsing makes many short-lived objects and few cycles: collecting after every 10,000
    # allocations instead of 700 saves about 8% of a run and no memory to speak of. What is
    # imported by now stays for the whole run: frozen, no collection walks it again (6% of a
    # run answered from the cache), and forked workers share its pages.
    gc.set_threshold(10_000, 50, 50)
    gc.freeze()
    try:
        with compiled_patterns_kept():
            cli(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("mermaid-lint: interrupted", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:  # never a traceback for the user
        if "-v" in sys.argv or "--verbose" in sys.argv:
            raise
        click.echo(f"mermaid-lint: internal error: {error!r} (run with --verbose for details)", err=True)
        sys.exit(EXIT_ERROR)
