"""A directive text is read once and placed wherever it stands: the placed reading must be
exactly what reading it in place gives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mermaid_lint.engine import load_note
from mermaid_lint.files import read_source
from mermaid_lint.model import Directive
from mermaid_lint.parsing import _judge_args, _read_args

from conftest import FIXTURES, require_corpus


def _read_in_place(directive: Directive) -> Directive:
    fresh = replace(directive, value=None, locations={}, dropped=None)
    _judge_args(fresh)
    return fresh


def _directives(paths) -> list[Directive]:
    found = []
    for path in paths:
        note = load_note(str(path), read_source(path), path.suffix == ".mmd")
        found += [d for diagram in note.diagrams for d in diagram.directives if d.name and not d.unterminated]
    return found


def _assert_same(directive: Directive) -> None:
    expected = _read_in_place(directive)
    assert (directive.value, directive.locations, directive.dropped) == \
        (expected.value, expected.locations, expected.dropped)


def test_fixture_directives_read_as_in_place():
    directives = _directives(sorted(FIXTURES.rglob("*.md")))
    assert len(directives) > 10 and any(d.dropped for d in directives)
    for directive in directives:
        _assert_same(directive)


def test_corpus_directives_read_as_in_place():
    directives = _directives(sorted(require_corpus().rglob("*.md")))
    assert len(directives) > 500
    for directive in directives:
        _assert_same(directive)


@pytest.mark.parametrize("first, rest", [("", ""), ("  ", "  "), ("> ", "> "), ("- ", "  ")])
def test_the_same_directive_at_other_places(tmp_path: Path, first: str, rest: str):
    broken = "%%{init: {'theme': 'dark', 'themeVariables': {'primaryColor': '#fff', // comment\n}}%%"
    valid = "%%{init: {'theme': 'base',\n  'flowchart': {'curve': 'basis'}}}%%"
    contained = [f"{first}```mermaid"] + [f"{rest}{line}" for line in f"{broken}\n{valid}\ngraph TD\n  A --> B\n```".split("\n")]
    note = tmp_path / "note.md"
    note.write_text("# A\n\n" + "\n".join(contained) + f"\n\n```mermaid\n\n\n\n   {valid}\ngraph TD\n  A --> B\n```\n",
                    encoding="utf-8")
    directives = _directives([note])
    assert len(directives) == 3
    assert directives[0].dropped is not None and directives[1].dropped is None
    assert directives[1].locations[("flowchart", "curve")] != directives[2].locations[("flowchart", "curve")]
    assert directives[2].locations[("theme",)].key_start == (3, 13)
    for directive in directives:
        _assert_same(directive)


def test_each_directive_owns_its_value(tmp_path: Path):
    note = tmp_path / "note.md"
    block = "```mermaid\n%%{init: {'theme': 'dark'}}%%\ngraph TD\n  A --> B\n```\n"
    note.write_text(block + "\n" + block, encoding="utf-8")
    first, second = _directives([note])
    first.value["theme"] = "changed"
    assert second.value == {"theme": "dark"}
    _read_args(first)
    assert first.value == {"theme": "dark"}
