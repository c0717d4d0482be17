"""Commands import only what they need (the figures are in docs/performance.md; here only
which modules get imported, which does not depend on the machine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GUIDES

# The process pool itself, not concurrent.futures: asyncio (which some libraries import) loads that.
# pathspec: the default excludes and plain names in .gitignore files are matched without it;
# xml: only the junit format needs it. yaml: front-matter is read when a note is parsed.
# The rule modules are loaded when a note is checked (a rule stands for them all).
A_RULE = "mermaid_lint.rules.broken_line_break"
HEAVY = ("lark", "markdown_it", "yaml", "rich", "multiprocessing", "concurrent.futures.process", "pathspec", "xml",
         A_RULE)
PROBE = """
import json, sys
from mermaid_lint.cli import cli
try:
    cli(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
heavy = {heavy!r}
print(json.dumps(sorted({{name for m in sys.modules for name in heavy if m == name or m.startswith(name + ".")}})))
"""


def imported(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
                            capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--version"], ["explain", "ML401"], ["check", "--help"]])
def test_commands_that_check_nothing_import_no_parser(args):
    assert imported(*args) - {A_RULE} == set()  # explain reads the rules' docstrings


def test_rules_loads_only_the_body_grammars():
    # `rules` names the diagram types whose bodies are parsed: the body modules say which.
    assert imported("rules") <= {"lark", A_RULE}


def test_a_run_answered_from_the_cache_imports_no_parser(tmp_path: Path):
    note = tmp_path / "notes" / "note.md"  # in a folder: searching it applies the default excludes
    note.parent.mkdir()
    note.write_bytes((GUIDES / "llama-vault-note.md").read_bytes())
    cache = ["--cache-dir", str(tmp_path / "cache"), "--format", "json"]
    assert {"lark", "markdown_it", "yaml", A_RULE} <= imported("check", *cache, str(note.parent))
    assert imported("check", *cache, str(note.parent)) == set()


def test_one_file_starts_no_worker_processes(tmp_path: Path):
    note = tmp_path / "note.md"
    note.write_bytes((GUIDES / "llama-vault-note.md").read_bytes())
    assert not {"multiprocessing", "concurrent.futures.process"} & imported("check", "--no-cache", "-j", "4", str(note))
