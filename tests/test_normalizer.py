"""The normalizer: one canonical form, reached in one run, that changes nothing it should not.

- the safety net refuses a fix that changes more than its rule declares, naming the rule;
- normalizing twice gives the same bytes (fixtures, guides, generated notes);
- line endings, BOM, the final newline and everything outside Mermaid blocks are kept;
- on the guides, every diagram ends with one configuration source (front-matter) that Mermaid
  applies exactly as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mermaid_lint import check_text, fix_text
from mermaid_lint.api import fix_paths
from mermaid_lint.config import Settings
from mermaid_lint.engine import load_note
from mermaid_lint.files import is_mermaid_file, read_source, source_from_text
from mermaid_lint import fixing
from mermaid_lint.fixing import apply_fixes, fix_step, fix_to_fixed_point
from mermaid_lint.markdown import parse_note
from mermaid_lint.meaning import note_meaning
from mermaid_lint.mermaid.effective import applied_config
from mermaid_lint.model import Edit, Finding, Fix, Meaning, Severity
from mermaid_lint.rules import all_rules

from conftest import FIXTURES

# Every rule, except those whose fix may edit the Markdown around the blocks (and says so).
IN_BLOCKS = Settings(select=("ALL",), ignore=tuple(
    rule.code for rule in all_rules() if Meaning.DOCUMENT in rule.fix_changes))


def notes_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.md") if p.is_file())


# --- the safety net -------------------------------------------------------------------------

NOTE = "# Note\n\n```mermaid\nflowchart TD\n    A[old label] --> B\n```\n\nText after.\n"


def _fix_with(edit: Edit, changes: frozenset[Meaning], note: str = NOTE):
    fix = Fix((edit,), True, "test", changes, "ML999")
    finding = Finding("n.md", "ML999", "test-rule", Severity.WARNING, "m", 1, 1, 1, 1, fix)
    rounds = iter([{"n.md": [finding]}])

    def check(texts):
        list(texts)
        return next(rounds, {"n.md": []}).items()

    def describe(path, text):
        return note_meaning(load_note(path, source_from_text(text), False))

    def fix_each(tasks):
        return ((path, fix_step(path, text, fixes, describe)) for path, text, fixes in tasks)

    return dict(fix_to_fixed_point({"n.md": note}.items(), check, False, fix_each))["n.md"]


def test_a_fix_that_changes_a_label_without_saying_so_is_refused_and_named():
    start = NOTE.index("old")
    outcome = _fix_with(Edit(start, start + 3, "new"), frozenset())
    assert outcome.text == NOTE and outcome.refused
    assert "ML999" in outcome.refused and "body statements" in outcome.refused


def test_a_fix_that_declares_the_change_is_applied():
    start = NOTE.index("old")
    outcome = _fix_with(Edit(start, start + 3, "new"), frozenset({Meaning.BODY}))
    assert outcome.refused is None and "A[new label]" in outcome.text


def test_whitespace_only_changes_need_no_declaration():
    start = NOTE.index("    A[")
    outcome = _fix_with(Edit(start, start + 4, "  "), frozenset())
    assert outcome.refused is None and "\n  A[old label]" in outcome.text


def test_text_outside_the_blocks_changes_only_through_a_document_fix():
    start = NOTE.index("Text after")
    refused = _fix_with(Edit(start, start + 4, "Prose"), frozenset({Meaning.BODY}))
    assert refused.refused and "outside the Mermaid blocks" in refused.refused
    assert _fix_with(Edit(start, start + 4, "Prose"), frozenset({Meaning.DOCUMENT})).refused is None


def test_a_config_change_is_caught():
    note = NOTE.replace("flowchart TD", "%%{init: {'theme': 'dark'}}%%\nflowchart TD")
    start = note.index("dark")
    outcome = _fix_with(Edit(start, start + 4, "base"), frozenset({Meaning.BODY}), note)
    assert outcome.refused and "configuration" in outcome.refused


# --- applying a round's fixes ---------------------------------------------------------------


def _fix(*edits: Edit) -> Fix:
    return Fix(edits, True, "test", frozenset(), "ML999")


def test_a_fix_overlapping_an_earlier_one_waits_for_the_next_round():
    first, overlapping, adjacent = _fix(Edit(2, 5, "ab")), _fix(Edit(4, 6, "x")), _fix(Edit(5, 7, "y"))
    assert apply_fixes("0123456789", [adjacent, overlapping, first]) == ("01aby789", [first, adjacent])
    inserts, same_point = _fix(Edit(3, 3, "a")), _fix(Edit(3, 3, "b"))
    assert apply_fixes("0123", [inserts, same_point]) == ("012a3", [inserts])
    # An insertion where a replacement begins or ends was placed by text that is replaced.
    replaced, after_it, before_it = _fix(Edit(2, 5, "R")), _fix(Edit(5, 5, "+")), _fix(Edit(2, 2, "-"))
    assert apply_fixes("0123456", [replaced, after_it, before_it]) == ("01R56", [replaced])


def test_an_empty_value_filled_in_while_its_mapping_is_rewritten_waits_for_the_next_round():
    # theme-variables-ignored writes `base` after `theme:`; front-matter-style rewrites the
    # lines up to there: applied together, `base` followed the last rewritten value.
    note = ("```mermaid\n---\nconfig:\n  layout: elk\n  theme:\n---\n"
            "%%{init: {'themeVariables': {'primaryColor': '#BEF'}}}%%\nflowchart TD\n    A --> B\n```\n")
    fixed, remaining = fix_text(note, "n.md", unsafe=True)
    assert "config:\n  theme: base\n  layout: elk\n" in fixed
    assert [f.code for f in remaining] == []


def test_a_byte_order_mark_in_front_matter_is_left_alone():
    # PyYAML drops it without counting it, so the sources of the keys after it would shift.
    note = "```mermaid\n---\n\ufefftitle: Flow\nconfig:\n    theme: dark\n---\nflowchart TD\n    A --> B\n```\n"
    assert fix_text(note, "n.md")[0] == note


def test_a_fixs_own_edits_may_meet_but_not_overlap():
    own = _fix(Edit(2, 4, "X"), Edit(2, 2, "<"))  # an insertion right before its replacement
    shared, also_shared = _fix(Edit(5, 6, "F")), _fix(Edit(5, 6, "F"), Edit(0, 0, "^"))  # one edit
    assert apply_fixes("abcdef", [shared, own, also_shared]) == ("^ab<XeF", [also_shared, own, shared])
    assert apply_fixes("abcdef", [_fix(Edit(1, 3, "x"), Edit(2, 4, "y"))]) == ("abcdef", [])


def test_thousands_of_fixes_are_not_compared_pairwise(monkeypatch):
    compared = []
    overlaps = fixing._overlaps
    monkeypatch.setattr(fixing, "_overlaps", lambda a, b: compared.append(1) or overlaps(a, b))
    fixes = [_fix(Edit(i * 3, i * 3 + 2, "xy")) for i in range(3000)]
    text, accepted = apply_fixes("abc" * 3000, reversed(fixes))
    assert text == "xyc" * 3000 and accepted == fixes and len(compared) <= 2 * len(fixes)


# --- idempotence and what is kept -----------------------------------------------------------


def outside_blocks(text: str) -> list[str]:
    """The note's text between its Mermaid blocks (fences included in the blocks)."""
    text = text.removeprefix("\ufeff")  # read as the tool reads it
    note = parse_note("n.md", text, False, "\n")
    pieces, position = [], 0
    for block in note.blocks:
        pieces.append(text[position : block.start])
        position = block.end
    return pieces + [text[position:]]


def assert_normal_form(text: str, label: str) -> str:
    once, _ = fix_text(text, label, IN_BLOCKS)
    twice, _ = fix_text(once, label, IN_BLOCKS)
    assert twice == once, f"{label}: a second run changed the text"
    assert outside_blocks(once) == outside_blocks(text), f"{label}: text outside the blocks changed"
    assert once.startswith("\ufeff") == text.startswith("\ufeff")
    assert once.endswith("\n") == text.endswith("\n")
    assert once.count("\r\n") == 0 or text.count("\r\n") > 0
    return once


@pytest.mark.parametrize("path", notes_in(FIXTURES), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixtures_and_guides_normalize_in_one_run(path: Path):
    text = path.read_text(encoding="utf-8")
    try:
        assert_normal_form(text, path.name)
    except RuntimeError as refused:  # only the unsafe-by-construction fixtures may be refused
        assert "left unchanged" in str(refused) and "internal error" not in str(refused)


FRONT = st.sampled_from([
    "", "---\ntitle: \"T\"\nconfig:\n    theme: dark\n---\n", "---\nconfig:\n  look: handDrawn\n  theme: 'base'\n---\n",
    "---\nauthor: Me\n---\n", "---\nconfig:\n  theme: dark # why\n---\n",
])
DIRECTIVE = st.sampled_from([
    "", "%%{init: {'theme': 'forest'}}%%\n", "%%{\n  init: {\n    'fontFamily': 'Monospace',\n"
    "    'themeVariables': {'primaryColor': '#BEF', 'stroke-width': '1px'}\n  }\n}%%\n",
    "%%{init: {'graph': {'curve': 'linear'}}}%%\n", "%%{init: {'theme': 'it's'}}%%\n", "%% comment\n",
])
BODY_LINE = st.sampled_from([
    "A --> B", "subgraph S", "end", "C[\"two   ", "lines\"] --> D", "%% note", "", "\t", "E -- x --> F",
])
INDENT = st.sampled_from(["", " ", "  ", "    ", "\t", "      "])
TRAIL = st.sampled_from(["", " ", "  \t"])


@st.composite
def diagram_blocks(draw) -> str:
    header = draw(st.sampled_from(["flowchart TD", "graph LR", "mindmap", "sequenceDiagram"]))
    if header == "mindmap":
        body = [draw(INDENT) + "  " * depth + "N" + str(i) for i, depth in enumerate(draw(
            st.lists(st.integers(0, 3), min_size=1, max_size=6)))]
        body[0] = "  root"
    elif header == "sequenceDiagram":
        body = [draw(INDENT) + line for line in draw(st.lists(st.sampled_from(
            ["A->>B: hi", "loop L", "end", "alt x", "else y", "Note over A: n"]), max_size=6))]
    else:
        body = [draw(INDENT) + line for line in draw(st.lists(BODY_LINE, max_size=8))]
    lines = [header, *body, *([""] * draw(st.integers(0, 2)))]
    fence = draw(st.sampled_from(["```", "~~~"]))
    text = draw(FRONT) + draw(DIRECTIVE) + "\n".join(line + draw(TRAIL) for line in lines) + "\n"
    return f"{fence}mermaid\n{text}{fence}\n"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(diagram_blocks(), st.sampled_from(["# H\n", "Text  \n", "\n", "- item\n"])), max_size=5),
    st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans(),
)
def test_generated_notes_normalize_in_one_run_and_keep_their_bytes_outside_blocks(pieces, newline, bom, final):
    text = "".join(pieces)
    text = text if final else text.rstrip("\n")
    text = ("\ufeff" if bom else "") + text.replace("\n", newline)
    try:
        assert_normal_form(text, "gen.md")
    except RuntimeError as refused:
        assert "internal error" not in str(refused), refused


# --- the guides: one configuration source, the same configuration ---------------------------


def applied_configs(folder: Path) -> dict[str, list[dict]]:
    result = {}
    for path in notes_in(folder):
        note = load_note(str(path), read_source(path), is_mermaid_file(path))
        result[path.name] = [applied_config(d) for d in note.diagrams]
    return result


def test_guides_end_with_one_config_source_and_the_same_configuration(guides_copy: Path):
    # unknown-config-key renames `graph` to `flowchart` on purpose (the settings then apply);
    # from there on, normalizing must not change what Mermaid applies.
    fix_paths([str(guides_copy)], Settings(select=("ML101",)))
    before = applied_configs(guides_copy)
    report = fix_paths([str(guides_copy)])
    assert not report.problems
    assert applied_configs(guides_copy) == before
    for path in notes_in(guides_copy):
        note = load_note(str(path), read_source(path), is_mermaid_file(path))
        for diagram in note.diagrams:
            assert not [d for d in diagram.directives if d.is_init], f"{path.name}:{diagram.block.fence_line + 1}"
    assert not fix_paths([str(guides_copy)]).changes
    assert not check_text((guides_copy / "llama-vault-note.md").read_text(), "v.md", Settings(select=("ML8",)))


def test_fixes_that_trade_an_error_for_another_are_left_out_and_the_others_applied(tmp_path: Path):
    # Quoting the label lets the body parse, and then `class Z` names a node that is not
    # there: the syntax fix is left out, the line break is still fixed, and a notice says so.
    note = tmp_path / "n.md"
    note.write_text("```mermaid\nflowchart TD\n    A[one (two)] --> B[x<br>y]\n    class Z important\n```\n")
    report = fix_paths([str(note)])
    assert note.read_text() == "```mermaid\nflowchart TD\n    A[one (two)] --> B[x<br/>y]\n    class Z important\n```\n"
    assert [(p.message) for p in report.notices] == [
        "the fixes of ML003 were not applied: they would bring ML504; the other fixes were"]
    assert not report.problems and [f.code for f in report.findings] == ["ML003"]
    again = fix_paths([str(note)])
    assert not again.changes and len(again.notices) == 1


def test_the_base_theme_is_not_set_for_a_mermaid_release_without_it():
    # theme-variables-ignored switches to `base`, which Mermaid 8.4 does not have yet: it would
    # trade a warning for invalid-config-value, and the fixer would refuse the whole note.
    note = ("```mermaid\n---\nconfig:\n  theme: dark\n  themeVariables:\n    primaryColor: \"#BEF\"\n---\n"
            "%% Mermaid version v8.4.0\ngraph TD\n    A --> B\n```\n")
    fixed, remaining = fix_text(note, "n.md", unsafe=True)
    assert fixed == note and [(f.code, f.fixable) for f in remaining] == [("ML301", False)]
