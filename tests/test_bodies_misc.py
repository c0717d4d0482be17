"""Mindmap, sequence, gantt, pie, ER and timeline bodies: real snippets, with the verdicts of real
Mermaid 12.3 (every "error" case below is a diagram Mermaid rejects, every "ok" one it accepts)."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import pytest

from mermaid_lint import bodies
from mermaid_lint.bodies import BODY_MODULES, BodyResult, BodySyntaxError, parse_body, supported_types
from mermaid_lint.bodies.er import ErDiagram
from mermaid_lint.bodies.gantt import Gantt
from mermaid_lint.bodies.mindmap import Mindmap
from mermaid_lint.bodies.pie import Pie
from mermaid_lint.bodies.sequence import SequenceDiagram
from mermaid_lint.bodies.timeline import Timeline
from mermaid_lint.engine import load_note
from mermaid_lint.files import read_source

ROOT = Path(__file__).resolve().parents[1]
GUIDES = ROOT / "fixtures" / "guides"
SHARED = Path(__file__).parents[2] / "shared"
MERMAID_DOCS = SHARED / "corpus-dev" / "mermaid-docs"
TYPES = ("mindmap", "sequenceDiagram", "gantt", "pie", "erDiagram", "timeline")


def parse(text: str) -> BodyResult:
    kind = text.split()[0]
    result = parse_body(kind, text)
    assert result is not None
    return result


def ok(text: str):  # type: ignore[no-untyped-def]
    result = parse(text)
    assert result.error is None, result.error
    return result.model


def error(text: str) -> BodySyntaxError:
    result = parse(text)
    assert result.error is not None, "Mermaid rejects this diagram"
    return result.error


def test_types_are_registered() -> None:
    assert set(TYPES) <= supported_types()
    modules = {info.name for info in pkgutil.iter_modules(bodies.__path__) if not info.name.startswith("_")}
    assert set(BODY_MODULES.values()) == modules


# --- mindmap ----------------------------------------------------------------------------------


def test_mindmap_tree_shapes_icons_and_classes() -> None:
    model = ok(
        """\
mindmap
  root((mindmap))
    Origins
      Long history
      ::icon(fa fa-book)
      Popularisation
    Research[On effectiveness<br/>and features]
    :::urgent large
    Tools
      id1["`**Pen** and paper`"]
      id2)Cloud(
      id3{{Hexagon}}
      id4))Bang((
"""
    )
    assert isinstance(model, Mindmap)
    root = model.root
    assert root is not None and (root.id, root.shape, root.text) == ("root", "circle", "mindmap")
    assert [child.text for child in root.children] == ["Origins", "On effectiveness<br/>and features", "Tools"]
    origins, research, tools = root.children
    assert [n.text for n in origins.children] == ["Long history", "Popularisation"]
    assert origins.children[0].icon == "fa fa-book"
    assert (research.shape, research.classes) == ("rect", ["urgent", "large"])
    assert [(n.shape, n.text) for n in tools.children] == [
        ("rect", "**Pen** and paper"),
        ("cloud", "Cloud"),
        ("hexagon", "Hexagon"),
        ("bang", "Bang"),
    ]
    assert (tools.line, tools.indent, tools.column) == (8, 4, 4)


def test_mindmap_bare_double_colon_is_text() -> None:
    model = ok("mindmap\n  root\n    Status :: done\n")
    node = model.nodes[1]
    assert (node.id, node.text, node.shape, node.hidden_id) == ("Status :: done", "Status :: done", "default", None)


def test_mindmap_guides_lose_the_text_before_a_parenthesis() -> None:
    """The guides' "Adoption :: 650M+ Downloads (Doubled in 3 months)": Mermaid reads "(...)"
    as a rounded shape and shows only "Doubled in 3 months"."""
    path = GUIDES / "future-of-ai-built-with-llama.md"
    note = load_note(str(path), read_source(path), False)
    diagram = next(d for d in note.diagrams if d.diagram_type == "mindmap" and "Adoption ::" in d.block.text)
    result = diagram.parsed_body
    assert result.error is None
    node = next(n for n in result.model.nodes if n.id.startswith("Adoption"))
    assert node.raw == "Adoption :: 650M+ Downloads (Doubled in 3 months)"
    assert (node.id, node.shape, node.text) == ("Adoption :: 650M+ Downloads", "rounded-rect", "Doubled in 3 months")
    assert node.hidden_id == "Adoption :: 650M+ Downloads"
    assert diagram.block.lines[node.line].strip() == node.raw
    lost = [n.hidden_id for n in result.model.nodes if n.hidden_id and " " in n.hidden_id]
    assert "Licensing :: Approvals doubled in 6 months" in lost


def test_mindmap_second_root() -> None:
    err = error("mindmap\n  root((Central))\n    Topic A\n    Topic B\n  Second root\n")
    assert (err.line, err.column) == (4, 2)
    assert "only one root" in err.message
    assert err.hint is not None and "root 'Central'" in err.hint


def test_mindmap_flowchart_arrows() -> None:
    # Arrows are just node text in a mindmap; the unindented one is a second root.
    assert ok("mindmap\n  root\n    A --> B\n").nodes[1].text == "A --> B"
    err = error("mindmap\n  root\n    A --> B\nC --> D\n")
    assert (err.line, err.column) == (3, 0)
    assert err.hint is not None and "no arrows" in err.hint


def test_mindmap_text_after_a_shape() -> None:
    err = error("mindmap\n  root((Quantization))\n    Codebook Size (N) - Bits\n")
    assert (err.line, err.column) == (2, 21)
    assert err.expected == ("a line break",)
    assert err.hint is not None and 'id["Text (with brackets)"]' in err.hint


def test_mindmap_node_starting_with_the_keyword() -> None:
    err = error("mindmap\n  root\n    Mindmap basics\n")
    assert (err.line, err.column) == (2, 4)
    assert err.hint is not None and "may not start with the word 'mindmap'" in err.hint


def test_mindmap_icon_before_any_node() -> None:
    err = error("mindmap\n    ::icon(fa fa-book)\n  root\n")
    assert (err.line, err.column) == (1, 4)


def test_mindmap_blank_line_after_the_header() -> None:
    """Mermaid fails on it, but not on a comment line there, which reaches us blank too."""
    result = parse("mindmap\n\n  root\n")
    assert result.error is None
    maybe = result.extra["error_if_empty_lines_are_blank"]
    assert (maybe.line, maybe.column) == (2, 0)
    assert "blank line right after 'mindmap'" in maybe.message


# --- sequence ---------------------------------------------------------------------------------


def test_sequence_model() -> None:
    model = ok(
        """\
sequenceDiagram
    autonumber
    actor U as User
    participant API@{ "type": "boundary" } as Public API
    box Aqua Backend
        participant DB
    end
    U->>+API: Login
    loop Every minute
        API-)DB: Query
    end
    alt success
        DB-->>API: Rows
    else failure
        DB--xAPI: Error
    end
    Note over API,DB: Pooled connection
    API-->>-U: Token
    create participant C
    API->>C: Hello
"""
    )
    assert isinstance(model, SequenceDiagram)
    assert model.autonumber
    u, api, db = (model.participants[name] for name in ("U", "API", "DB"))
    assert (u.kind, u.alias, u.declared) == ("actor", "User", True)
    assert (api.kind, api.alias) == ("boundary", "Public API")
    assert (db.box, db.box_line) == ("Aqua Backend", 4)
    assert model.participants["C"].created_line == 18
    assert [(m.source, m.target, m.arrow, m.text, m.activation) for m in model.messages] == [
        ("U", "API", "->>", "Login", "+"),
        ("API", "DB", "-)", "Query", None),
        ("DB", "API", "-->>", "Rows", None),
        ("DB", "API", "--x", "Error", None),
        ("API", "U", "-->>", "Token", "-"),
        ("API", "C", "->>", "Hello", None),
    ]
    assert [(b.kind, b.label, b.line, b.end_line) for b in model.blocks] == [
        ("box", "Aqua Backend", 4, 6),
        ("loop", "Every minute", 8, 10),
        ("alt", "success", 11, 15),
    ]
    assert [(b.keyword, b.label, b.line) for b in model.blocks[2].branches] == [("else", "failure", 13)]
    assert [(n.placement, n.actors, n.text, n.line) for n in model.notes] == [
        ("over", ["API", "DB"], "Pooled connection", 16)
    ]
    assert [(a.actor, a.active) for a in model.activations] == [("API", True), ("API", False)]


def test_sequence_keyword_as_participant() -> None:
    """From the dev corpus: Mermaid reads 'Loop' as the loop keyword."""
    err = error("sequenceDiagram\n    participant I as Iterator\n    I-->>Loop: Element?\n")
    assert (err.line, err.column) == (2, 9)
    assert err.message == "'Loop' is a keyword, not a participant name"
    assert err.hint == "Declare it with another id and an alias: participant P as Loop"


def test_sequence_blanks_after_autonumber() -> None:
    err = error("sequenceDiagram\n    autonumber \n    Alice->>Bob: Hi\n")
    assert err.line in (1, 2)
    assert err.hint is not None and "trailing spaces" in err.hint
    # At the very end Mermaid's end-of-input line break saves it.
    ok("sequenceDiagram\n    Alice->>Bob: Hi\n    autonumber \n")


def test_sequence_unknown_keyword() -> None:
    err = error("sequenceDiagram\n    lop every minute\n        Alice->>Bob: ping\n    end\n")
    assert (err.line, err.column) == (1, 4)
    assert err.hint == "Did you mean 'loop'?"
    assert "unknown statement 'lop'" in err.message


def test_sequence_message_without_text() -> None:
    err = error("sequenceDiagram\n    Alice->>Bob\n")
    assert err.line == 1
    assert err.expected == ("':' and the message text",)


def test_sequence_unclosed_block() -> None:
    err = error("sequenceDiagram\n    loop Every minute\n        Alice->>Bob: ping\n")
    assert err.message == "a block is not closed: 'end' is missing"
    assert (err.line, err.column) == (2, 25)


def test_sequence_replay_errors() -> None:
    err = error("sequenceDiagram\n    Alice->>Bob: Hi\n    deactivate Bob\n")
    assert (err.line, err.column) == (2, 15)
    assert "not active" in err.message
    err = error(
        "sequenceDiagram\n    box Aqua Team\n        participant A\n    end\n"
        "    box Blue Team\n        participant A\n    end\n"
    )
    assert (err.line, err.column) == (5, 20)
    assert "already in the box of line 2" in err.message


# --- gantt ------------------------------------------------------------------------------------


def test_gantt_guides_double_slash_is_data_not_a_comment() -> None:
    """The guides' `:a1, 2024-01, 1M  // text`: Mermaid accepts it and draws the task with no
    width, so it is no syntax error; the model says the duration is invalid and where `//` is."""
    path = GUIDES / "future-of-ai-built-with-llama.md"
    note = load_note(str(path), read_source(path), False)
    diagram = next(d for d in note.diagrams if d.diagram_type == "gantt")
    result = diagram.parsed_body
    assert result.error is None
    gantt = result.model
    assert isinstance(gantt, Gantt)
    assert gantt.date_format == "YYYY-MM"
    a1 = gantt.task_ids["a1"]
    assert (a1.name, a1.start, a1.end, a1.duration) == ("Llama 3 Introduced", "2024-01", "1M  // Approximate Start of Year", "1M  // Approximate Start of Year")
    assert a1.duration_valid is False
    assert a1.comment == "Approximate Start of Year"
    assert a1.comment_column is not None
    assert diagram.block.lines[a1.line][a1.comment_column : a1.comment_column + 2] == "//"
    milestone = next(t for t in gantt.tasks if t.name.startswith("Frontier"))
    assert (milestone.tags, milestone.after, milestone.duration, milestone.duration_valid) == (["milestone"], ["a2"], "1d", True)
    assert [s.name for s in gantt.sections] == ["Model Releases", "Key Features & Milestones"]


def test_gantt_model() -> None:
    model = ok(
        """\
gantt
    title A Gantt Diagram
    dateFormat YYYY-MM-DD
    excludes weekends
    section Section
    A task          :a1, 2014-01-01, 30d
    Another task    :after a1, 20d
    section Another
    Task in Another :crit, active, 2014-01-12, 12d
    Final           :2014-01-20, until a1
    %% a comment line
"""
    )
    assert (model.title, model.date_format, model.excludes) == ("A Gantt Diagram", "YYYY-MM-DD", ["weekends"])
    first, second, third, fourth = model.tasks
    assert (first.id, first.start, first.duration, first.duration_valid) == ("a1", "2014-01-01", "30d", True)
    assert (second.id, second.after, second.duration) == (None, ["a1"], "20d")
    assert third.tags == ["crit", "active"]
    assert (fourth.until, fourth.duration) == (["a1"], None)
    assert [len(s.tasks) for s in model.sections] == [2, 2]


def test_gantt_errors() -> None:
    err = error("gantt\n    dateFormt YYYY-MM-DD\n    Task :a1, 2024-01-01, 3d\n")
    assert (err.line, err.column) == (1, 24)
    assert err.hint == "Did you mean 'dateFormat'?"
    err = error("gantt\n    dateFormat YYYY-MM-DD\n    Task :done\n")
    assert (err.line, err.column) == (2, 9)
    assert "only tags" in err.message


def test_gantt_keyword_alone_before_a_blank_line() -> None:
    # A blank line after `axisFormat` fails; a comment line there (blank for us) does not.
    result = parse("gantt\n    dateFormat YYYY-MM-DD\n    axisFormat\n\n    Task :a1, 2024-01-01, 3d\n")
    assert result.error is None
    assert result.extra["error_if_empty_lines_are_blank"].line == 2


# --- pie --------------------------------------------------------------------------------------


def test_pie_model() -> None:
    model = ok('pie showData title Key elements\n    "Calcium" : 42.96\n    \'Potassium\' : 50.05\n    "Iron" : 5\n')
    assert isinstance(model, Pie)
    assert (model.title, model.show_data) == ("Key elements", True)
    assert [(s.label, s.value, s.line) for s in model.slices] == [("Calcium", 42.96, 1), ("Potassium", 50.05, 2), ("Iron", 5.0, 3)]


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ('pie title Pets\n    "Dogs" : -5\n', (1, 13), "negative"),
        ("pie\n    Dogs : 386\n", (1, 4), "quoted"),
        ('pie\n    "Dogs" : 42%\n', (1, 15), "line break"),
        ('pie\n    "Dogs" : 1.\n', (1, 13), "plain number"),
    ],
)
def test_pie_errors(text: str, position: tuple[int, int], fragment: str) -> None:
    err = error(text)
    assert (err.line, err.column) == position
    assert fragment in err.message


# --- ER ---------------------------------------------------------------------------------------


def test_er_model() -> None:
    model = ok(
        """\
erDiagram
    CUSTOMER ||--o{ ORDER : places
    ORDER ||--|{ LINE-ITEM : contains
    CUSTOMER }|..|{ DELIVERY-ADDRESS : "ships to"
    CUSTOMER {
        string name PK "full name"
        string? email UK
        int customerId PK, FK
    }
    p[Person]:::highlight
    classDef highlight fill:#f9f,stroke:#333
"""
    )
    assert isinstance(model, ErDiagram)
    customer = model.entities["CUSTOMER"]
    assert [(a.type, a.name, a.keys, a.comment, a.line) for a in customer.attributes] == [
        ("string", "name", ["PK"], "full name", 5),
        ("string?", "email", ["UK"], None, 6),
        ("int", "customerId", ["PK", "FK"], None, 7),
    ]
    assert (model.entities["p"].alias, model.entities["p"].classes) == ("Person", ["highlight"])
    first, _, third = model.relationships
    assert (first.left, first.right, first.left_kind, first.right_kind, first.identifying, first.label) == (
        "CUSTOMER", "ORDER", "ONLY_ONE", "ZERO_OR_MORE", True, "places"
    )
    assert (third.left_kind, third.identifying, third.label) == ("ONE_OR_MORE", False, "ships to")


def test_er_errors() -> None:
    err = error("erDiagram\n    CUSTOMER ||--o{ ORDER : places many\n")
    assert (err.line, err.column) == (1, 35)
    assert err.hint == 'Write: A ||--o{ B : "label with spaces"'
    err = error("erDiagram\n    CUSTOMER ||--o{ one : places\n")
    assert (err.line, err.column) == (1, 20)
    err = error("erDiagram\n    CUSTOMER ||--o{ ORDER : places\n    style CUSTOMER opacity:0.5\n")
    assert (err.line, err.column) == (2, 28)
    assert "'.' is not allowed" in err.message


# --- timeline ---------------------------------------------------------------------------------


def test_timeline_model() -> None:
    model = ok(
        """\
timeline
    title History of Social Media Platform
    section Early days
        2002 : LinkedIn
        2004 : Facebook : Google
    section Growth
        2005 : YouTube
             : Reddit
"""
    )
    assert isinstance(model, Timeline)
    assert model.title == "History of Social Media Platform"
    assert [s.name for s in model.sections] == ["Early days", "Growth"]
    assert [(p.text, [e.text for e in p.events], p.section) for p in model.periods] == [
        ("2002", ["LinkedIn"], "Early days"),
        ("2004", ["Facebook", "Google"], "Early days"),
        ("2005", ["YouTube", "Reddit"], "Growth"),
    ]


def test_timeline_errors() -> None:
    err = error("timeline\n    title History\n    2002 :LinkedIn\n")
    assert (err.line, err.column) == (2, 9)
    assert err.hint is not None and "a blank after the colon" in err.hint
    err = error("timeline\n    : LinkedIn\n    2002\n")
    assert (err.line, err.column) == (1, 4)


# --- the dev corpus ---------------------------------------------------------------------------


def _docs_diagrams() -> list[tuple[str, str, str]]:
    if not MERMAID_DOCS.is_dir():
        pytest.skip(f"dev corpus not present at {MERMAID_DOCS}")
    found = []
    for path in sorted(MERMAID_DOCS.rglob("*.md")):
        note = load_note(str(path), read_source(path), False)
        for diagram in note.diagrams:
            if diagram.diagram_type in TYPES:
                found.append((f"{path.name}:{diagram.block.fence_line + 1}", diagram.diagram_type, diagram.masked_text()))
    return found


def test_mermaid_docs_examples_parse() -> None:
    """Mermaid's own docs: real Mermaid 12.3 accepts every one of these examples. (Their speed
    is measured by benchmarks/run.py, never asserted here.)"""
    diagrams = _docs_diagrams()
    assert len(diagrams) > 50
    for where, kind, text in diagrams:
        result = parse_body(kind, text)
        assert result is not None and result.error is None, (where, result.error if result else None)


def test_no_crash_on_truncated_diagrams() -> None:
    """Every prefix of a real diagram gives a model or an error at a position inside the text."""
    for text in (
        "mindmap\n  root((x))\n    a[b]\n    ::icon(fa)\n",
        'sequenceDiagram\n    participant A as B\n    A->>+B: "hi"\n    loop x\n    B-->>-A: ok\n    end\n',
        "gantt\n    dateFormat YYYY-MM-DD\n    section S\n    t :a, 2024-01-01, 3d\n",
        'pie showData\n    title T\n    "a" : 1\n',
        'erDiagram\n    A ||--o{ B : "x"\n    A {\n        int id PK\n    }\n',
        "timeline\n    title T\n    2002 : a : b\n",
    ):
        header = text.index("\n")
        for end in range(header, len(text)):
            result = parse(text[:end])
            if result.error is not None:
                assert 0 <= result.error.line <= text[:end].count("\n")
                assert result.error.column >= 0
                assert re.match(r"\S", result.error.message)


def test_blank_line_after_mindmap_header_is_reported_but_a_comment_is_not():
    from mermaid_lint import check_text

    blank = "```mermaid\nmindmap\n\n  root((x))\n    a\n```\n"
    comment = "```mermaid\nmindmap\n%% a comment\n  root((x))\n    a\n```\n"
    assert [(f.line, f.code) for f in check_text(blank, "n.md") if f.code == "ML003"] == [(4, "ML003")]
    assert not [f for f in check_text(comment, "n.md") if f.code == "ML003"]


def test_gantt_url_is_not_a_slash_comment():
    from mermaid_lint import check_text

    text = "```mermaid\ngantt\n    dateFormat YYYY\n    a : t1, 1923, 1s https://example.com/x\n```\n"
    assert not [f for f in check_text(text, "n.md") if f.code == "ML501"]


def test_a_body_met_again_is_not_parsed_again_while_it_is_among_the_latest():
    text = "flowchart TD\n    A --> B\n"
    first = parse_body("flowchart", text)
    assert parse_body("flowchart", text) is first
    for n in range(bodies.PARSED_KEPT):
        parse_body("pie", f'pie\n    "{n}" : 1\n')
    again = parse_body("flowchart", text)
    assert again is not first and again == first
    assert len(bodies._PARSED) == bodies.PARSED_KEPT
