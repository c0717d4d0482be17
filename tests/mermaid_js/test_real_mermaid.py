"""The real-Mermaid harness itself: does it give Mermaid's verdict, and survive misbehaviour?

Skipped (with the reason) when Node or tests/mermaid_js/node_modules is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_mermaid import RealMermaid, Verdict, available  # noqa: E402

pytestmark = pytest.mark.skipif(available() is not None, reason=str(available()))


@pytest.fixture(scope="module")
def mermaid():
    with RealMermaid(cache=False) as rm:
        yield rm


FLOWCHART_WITH_CONFIG = """\
---
title: Hello
author: someone
config:
  theme: base
  themeVariables:
    primaryColor: '#BB2528'
---
%%%%%%%% Mermaid version v11.4.1-b.14
%%{
  init: {
    'theme': 'base',
    'themeVariables': { 'primaryColor': '#BB2528' }
  }
}%%
flowchart TD
  %% a comment
  A[Start] --> B{Is it?}
  B -- Yes --> C[OK]
  %% note for C
  B -- No --> D[End]
"""


def test_flowchart_with_front_matter_directive_and_comments_is_accepted(mermaid):
    assert mermaid.verdict(FLOWCHART_WITH_CONFIG) == Verdict(ok=True, diagram_type="flowchart-v2")


def test_parenthesis_inside_square_label_is_rejected_with_its_line(mermaid):
    v = mermaid.verdict("flowchart TD\n A[foo(bar)]")
    assert not v.ok
    assert v.line == 2
    assert v.error.startswith("Parse error on line 2:")
    assert "\n" not in v.error


def test_error_line_counts_lines_of_the_original_text(mermaid):
    # Mermaid numbers lines after cutting front-matter, directives and comments: line 4 for it.
    text = "---\ntitle: t\n---\n%%{init: {'theme': 'dark'}}%%\nflowchart TD\n  %% c\n  A --> B\n  C[\"a\"b\"]\n"
    v = mermaid.verdict(text)
    assert not v.ok
    assert "line 3" in v.error
    assert v.line == 8


def test_crlf_text(mermaid):
    v = mermaid.verdict("flowchart TD\r\n%% c\r\n A --> B\r\n B --> C[x(y)]\r\n")
    assert not v.ok and v.line == 4


def test_mindmap_indentation(mermaid):
    # An odd indent is fine as long as the tree has one root ...
    assert mermaid.verdict("mindmap\n  root\n    child1\n   child2").ok
    # ... a second node at the root's indent is not.
    v = mermaid.verdict("mindmap\n  root\n    child\n  other")
    assert not v.ok
    assert "only one root" in v.error


def test_gantt(mermaid):
    text = "gantt\n  title A\n  dateFormat YYYY-MM-DD\n  section S\n  Task a :a1, 2024-01-01, 30d\n  Task b :after a1, 20d\n"
    assert mermaid.verdict(text) == Verdict(ok=True, diagram_type="gantt")


def test_unknown_diagram_type_is_rejected(mermaid):
    v = mermaid.verdict("foobar\n  A --> B")
    assert not v.ok
    assert v.error.startswith("No diagram type detected")
    assert v.line is None


def test_langium_parser_error_line(mermaid):
    v = mermaid.verdict('pie title X\n  "a" : 1\n  "b" : x')
    assert not v.ok and v.line == 3


def test_many_in_order_with_duplicates(mermaid):
    texts = ["graph TD\nA-->B", "nope", "pie\n\"a\": 1", "graph TD\nA-->B"]
    vs = mermaid.verdicts(texts)
    assert [v.ok for v in vs] == [True, False, True, True]
    assert [v.diagram_type for v in vs] == ["flowchart-v2", None, "pie", "flowchart-v2"]


def test_recovers_from_hang_crash_async_errors_and_stdout_noise(monkeypatch):
    monkeypatch.setenv("MERMAID_JS_TEST_HOOKS", "1")
    with RealMermaid(timeout=3, cache=False) as rm:
        vs = rm.verdicts(
            [
                "graph TD\nA-->B",
                "%%harness:hang",
                "%%harness:exit",
                "%%harness:async-throw\ngraph TD\nA-->B",
                "%%harness:stdout\ngraph TD\nA-->B",
                "sequenceDiagram\nA->>B: hi",
            ]
        )
    assert vs[0].ok
    assert not vs[1].ok and vs[1].error.startswith("timeout")
    assert not vs[2].ok and vs[2].error.startswith("harness:")
    assert not vs[3].ok and "thrown later" in vs[3].error
    assert vs[4].ok
    assert vs[5] == Verdict(ok=True, diagram_type="sequence")


def test_cache_answers_without_node(tmp_path, monkeypatch):
    import real_mermaid

    monkeypatch.setattr(real_mermaid, "CACHE_PATH", tmp_path / "verdicts.jsonl")
    monkeypatch.setattr(real_mermaid, "_cache", None)
    text = "flowchart LR\n  cached --> yes"
    with RealMermaid(cache=True) as rm:
        first = rm.verdict(text)
        assert rm.starts == 1
    monkeypatch.setattr(real_mermaid, "_cache", None)  # forces a reload from disk
    with RealMermaid(cache=True) as rm:
        assert rm.verdict(text) == first
        assert rm.starts == 0
