"""Compiled regular expressions kept in the temp folder and read back (kept_patterns.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GUIDES

from mermaid_lint import kept, kept_patterns
from mermaid_lint.kept_patterns import compiled_patterns_kept

pytestmark = pytest.mark.skipif(kept_patterns._compiler is None, reason="patterns are only kept on Python 3.11+")

# Named groups, a class, a backreference, flags: what a real lexer state compiles.
PATTERN = r"(?P<word>[A-Za-z_]\w*)\s*(?:=>|->)\s*(?P<target>\w+)|(['\"]).*?\3|(?i:end)"
SAMPLES = ["a -> b", "x_1=>y", "'quoted'", "END", "'open", "--"]


@pytest.fixture
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(kept.tempfile, "gettempdir", lambda: str(tmp_path))
    return tmp_path


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The patterns Python's own compiler compiles from here on."""
    compiled: list[str] = []
    original = kept_patterns._compiler.compile

    def counting(pattern, flags=0):
        compiled.append(pattern)
        return original(pattern, flags)
    monkeypatch.setattr(kept_patterns._compiler, "compile", counting)
    return compiled


def behaviour(pattern: re.Pattern[str]) -> list:
    return [pattern.flags, pattern.groups, dict(pattern.groupindex),
            *((m.span(), m.groups(), m.lastgroup) if m else None for m in map(pattern.match, SAMPLES))]


@pytest.fixture(autouse=True)
def every_compile_worth_keeping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept_patterns, "WORTH_KEEPING", 0.0)


def compile_within(flags: int = re.VERBOSE) -> re.Pattern[str]:
    re.purge()  # re's own memo would answer without asking the compiler
    with compiled_patterns_kept():
        return re.compile(PATTERN, flags)


def test_a_pattern_compiled_once_is_read_back_and_matches_like_one_compiled(temp_folder, compiles):
    first = compile_within()
    assert compiles == [PATTERN]
    read_back = compile_within()
    assert compiles == [PATTERN]  # the second time, Python's compiler was not asked
    assert read_back is not first and behaviour(read_back) == behaviour(first)
    compile_within(re.IGNORECASE)  # other flags, another pattern
    assert compiles == [PATTERN, PATTERN]


@pytest.mark.parametrize("damage", ["not json", "code", "shape"])
def test_a_damaged_kept_pattern_is_compiled_again(temp_folder, compiles, damage):
    first = compile_within()
    (stored,) = temp_folder.glob(".mermaid-lint-data-*.json")
    data = json.loads(stored.read_text())
    for arguments in data.values():
        if damage == "code":
            arguments[1] = "AQAAAAIAAAADAAAA"  # [1, 2, 3]: SRE refuses it
        elif damage == "shape":
            del arguments[2]
    stored.write_text("{not json" if damage == "not json" else json.dumps(data))
    again = compile_within()
    assert compiles.count(PATTERN) == 2 and behaviour(again) == behaviour(first)
    compile_within()
    assert compiles.count(PATTERN) == 2  # kept again, mended


def test_python_compiles_as_usual_after_it(temp_folder):
    original, sre = kept_patterns._compiler.compile, kept_patterns._compiler._sre
    with pytest.raises(re.error), compiled_patterns_kept():
        re.compile("(unclosed")
    assert (kept_patterns._compiler.compile, kept_patterns._compiler._sre) == (original, sre)


def test_a_check_keeps_its_patterns_and_the_next_reads_them_all(tmp_path: Path):
    guide = str(GUIDES / "llama-4-comprehensive-overview.md")
    env = {"TMPDIR": str(tmp_path), "PATH": "", "PYTHONDONTWRITEBYTECODE": "1"}

    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mermaid_lint", "check", "--no-cache", guide],
                              check=False, capture_output=True, text=True, env=env)

    def kept_patterns_file() -> Path:
        (found,) = [path for path in tmp_path.glob(".mermaid-lint-data-*.json")
                    if all(re.match(r"\d+:", name) for name in json.loads(path.read_text()))]
        return found

    first = check()
    stored = kept_patterns_file()
    assert len(json.loads(stored.read_text())) > 50  # Lark's lexer states, the Jison lexers, PyYAML's, ...
    written = stored.stat().st_mtime_ns
    second = check()
    assert stored.stat().st_mtime_ns == written  # nothing new worth keeping: the patterns were read back
    assert (second.stdout, second.returncode) == (first.stdout, first.returncode) and "ML" in first.stdout
