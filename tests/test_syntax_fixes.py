"""syntax-error (ML003) fixes: a label Mermaid breaks off is quoted, only when that is certainly
what the author meant, and then the diagram parses and shows the label as written."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest

from mermaid_lint import check_text, fix_text
from mermaid_lint.bodies import parse_body
from mermaid_lint.bodies._jison import apply_edits
from mermaid_lint.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent / "mermaid_js"))
from real_mermaid import RealMermaid, available  # noqa: E402 - after the path

ML003 = Settings(select=("ML003",))

# (header, statement as written, statement after the fix)
FIXED_LINES = [
    ("flowchart TD", "A[Start (beta)] --> B", 'A["Start (beta)"] --> B'),
    ("flowchart LR", "A(Call f(x)) --> B", 'A("Call f(x)") --> B'),
    ("flowchart LR", "A{Ready? [y/n]} --> B", 'A{"Ready? [y/n]"} --> B'),
    ("flowchart LR", "A{{Hex (6)}} --> B", 'A{{"Hex (6)"}} --> B'),
    ("flowchart LR", "A((Circle (o))) --> B", 'A(("Circle (o)")) --> B'),
    ("flowchart LR", "A(((Twice (o)))) --> B", 'A((("Twice (o)"))) --> B'),
    ("flowchart LR", "A([Stadium (s)]) --> B", 'A(["Stadium (s)"]) --> B'),
    ("flowchart LR", "A[[Sub (s)]] --> B", 'A[["Sub (s)"]] --> B'),
    ("flowchart LR", "A[(Store (db))] --> B", 'A[("Store (db)")] --> B'),
    ("flowchart LR", "A>Flag (f)] --> B", 'A>"Flag (f)"] --> B'),
    ("flowchart LR", "A[/Para (p)/] --> B", 'A[/"Para (p)"/] --> B'),
    ("flowchart LR", "A[\\Trap (t)/] --> B", 'A[\\"Trap (t)"/] --> B'),
    ("flowchart LR", "A(-Ellipse (e)-) --> B", 'A(-"Ellipse (e)"-) --> B'),
    ("flowchart LR", "A -->|yes (now)| B", 'A -->|"yes (now)"| B'),
    ("flowchart LR", "subgraph S [Phase (1)]\n  A\nend", 'subgraph S ["Phase (1)"]\n  A\nend'),
    # A '"' inside shows as a quote (#quot;); a stray closer of another kind is text.
    ("flowchart LR", 'A[Print "done"] --> B', 'A["Print #quot;done#quot;"] --> B'),
    ("graph LR", 'B{hasPrefix("Act 1 ")};', 'B{"hasPrefix(#quot;Act 1 #quot;)"};'),
    ("flowchart LR", "A[1) first] --> B", 'A["1) first"] --> B'),
    ("flowchart LR", "A[see @{x}] --> B", 'A["see @{x}"] --> B'),
    ("flowchart LR", "A[a|b] --> B", 'A["a|b"] --> B'),
    # Attributes in HTML tags get single quotes, as Mermaid gives them anyway.
    ("flowchart LR", 'A[<i class="x">f(x)</i>]', "A[\"<i class='x'>f(x)</i>\"]"),
    # Every broken label of the diagram at once.
    ("flowchart LR", "A[a (1)] --> B(b [2]) -->|c {3}| C{d (4)}\nD[e (5)]",
     'A["a (1)"] --> B("b [2]") -->|"c {3}"| C{"d (4)"}\nD["e (5)"]'),
    ("classDiagram", "class Animal[Animal (base)]", 'class Animal["Animal (base)"]'),
    ("classDiagram", "class Box~T~[A box] {\n  +open()\n}",
     'class Box~T~["A box"] {\n  +open()\n}'),
]
# (diagram type, body as written, body after the fix)
FIXED = [(header.split()[0], f"{header}\n{bad}\n", f"{header}\n{fixed}\n")
         for header, bad, fixed in FIXED_LINES]

NOT_FIXED_LINES = [
    ("flowchart LR", "A[Start (beta] --> B"),  # crossed brackets
    ("flowchart LR", 'A["Start" (beta)] --> B'),  # half quoted: which quotes are meant?
    ("flowchart LR", "A[Start --> B[End] --> C]"),  # an arrow inside
    ("flowchart LR", "A[Start (beta)"),  # no end on the line
    ("flowchart LR", "A -->|uses (| B"),  # unclosed '(' in an edge label
    ("flowchart LR", 'A[<b class="x>f(x)</b>] --> B'),  # a '"' left inside an HTML tag
    ("flowchart LR", "A[`md` (x)] --> B"),  # a markdown string?
    # The label's fix alone would leave the diagram broken: nothing is fixed.
    ("flowchart LR", "A[Start (beta)] --> end"),
    ("classDiagram", 'class Animal[Animal "x"]'),
    ("classDiagram", "class Animal[List<T>]"),  # Mermaid would drop <T> as an HTML tag
    ("classDiagram", "Animal[Animal]"),  # flowchart syntax, not a class label
]
NOT_FIXED = [(header.split()[0], f"{header}\n{bad}\n") for header, bad in NOT_FIXED_LINES]


def _labels(kind: str, text: str) -> list[str]:
    """Every label the parsed model shows, as text (entities decoded)."""
    result = parse_body(kind, text)
    assert result is not None and result.error is None, result and result.error
    model = result.model
    if kind.startswith("classDiagram"):
        found = [node.label for node in model.classes.values()]
    else:
        found = [n.label for n in model.nodes] + [e.label for e in model.edges]
        found += [s.title for s in model.subgraphs]
    return [html.unescape(label) for label in found if label]


def _as_written(label: str) -> str:
    """What the author meant a label to show: trimmed, entities read as Mermaid reads them,
    attributes of HTML tags in single quotes (as Mermaid rewrites them before parsing)."""
    label = re.sub(r"<(\w+)([^>]*)>",
                   lambda m: "<" + m.group(1) + re.sub(r'="([^"]*)"', r"='\1'", m.group(2)) + ">",
                   label)
    return html.unescape(re.sub(r"#(\w+);", r"&\1;", label)).strip()


@pytest.mark.parametrize(("kind", "bad", "fixed"), FIXED)
def test_label_is_quoted(kind: str, bad: str, fixed: str) -> None:
    error = parse_body(kind, bad).error
    assert error is not None and error.fix is not None, error
    assert apply_edits(bad, error.fix.edits) == fixed
    assert parse_body(kind, fixed).error is None
    # What the fixed diagram shows is each label as the author wrote it.
    lines = bad.split("\n")
    written = [_as_written(lines[e.start[0]][e.start[1] : e.end[1]]) for e in error.fix.edits]
    shown = _labels(kind, fixed)
    assert all(label in shown for label in written), (written, shown)


@pytest.mark.parametrize(("kind", "bad"), NOT_FIXED)
def test_uncertain_label_is_not_fixed(kind: str, bad: str) -> None:
    error = parse_body(kind, bad).error
    assert error is not None
    assert error.fix is None


def test_fix_description_counts_the_labels() -> None:
    several = parse_body("flowchart", next(bad for _, bad, _ in FIXED if "D[e (5)]" in bad)).error
    assert several is not None and several.fix is not None
    assert several.fix.description == "quote the label, and 4 more like it"
    edge = parse_body("flowchart", next(bad for _, bad, _ in FIXED if "|yes (now)|" in bad)).error
    assert edge is not None and edge.fix is not None
    assert edge.fix.description == "quote the edge label"


def test_many_labels_are_fixed_in_one_round() -> None:
    """More broken labels than the fixer's rounds: one fix repairs them all, and it converges."""
    body = "\n".join(f"    N{i}[step {i} (of 30)] --> N{i + 1}" for i in range(30))
    note = f"# Steps\n\n```mermaid\nflowchart TD\n{body}\n```\n"
    once, remaining = fix_text(note, "steps.md", ML003)
    assert not [f for f in remaining if f.code == "ML003"]
    assert once.count('"step ') == 30 and "#quot;" not in once
    assert fix_text(once, "steps.md", ML003)[0] == once


def test_fix_in_a_nested_block() -> None:
    """Edits are block positions: a fence inside a list item or a quote is fixed in place."""
    note = ("- item\n\n  ```mermaid\n  flowchart LR\n      A[Start (beta)] --> B\n  ```\n\n"
            "> ```mermaid\n> flowchart LR\n>     C{Ready? [y/n]} --> D\n> ```\n")
    fixed, remaining = fix_text(note, "nested.md", ML003)
    expected = note.replace("[Start (beta)]", '["Start (beta)"]')
    assert fixed == expected.replace("{Ready? [y/n]}", '{"Ready? [y/n]"}')
    assert not remaining


def test_finding_is_marked_fixable() -> None:
    note = "```mermaid\nflowchart LR\n    A[Start (beta)] --> B\n```\n"
    findings = check_text(note, "a.md", ML003)
    assert [(f.line, f.column, f.fixable) for f in findings] == [(3, 13, True)]
    assert findings[0].fix is not None and findings[0].fix.safe
    assert findings[0].fix.description == "quote the label"


def test_class_label_error_says_it_must_be_quoted() -> None:
    error = parse_body("classDiagram", "classDiagram\n    class Animal[Animal (base)]\n").error
    assert error is not None
    assert error.message == "Unexpected 'Animal': a class label must be quoted"


@pytest.mark.skipif(available() is not None, reason=str(available()))
def test_real_mermaid_rejects_before_and_accepts_after() -> None:
    with RealMermaid() as mermaid:
        before = mermaid.verdicts(bad for _, bad, _ in FIXED)
        after = mermaid.verdicts(fixed for _, _, fixed in FIXED)
        not_fixed = mermaid.verdicts(bad for _, bad in NOT_FIXED)
    assert [v.ok for v in before] == [False] * len(FIXED)
    assert [v.error for v in after if not v.ok] == []
    assert [v.ok for v in not_fixed] == [False] * len(NOT_FIXED)
