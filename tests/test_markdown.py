"""Finding blocks: CommonMark fences, containers, comments, .mmd files, offsets."""

from __future__ import annotations

from mermaid_lint import check_text, fix_text
from mermaid_lint.markdown import parse_mermaid_file, parse_note
from mermaid_lint.parsing import parse_block


def blocks(text: str):
    return parse_note("n.md", text, False, "\n").blocks


def test_fences_of_any_length_and_tildes():
    text = "````mermaid\ngraph TD\n```\nA\n````\n\n~~~ mermaid\npie\n~~~\n\n```python\nx\n```\n"
    found = blocks(text)
    assert [b.lines for b in found] == [["graph TD", "```", "A"], ["pie"]]
    assert [b.fence_line for b in found] == [0, 6]


def test_fences_in_lists_and_block_quotes_map_to_file_offsets():
    text = "- item\n\n  ```mermaid\n  graph TD\n    A-->B\n  ```\n\n> ```mermaid\n> pie\n> ```\n"
    first, second = blocks(text)
    assert first.lines == ["graph TD", "  A-->B"]
    assert text[first.offset((1, 2)):].startswith("A-->B")
    assert second.lines == ["pie"] and second.prefix == "> "
    assert text[second.offset((0, 0)):].startswith("pie")


def test_fences_in_html_comments_and_code_blocks_are_not_diagrams():
    text = "<!--\n```mermaid\ngraph TD\n```\n-->\n\n~~~markdown\n```mermaid\npie\n```\n~~~\n\n    ```mermaid\n    pie\n    ```\n"
    assert blocks(text) == []


def test_note_front_matter_is_not_read_as_headings():
    text = "---\ntitle: x\nauthor: y\n---\n\n# Real\n\n## Section\n"
    note = parse_note("n.md", text, False, "\n")
    assert [(h.level, h.text, h.line) for h in note.headings] == [(1, "Real", 5), (2, "Section", 7)]
    assert note.front_matter == {"title": "x", "author": "y"}


def test_mmd_file_is_one_block():
    note = parse_mermaid_file("d.mmd", "graph TD\n  A --> B\n", False, "\n")
    assert [b.lines for b in note.blocks] == [["graph TD", "  A --> B"]]
    findings = check_text("graph TD\n  A[a<b/r>b] --> B\n", "d.mmd")
    assert [(f.line, f.column, f.code) for f in findings] == [(2, 6, "ML401")]


def test_fix_keeps_crlf_bom_and_bytes_outside_the_edit():
    text = "\ufeff# T\r\n\r\nSome <b/r> text.\r\n\r\n```mermaid\r\ngraph TD\r\n  A[a<b/r>b] --> B\r\n```\r\n"
    fixed, remaining = fix_text(text, "n.md")
    assert fixed == text.replace("a<b/r>b", "a<br/>b")
    assert not remaining


def test_fix_inside_a_block_quote_keeps_the_prefix():
    text = "> ```mermaid\n> gantt\n>     t :a1, 2024-01, 1M // why\n> ```\n"
    fixed, _ = fix_text(text, "n.md")
    assert fixed == "> ```mermaid\n> gantt\n>     %% why\n>     t :a1, 2024-01, 1M\n> ```\n"


def test_front_matter_with_blank_lines_and_comments_is_one_block():
    text = "```mermaid\n---\ntitle: x\n\n# a YAML comment\nconfig:\n  theme: dark\n---\ngantt\n  title T\n```\n"
    assert [f.code for f in check_text(text, "n.md") if f.code.startswith("ML00")] == []
    diagram = parse_block(blocks(text)[0])
    assert diagram.front_matter.config == {"theme": "dark"}
    assert diagram.header.text == "gantt"



def test_block_lines_keep_their_kind_and_number():
    block_lines = [
        "---", "---", "title: x", "---",  # `---` straight after the opening is YAML
        "%%{init: {'theme': 'base',", "  'look': 'neo'}}%%", "", "  ",
        "flowchart LR", "  A --> B", "%%", "  %% a comment", "%%{unclosed", "", "  C", "---",
    ]
    text = "```mermaid\n" + "\n".join(block_lines) + "\n```\n"
    diagram = parse_block(blocks(text)[0])
    assert (diagram.front_matter.text, diagram.front_matter.close_line) == ("---\ntitle: x\n", 3)
    assert [d.start[0] for d in diagram.directives] == [4, 12]
    assert [(c.number, c.text) for c in diagram.comments] == [(11, "  %% a comment")]
    assert (diagram.header.number, diagram.header.text) == (8, "flowchart LR")
    assert [(b.number, b.text) for b in diagram.body] == [(9, "  A --> B"), (10, "%%"), (14, "  C"), (15, "---")]


def test_unclosed_front_matter_takes_every_line():
    diagram = parse_block(blocks("```mermaid\n---\ntitle: x\nflowchart LR\n  A\n```\n")[0])
    assert diagram.front_matter.close_line is None
    assert diagram.front_matter.text == "title: x\nflowchart LR\n  A\n"
    assert diagram.header is None


def test_a_section_holds_the_blocks_up_to_the_next_heading_of_its_level_or_higher():
    block = "```mermaid\ngraph TD\n  A --> B\n```\n"
    text = f"{block}# One\n{block}## One.a\n{block}{block}### deep\n## One.b\n# Two\n{block}"
    note = parse_note("n.md", text, False, "\n")
    assert [(s.heading.text, s.blocks) for s in note.sections()] == [
        ("One", [1, 2, 3]), ("One.a", [2, 3]), ("deep", []), ("One.b", []), ("Two", [4])]
