"""libyaml reads front-matter fast; what it reads must be exactly what pure PyYAML reads."""

from __future__ import annotations

import os
import random

import pytest
import yaml

from mermaid_lint import kept, yaml_loader
from mermaid_lint.yaml_loader import JsonSchemaLoader, load_with_nodes

from conftest import require_corpus

DOCUMENTS = [
    "title: Flow\nconfig:\n  theme: dark\n  themeVariables:\n    primaryColor: '#fff'\n",
    "é: ü\nbé: {ç: 😀, d: x}\n",
    "created: 2025-13-01\nflag: yes\non: x\nreal: true\nn: 1.5e3\nempty:\nlist: [a, b, {c: d}]\n",
    "multi: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
    "anchors: &a {x: 1}\nref: *a\n",
]
INVALID = [
    "a: 1\n  b: 2\n",
    "x: [1,2\n",
    "k: v\n\tz: 1\n",
    "- a\nb: c\n",
    "a: \x07\n",
]


def _pure(text: str):
    return yaml_loader._compose_and_construct(JsonSchemaLoader, text)


def _marks(node) -> list:
    """Every node's tag, value and start/end (line, column, index), depth first."""
    if node is None:
        return []
    out = [(node.tag, node.start_mark.line, node.start_mark.column, node.start_mark.index,
            node.end_mark.line, node.end_mark.column, node.end_mark.index)]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out += _marks(key) + _marks(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            out += _marks(item)
    else:
        out.append(node.value)
    return out


def _same_as_pure(text: str) -> None:
    node, data = load_with_nodes(text)
    pure_node, pure_data = _pure(text)
    assert data == pure_data
    assert _marks(node) == _marks(pure_node)


@pytest.mark.parametrize("text", DOCUMENTS)
def test_valid_documents_read_as_pure_pyyaml_reads_them(text):
    _same_as_pure(text)


@pytest.mark.parametrize("text", INVALID)
def test_errors_carry_pure_pyyaml_messages(text):
    with pytest.raises(yaml.YAMLError) as fast:
        load_with_nodes(text)
    with pytest.raises(yaml.YAMLError) as pure:
        _pure(text)
    assert str(fast.value) == str(pure.value)


def test_without_libyaml_the_pure_reader_is_used(monkeypatch):
    monkeypatch.setattr(yaml_loader, "FastJsonSchemaLoader", None)
    for text in DOCUMENTS:
        _same_as_pure(text)


def test_corpus_front_matter_reads_the_same():
    from mermaid_lint.engine import load_note
    from mermaid_lint.files import read_source

    corpus = require_corpus()
    checked = 0
    for path in sorted(corpus.rglob("*.md")):
        note = load_note(str(path), read_source(path), False)
        for diagram in note.diagrams:
            if diagram.front_matter and diagram.front_matter.problem is None:
                _same_as_pure(diagram.front_matter.text)
                checked += 1
    assert checked > 100


@pytest.fixture
def temp_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(kept.tempfile, "gettempdir", lambda: str(tmp_path))
    return tmp_path


def test_data_files_are_kept_as_json_and_read_back(temp_folder, monkeypatch):
    text = "keys:\n  theme: {enum: [default, dark]}\n  fontSize: {type: number}\n"
    first = yaml_loader.load_data_file(text, yaml.SafeLoader)
    assert first == yaml.safe_load(text)
    assert len(list(temp_folder.glob(".mermaid-lint-data-*.json"))) == 1

    def no_yaml(*args, **kwargs):
        raise AssertionError("the YAML was read again")

    monkeypatch.setattr(yaml_loader.yaml, "load", no_yaml)
    assert yaml_loader.load_data_file(text, yaml.SafeLoader) == first


def test_a_damaged_kept_copy_is_read_from_yaml_again(temp_folder):
    text = "a: [1, 2]\n"
    yaml_loader.load_data_file(text, yaml.SafeLoader)
    (kept,) = temp_folder.glob(".mermaid-lint-data-*.json")
    kept.write_text("{not json")
    assert yaml_loader.load_data_file(text, yaml.SafeLoader) == {"a": [1, 2]}


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="users are told apart by their uid")
def test_each_user_keeps_data_in_a_file_of_their_own(temp_folder, monkeypatch):
    # In a shared temp folder one user cannot replace another's file: each needs their own.
    mine, uid = kept._kept_file("some key"), os.getuid()
    monkeypatch.setattr(kept.os, "getuid", lambda: uid + 1)
    assert kept._kept_file("some key") != mine
    assert kept._kept_file("some key").parent == mine.parent == temp_folder


def test_data_json_cannot_hold_is_not_kept(temp_folder):
    text = "1: one\nday: 2024-01-02\n"
    assert yaml_loader.load_data_file(text, yaml.SafeLoader) == yaml.safe_load(text)
    assert list(temp_folder.glob(".mermaid-lint-data-*.json")) == []


def test_plain_scalars_are_judged_as_pure_pyyaml_judges_them(monkeypatch):
    # The normalizer writes a string unquoted only when YAML reads it back unchanged; libyaml
    # decides that faster and must decide it the same way, whatever characters a value mixes.
    from mermaid_lint import yaml_layout

    pieces = list("ab01 .:-#'\"@`!%&*?|>{}[],~=+_/\\\t") + [
        "yes", "no", "null", "2024-01-01", "1e3", "0x1F", ".inf", "~", "<<", "é", "\u00a0", "\u2028", "\x85", "😀"]
    rng = random.Random(5)
    values = {"".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) for _ in range(20_000)}
    quick = {value: yaml_layout.plain_ok.__wrapped__(value) for value in values}
    monkeypatch.setattr(yaml_loader, "QuickSafeLoader", yaml.SafeLoader)  # plain_ok imports them when called
    monkeypatch.setattr(yaml_loader, "QuickJsonSchemaLoader", JsonSchemaLoader)
    assert {value: yaml_layout.plain_ok.__wrapped__(value) for value in values} == quick
    assert sum(quick.values()) > 1_000  # and plenty of them may stay unquoted
