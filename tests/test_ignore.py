"""Patterns that are plain names are matched without pathspec: exactly as pathspec would."""

from __future__ import annotations

import pytest

from mermaid_lint import ignore
from mermaid_lint.config import DEFAULT_EXCLUDE

PATHS = ["node_modules/", "a/node_modules/", "a/node_modules", "a/node_modules/b.md", "/abs/.git/", "./.venv/",
         "x", "a/x", "a/x/", "x/y.md", "ax", "a/xb/", "a.x/", "//x/", "./x/y", "../x/", "a/.mermaid-lint-cache/c.md",
         "notes/deep/", "deep", "a\nb/x/", "x\n", ".", "a/./x/"]
PATTERN_SETS = [DEFAULT_EXCLUDE, ("x",), ("x", "deep/"), ("# a comment", "", "x"), ("a.x/",), ()]


@pytest.mark.parametrize("patterns", PATTERN_SETS)
def test_plain_names_match_as_pathspec_matches(patterns):
    assert ignore._names_regex(patterns) is not None  # the fast path is taken
    spec = ignore._spec(patterns)
    for path in PATHS:
        assert ignore._matcher(patterns)(path) == spec.match_file(path), path
        expected = None
        for pattern in spec.patterns:
            if pattern.include is not None and pattern.match_file(path):
                expected = pattern.include
        assert ignore._verdict(patterns)(path) == expected, path


@pytest.mark.parametrize("pattern", ["*.md", "/build/", "a/b", "!x", "x\\ ", "x ", "..", "[ab]", "**/x", "."])
def test_other_patterns_go_to_pathspec(pattern):
    assert ignore._names_regex(("x/", pattern)) is None


def test_relative_to_root():
    assert ignore.relative_to_root("/r/a/b.md", "/r") == "a/b.md"
    assert ignore.relative_to_root("/r", "/r/") == "."
    assert ignore.relative_to_root("/a/b.md", "/") == "a/b.md"
    assert ignore.relative_to_root("/rx/b.md", "/r") == "/rx/b.md"  # outside: the path itself
    assert ignore.relative_to_root("..//x/./b.md", "/nowhere/deep/r") == "../x/b.md"
