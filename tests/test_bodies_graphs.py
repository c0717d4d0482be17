"""Flowchart, class and state bodies: real snippets, with the verdicts of real Mermaid 12.3."""

from __future__ import annotations

import re
from itertools import chain
from pathlib import Path

import pytest
from lark import Token
from lark.exceptions import UnexpectedToken

from mermaid_lint import kept
from mermaid_lint.bodies import _jison, class_diagram, flowchart, parse_body, state, supported_types
from mermaid_lint.bodies._jison import apply_edits, run, tree_parser
from mermaid_lint.bodies.class_diagram import ClassDiagram
from mermaid_lint.bodies.flowchart import Flowchart
from mermaid_lint.bodies.state import StateDiagram
from mermaid_lint.grammars import lalr_parser

SHARED = Path(__file__).parents[2] / "shared"
MERMAID_DOCS = SHARED / "corpus-dev" / "mermaid-docs"


def ok(diagram_type: str, text: str):  # type: ignore[no-untyped-def]
    result = parse_body(diagram_type, text)
    assert result is not None
    assert result.error is None, result.error
    return result.model


def error(diagram_type: str, text: str):  # type: ignore[no-untyped-def]
    result = parse_body(diagram_type, text)
    assert result is not None
    assert result.error is not None, "Mermaid rejects this diagram"
    return result.error


def test_types_are_registered() -> None:
    assert {"flowchart", "graph", "flowchart-elk", "classDiagram", "classDiagram-v2",
            "stateDiagram", "stateDiagram-v2"} <= supported_types()


# --- flowchart: accepted --------------------------------------------------------------------

def test_long_chains_and_groups_are_read_in_order_without_recursion() -> None:
    # Both nest one tree per link or `&` (the grammar is left-recursive): thousands of them
    # on one line must not reach Python's recursion limit.
    chain = parse_body("flowchart", "flowchart TD\n  " + " --> ".join(f"N{i}" for i in range(1500)) + "\n")
    assert chain.error is not None and "more than 500 edges" in chain.error.message  # as Mermaid says
    group = ok("flowchart", "flowchart TD\n  " + " & ".join(f"N{i}" for i in range(1200)) + "\n")
    assert [n.id for n in group.nodes] == [f"N{i}" for i in range(1200)]
    few = ok("flowchart", "flowchart TD\n  A & B --> C --> D & E\n")
    assert [(e.source, e.target) for e in few.edges] == [("A", "C"), ("B", "C"), ("C", "D"), ("C", "E")]

def test_flowchart_model() -> None:
    model = ok("flowchart", """\
flowchart LR
    A[Start] --> B{Is it?}
    B -->|Yes| C([Done])
    B -- "No (retry)" --> A
    C -.-> D[(Store)] & E((Circle))
    E e1@==> F>Flag] ~~~ G[/Para/]
    A["Start again"]
    subgraph one [First group]
        direction TB
        H[[Sub]] --> I{{Hex}}
    end
    classDef hot fill:#f96,stroke:#333;
    class A,B hot
    I:::hot
    style A fill:#fff
    click A "https://example.com" "tip"
    linkStyle 0 stroke:#f00
""")
    assert isinstance(model, Flowchart)
    assert model.direction == "LR"
    assert [(n.id, n.label, n.shape) for n in model.nodes if n.id == "A"] == [
        ("A", "Start", "square"), ("A", None, None), ("A", "Start again", "square")]
    assert ("B", "Is it?", "diamond", 1) in [(n.id, n.label, n.shape, n.line) for n in model.nodes]
    assert ("C", "Done", "stadium") in [(n.id, n.label, n.shape) for n in model.nodes]
    edges = [(e.source, e.target, e.label, e.line) for e in model.edges]
    assert ("B", "C", "Yes", 2) in edges
    assert ("B", "A", "No (retry)", 3) in edges
    assert ("C", "D", None, 4) in edges and ("C", "E", None, 4) in edges
    assert [e.id for e in model.edges if e.source == "E"] == ["e1"]
    assert len(model.edges) == 8
    (group,) = model.subgraphs
    assert (group.id, group.title, group.line, group.end_line) == ("one", "First group", 7, 10)
    assert group.node_ids == ["H", "I"] and group.direction == "TB"
    assert [(c.name, c.line) for c in model.class_defs] == [("hot", 11)]
    assert [(c.node_ids, c.class_name) for c in model.class_assignments] == [
        (("A", "B"), "hot"), (("I",), "hot")]
    assert [(s.node_id, s.line) for s in model.styles] == [("A", 14)]
    assert [(c.node_id, c.line) for c in model.clicks] == [("A", 15)]


@pytest.mark.parametrize("text", [
    "graph TD\n    A-->B",
    "graph\n  A --> B",  # no direction
    "flowchart TB;A-->B;B-->C",
    'flowchart LR\n  A@{ shape: cyl, label: "DB" } --> B@{ shape: rounded }',
    'flowchart LR\n  A["`**bold** markdown`"] --> B["quoted (parens) ok"]',
    'flowchart LR\n  A["quoted" then words] --> B',  # Mermaid accepts text after a string
    "flowchart LR\n  A[Café – 日本語] --> B[Ünïcode]",
    "graph TD\n  A[Set direction LR] --> B",  # a whole-line direction statement, in Mermaid
    "graph TD\n  A -->|a <br/> b| B\n  B --o C\n  C --x D\n  D <--> E\n  E ---- F",
    "graph TD\n  A[email@x.com] --> B\n  A -- ask @bob --> B",
    "graph TD\n  accTitle: Title\n  accDescr { multi\n line }\n  A-->B",
    'graph TD\n  A-->B\n  click B call cb("x") "tip"\n  click A href "https://x" _blank',
    "graph TD\n  A[#quot;entity#quot;] --> B",
    "graph LR\n  subgraph \"Quoted title\"\n    A\n  end\n  subgraph B\n  end",
])
def test_flowchart_accepted(text: str) -> None:
    ok("flowchart", text)


def test_flowchart_blank_lines_keep_block_lines() -> None:
    # Front-matter and directives arrive blanked: lines stay the block's own.
    model = ok("graph", "\n\n\n\ngraph TD\n\n    A --> B\n")
    assert [(e.source, e.target, e.line) for e in model.edges] == [("A", "B", 6)]


def test_subgraph_with_spaces_gets_no_id() -> None:
    model = ok("flowchart", "flowchart TB\n  subgraph My group\n    A\n  end")
    assert (model.subgraphs[0].id, model.subgraphs[0].title) == (None, "My group")


# --- flowchart: rejected, where and why -------------------------------------------------------

def test_unquoted_parens_in_label() -> None:
    err = error("flowchart", "flowchart TD\n    A[Start] --> B[Load (cached)]")
    assert (err.line, err.column) == (1, 24)
    assert err.message == "Unexpected '(' in a [...] label"
    assert err.hint == 'quote the label: B["..."]'
    assert err.expected == ("']'", "text")


def test_unquoted_parens_in_diamond_and_edge_label() -> None:
    assert error("graph", "graph TD\n  A{is it (x)?}").hint == 'quote the label: A{"..."}'
    err = error("graph", "graph TD\n  A -->|a (b)| B")
    assert (err.line, err.column, err.hint) == (1, 10, 'quote the edge label: |"..."|')


def test_unquoted_at_makes_an_edge_id() -> None:
    err = error("graph", "graph TD\n  A --> user@home")
    assert (err.line, err.column) == (1, 8)
    assert "'@'" in err.message and "quote" in (err.hint or "")


def test_title_statement() -> None:
    err = error("flowchart", "flowchart TD\n  title My chart\n  A --> B")
    assert err.line == 1
    assert "no title statement" in err.message and "front-matter" in (err.hint or "")


def test_end_keyword_as_node() -> None:
    err = error("graph", "graph TD\n  A --> end")
    assert (err.line, err.column) == (1, 8)
    assert "keyword" in err.message


def test_trailing_comment_breaks_the_line() -> None:
    # Only whole-line %% comments are comments.
    assert error("graph", "graph TD\n  A --> B %% why\n").line == 1


def test_unclosed_label_and_subgraph() -> None:
    err = error("graph", 'graph TD\n  A["ok"] --> B[open')
    assert "never closed" in err.message and "line 2, column 16" in err.message
    assert "no 'end'" in error("graph", "graph TD\n  subgraph X\n    A\n").message


def test_database_checks() -> None:
    assert "No such shape" in error("flowchart", "flowchart TD\n  A@{ shape: blob }").message
    link_style = error("graph", "graph TD\n  linkStyle 0 stroke:#f00\n  A --> B")
    assert (link_style.line, "out of range" in link_style.message) == (1, True)
    assert "Invalid" in error("graph", 'graph TD\n  A@{ shape: rect label: "x" }').message
    chain = "graph TD\n" + "\n".join(f"  N{i} --> N{i + 1}" for i in range(501))
    assert "Edge limit" in error("graph", chain).message


def test_linkstyle_colour_entity() -> None:
    # Mermaid turns `#ff3;` into an entity: only style/classDef lines are spared.
    err = error("graph", "graph TD\n  A --> B\n  linkStyle 0 stroke:#ff3;")
    assert err.line == 2


def test_style_with_rgb() -> None:
    err = error("graph", "graph TD\n  A --> B\n  style A fill:rgb(1,2,3)")
    assert "hex colour" in (err.hint or "")


# --- class diagrams ---------------------------------------------------------------------------

CLASSES = """\
classDiagram
    direction LR
    class Animal~T~ {
        <<interface>>
        +String name
        +eat(food) bool
    }
    class Duck["Duck label"]:::fancy
    Animal <|-- Duck : inherits
    Zoo "1" *-- "many" Animal : holds
    Duck : +swim()
    note for Duck "can fly"
    namespace Farm {
        class Cow
    }
    classDef fancy fill:#f9f
"""


def test_class_model() -> None:
    model = ok("classDiagram", CLASSES)
    assert isinstance(model, ClassDiagram)
    animal = model.classes["Animal"]
    assert (animal.line, animal.generic, animal.annotations) == (2, "T", ["interface"])
    assert animal.members == ["+String name", "+eat(food) bool"]
    duck = model.classes["Duck"]
    assert (duck.label, duck.css_classes, duck.members) == ("Duck label", ["fancy"], ["+swim()"])
    assert [(r.source, r.target, r.arrow, r.label, r.source_cardinality, r.target_cardinality,
             r.line) for r in model.relations] == [
        ("Animal", "Duck", "<|--", "inherits", None, None, 8),
        ("Zoo", "Animal", "*--", "holds", "1", "many", 9),
    ]
    assert [(n.text, n.class_name, n.line) for n in model.notes] == [("can fly", "Duck", 11)]
    assert [(n.name, n.class_names) for n in model.namespaces] == [("Farm", ("Cow",))]
    assert model.classes["Cow"].namespace == "Farm"
    assert model.direction == "LR" and [(c.name, c.line) for c in model.class_defs] == [("fancy", 15)]


def test_class_body_with_get_braces() -> None:
    err = error("classDiagram-v2", "classDiagram-v2\n  class A {\n    +name: String { get }\n  }")
    assert (err.line, err.column) == (2, 18)
    assert "'{ get }'" in (err.hint or "")


def test_flowchart_syntax_in_class_diagram() -> None:
    err = error("classDiagram", "classDiagram\n  A ==> B")
    assert err.line == 1 and "flowchart syntax" in err.message
    assert "A --> B : text" in (error("classDiagram", "classDiagram\n  A -->|x| B").hint or "")


def test_class_runtime_failures() -> None:
    # Mermaid's database throws on these while parsing.
    assert "not defined" in error("classDiagram", "classDiagram\n  <<interface>> Shape").message
    err = error("classDiagram", "classDiagram\n  class A {\n    +run)\n  }")
    assert err.line == 2 and "method" in err.message


def test_empty_class_diagram() -> None:
    assert error("classDiagram", "classDiagram\n").line == 1


# --- state diagrams ---------------------------------------------------------------------------

STATES = """\
stateDiagram-v2
    [*] --> Idle
    Idle --> Running : start
    state "Long running job" as Job
    state fork_state <<fork>>
    state Running {
        [*] --> Working
        Working --> [*]
        --
        [*] --> Watching
    }
    note right of Idle : waits here
    Running --> [*]
"""


def test_state_model() -> None:
    model = ok("stateDiagram-v2", STATES)
    assert isinstance(model, StateDiagram)
    assert [(t.source, t.target, t.label, t.line, t.parent) for t in model.transitions][:2] == [
        ("[*]", "Idle", None, 1, None), ("Idle", "Running", "start", 2, None)]
    assert ("Working", "[*]", None, 7, "Running") in [
        (t.source, t.target, t.label, t.line, t.parent) for t in model.transitions]
    assert model.states["Job"].descriptions == ["Long running job"]
    assert model.states["fork_state"].kind == "fork"
    assert [(c.id, c.line, c.end_line) for c in model.composites] == [("Running", 5, 10)]
    assert model.states["Running"].composite and model.states["Watching"].parent == "Running"
    assert [(n.state, n.text, n.position, n.line) for n in model.notes] == [
        ("Idle", "waits here", "right of", 11)]


def test_state_errors() -> None:
    err = error("stateDiagram-v2", "stateDiagram-v2\n  state Two Words {\n    A\n  }")
    assert err.line == 1 and "single word" in err.message
    err = error("stateDiagram", "stateDiagram\n  A -.-> B")
    assert (err.line, err.column) == (1, 4) and "flowchart syntax" in err.message
    ok("stateDiagram", "stateDiagram\n  A ==> B")  # three states, as Mermaid reads it
    # `--` separates regions only inside a composite state.
    assert error("stateDiagram-v2", "stateDiagram-v2\n  A --> B\n  --\n  C").line == 2
    # Case-insensitive keywords: a state named "Class" is the `class` statement.
    assert error("stateDiagram-v2", "stateDiagram-v2\n  A --> Class : x").line == 1
    assert error("stateDiagram-v2", "stateDiagram-v2\n  state X {\n    A\n").message.startswith(
        "Unexpected end of diagram")


def test_state_group_with_two_descriptions() -> None:
    err = error("stateDiagram-v2", 'stateDiagram-v2\n  state "Long" as LD {\n    A\n  }\n  LD : more')
    assert "Group nodes" in err.message


# --- the Mermaid docs: Mermaid accepts nearly all of them ---------------------------------------

_TYPES = ("flowchart", "graph", "flowchart-elk", "classDiagram", "classDiagram-v2",
          "stateDiagram", "stateDiagram-v2")


def _blank(text: str) -> str:
    """Front-matter, directives and %% comment lines blanked, as the Markdown layer does."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() == "---":
                lines[: end + 1] = [""] * (end + 1)
                break
    index = 0
    while index < len(lines):
        if re.match(r"\s*%%\{", lines[index]):
            end = index
            while end < len(lines) and "}%%" not in lines[end]:
                end += 1
            for k in range(index, min(end + 1, len(lines))):
                lines[k] = ""
            index = end + 1
            continue
        if re.match(r"\s*%%", lines[index]):
            lines[index] = ""
        index += 1
    return "\n".join(lines)


@pytest.mark.skipif(not MERMAID_DOCS.is_dir(), reason="shared corpus not available")
def test_mermaid_docs_parse() -> None:
    blocks = []
    for path in sorted(MERMAID_DOCS.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for body in re.findall(r"^```mermaid[^\n]*\n(.*?)^```", text, re.M | re.S):
            blank = _blank(body)
            words = blank.split()
            if words and words[0] in _TYPES:
                blocks.append((path.name, words[0], blank))
    assert len(blocks) > 100
    failures = {name for name, kind, text in blocks if parse_body(kind, text).error is not None}
    # Mermaid 12.3 rejects the unfinished `g-->` example of the 8.6.0 page, and nothing else.
    assert failures <= {"8.6.0_docs.md"}


# --- the shared Jison machinery -------------------------------------------------------------------

class _LarkReference:
    """Lark's own interactive LALR parser (trees with positions), as the bodies once used it."""

    def __init__(self, grammar: str) -> None:
        self.lark = lalr_parser(grammar)

    def parse(self, lexemes, end, seen):  # type: ignore[no-untyped-def]
        state = self.lark.parse_interactive("").parser_state
        for lexeme in chain(lexemes, [("$END", "", end, end, ())]):
            token = Token(lexeme[0], lexeme[1], lexeme[2], 1, 1, end_pos=lexeme[3])
            try:
                if token.type == "$END":
                    return state.feed_token(token, True)
                state.feed_token(token)
            except UnexpectedToken as exc:
                return lexeme, frozenset(exc.expected)
            seen.append(lexeme)


def _graph_bodies() -> list[tuple[str, str]]:
    """The flowchart, class and state bodies of the repository's fixtures, each also with a
    stray bracket or quote put in, so that failures are compared too."""
    found = []
    for path in sorted((Path(__file__).parents[1] / "fixtures").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        for body in re.findall(r"^```mermaid[^\n]*\n(.*?)^```", text, re.M | re.S):
            blank = _blank(body)
            words = blank.split()
            if words and words[0] in _TYPES:
                found.append((words[0], blank))
    mutants = []
    for index, (kind, text) in enumerate(found):
        at = (index * 7919) % len(text)
        mutants.append((kind, text[:at] + "([\"|"[index % 4] + text[at:]))
    return found + mutants


def test_tree_parser_builds_what_lark_builds() -> None:
    """The direct LALR loop (no position propagation) gives Lark's trees and Lark's failures."""
    bodies = {"flowchart": flowchart._BODY, "graph": flowchart._BODY,
              "classDiagram": class_diagram._BODY, "stateDiagram-v2": state._BODY}
    cases = [(k, t) for k, t in _graph_bodies() if k in bodies]
    assert len(cases) > 20
    for kind, text in cases:
        body = bodies[kind]
        ours = run(tree_parser(body.grammar), body.lexer, body.prepare(text))
        lark = run(_LarkReference(body.grammar), body.lexer, body.prepare(text))  # type: ignore[arg-type]
        assert ours == lark, text


def test_a_fix_is_moved_past_earlier_edits() -> None:
    """Later fixes are found in the text the earlier ones made; they come back in the block's
    own positions, as one fix."""
    text = "flowchart LR\n    A[x (1)] --> B[y (2)] --> C[z (3)]\n"
    fix = parse_body("flowchart", text).error.fix  # type: ignore[union-attr]
    assert fix is not None
    assert [(e.start, e.end) for e in fix.edits] == [((1, 6), (1, 11)), ((1, 19), (1, 24)), ((1, 32), (1, 37))]
    assert apply_edits(text, fix.edits) == 'flowchart LR\n    A["x (1)"] --> B["y (2)"] --> C["z (3)"]\n'


@pytest.mark.parametrize(("module", "texts"), [
    (flowchart, ["flowchart TD\n  A[a<br>b] -->|x| B((c))\n  subgraph S\n    B --> C\n  end", "graph LR\n  A -->"]),
    (class_diagram, ["classDiagram\n  class A {\n    +int x\n  }\n  A <|-- B", "classDiagram\n  A <|-- "]),
    (state, ["stateDiagram-v2\n  [*] --> A\n  A --> B: go\n  state B {\n    C\n  }", "stateDiagram\n  A --> {"]),
])
def test_a_parse_table_read_back_from_the_temp_folder_parses_as_the_one_built(module, texts, tmp_path, monkeypatch):
    monkeypatch.setattr(kept.tempfile, "gettempdir", lambda: str(tmp_path))
    body = module._BODY
    built = _jison.TreeParser(body.grammar)  # nothing kept there yet: built from Lark's table
    assert len(list(tmp_path.glob(".mermaid-lint-data-*.json"))) == 1

    def not_built_again(grammar: str) -> None:
        raise AssertionError("the kept table was not read back")

    monkeypatch.setattr(_jison, "_parse_table", not_built_again)
    read_back = _jison.TreeParser(body.grammar)
    for text in texts:
        assert run(read_back, body.lexer, body.prepare(text)) == run(built, body.lexer, body.prepare(text))
