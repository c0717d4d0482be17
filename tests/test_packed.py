"""What a run keeps of every note is packed (or, for a check's texts, read again from the
files); it must read back exactly as it went in."""

from __future__ import annotations

import io
import pickle
import zlib

import pytest

from mermaid_lint import api
from mermaid_lint import packed as packing
from mermaid_lint.api import check_paths
from mermaid_lint.files import CheckedTexts
from mermaid_lint.packed import Packed, PackedChunks, Pickled, PickledValue, merge_sorted
from mermaid_lint.reporting import text


@pytest.fixture(params=[0, 1000], ids=["packed", "kept-as-is"])
def keep_as_is(request) -> int:
    return request.param


def test_packed_values_read_back_as_written(keep_as_is: int):
    packed: Packed[object] = Packed([("a.md", "text \ud800 with a lone surrogate\r\n"), ("b.md", ["x", 1])], keep_as_is)
    assert packed["a.md"] == "text \ud800 with a lone surrogate\r\n" and packed["b.md"] == ["x", 1]
    assert "a.md" in packed and "c.md" not in packed and packed.get("c.md") is None
    assert list(packed) == ["a.md", "b.md"] and dict(packed) == {"a.md": packed["a.md"], "b.md": ["x", 1]}
    del packed["a.md"]
    assert list(packed.items()) == [("b.md", ["x", 1])]


def test_packed_chunks_read_like_the_list_they_hold(keep_as_is: int):
    chunks: PackedChunks[int] = PackedChunks(keep_as_is)
    chunks.add("b", [4, 5])
    chunks.add("empty", [])
    chunks.add("a", [1, 2, 3])
    assert chunks == [4, 5, 1, 2, 3] and [4, 5, 1, 2, 3] == chunks and chunks != [4, 5, 1, 2]
    assert len(chunks) == 5 and chunks[0] == 4 and chunks[2] == 1 and chunks[-1] == 3 and chunks[1:3] == [5, 1]
    with pytest.raises(IndexError):
        chunks[5]
    chunks.sort_chunks()
    assert list(chunks) == [1, 2, 3, 4, 5] and chunks[3] == 4
    assert not PackedChunks() and PackedChunks() == []


def test_short_and_long_values_read_back(keep_as_is: int):
    values = {"empty": [], "short": ["x"] * 3, "long": [f"finding {i}" for i in range(200)]}
    packed = Packed(values.items(), keep_as_is)
    assert dict(packed) == values


def test_values_packed_after_the_dictionary_is_learned_read_back(monkeypatch, keep_as_is: int):
    monkeypatch.setattr(packing, "DICTIONARY_SIZE", 256)
    notes = {f"n{i}.md": f"# Note {i}\n\n```mermaid\nflowchart TD\n  A{i} --> B\n```\n" * (i % 7 + 1) for i in range(60)}
    packed = Packed(notes.items(), keep_as_is)
    assert dict(packed) == notes
    chunks: PackedChunks[str] = PackedChunks(keep_as_is)
    for path, text in notes.items():
        chunks.add(path, text.split("\n"))
    assert list(chunks) == [line for text in notes.values() for line in text.split("\n")]


def test_a_pickled_list_reads_like_the_list_and_is_kept_as_it_came(keep_as_is: int):
    loads_calls = []

    def loads(data: bytes) -> list:
        loads_calls.append(data)
        return pickle.loads(data)

    pickled = Pickled(zlib.compress(pickle.dumps([3, 1, 2])), 3, loads)
    assert len(pickled) == 3 and not loads_calls  # its length is known without unpickling it
    assert pickled == [3, 1, 2] and list(pickled) == [3, 1, 2] and pickled[-1] == 2
    assert pickle.loads(pickle.dumps(pickled)) == [3, 1, 2]  # pickles as the list it holds
    chunks: PackedChunks[int] = PackedChunks(keep_as_is)
    chunks.add("a", pickled)
    chunks.add("b", [4])
    packed: Packed[Pickled] = Packed([("a", pickled)], keep_as_is)
    if keep_as_is:  # unpickled when first read (a replayed report reads none), then held
        loads_calls.clear()
        kept = packed["a"]
        assert kept is packed["a"] and not loads_calls
        assert kept == [3, 1, 2] and list(kept) == [3, 1, 2] and len(loads_calls) == 1
    else:
        assert packed["a"] is pickled  # not unpickled and packed again
    assert chunks == [3, 1, 2, 4] and len(chunks) == 4 and chunks[1] == 1


def test_items_merged_into_a_pickled_list_read_in_order():
    pickled = Pickled(zlib.compress(pickle.dumps([(1, "a"), (3, "a"), (5, "a")])), 3, pickle.loads)
    first = lambda item: item[0]
    merged = merge_sorted(merge_sorted(pickled, [(3, "b"), (6, "b")], first), [(0, "c"), (3, "c")], first)
    expected = sorted([*pickled, (3, "b"), (6, "b"), (0, "c"), (3, "c")], key=first)  # stable: ties in the order added
    assert isinstance(merged, Pickled) and len(merged) == 7 and merged == expected
    assert merge_sorted([(1, "a"), (3, "a")], [(3, "b")], first) == [(1, "a"), (3, "a"), (3, "b")]
    assert merge_sorted(pickled, [], first) is pickled


def test_a_pickled_value_is_kept_as_it_came(keep_as_is: int):
    loads_calls = []

    def loads(data: bytes) -> object:
        loads_calls.append(data)
        return pickle.loads(data)

    facts = PickledValue(pickle.dumps({"digests": [1, 2]}), loads)
    packed: Packed[object] = Packed([("a.md", facts), ("b.md", {"digests": []})], keep_as_is)
    assert loads_calls == []  # unpickled only when read
    assert packed["a.md"] == {"digests": [1, 2]} and packed["b.md"] == {"digests": []}
    assert len(loads_calls) == 1


def test_checked_texts_past_the_first_are_read_again_from_their_files(tmp_path):
    first, second, gone = tmp_path / "a.md", tmp_path / "b.md", tmp_path / "c.md"
    for path, text in [(first, "one\n"), (second, "\ufefftwo\r\n"), (gone, "three\n")]:
        path.write_text(text, encoding="utf-8", newline="")
    texts = CheckedTexts(keep_as_is=1, not_files={"-"})
    texts[str(first)], texts[str(second)], texts[str(gone)], texts["-"] = "one\n", "two\r\n", "three\n", "stdin"
    assert list(texts) == [str(first), str(second), str(gone), "-"] and len(texts) == 4
    assert texts[str(second)] == "two\r\n" and texts["-"] == "stdin"  # as read: without the BOM
    first.write_text("changed\n")
    second.write_text("two\r\nchanged\r\n")
    gone.unlink()
    # The first is kept as it is; a file changed or removed since it was checked has no text.
    assert texts[str(first)] == "one\n" and texts.get(str(second)) is None and texts.get(str(gone)) is None


def test_a_large_check_reports_source_lines_read_again(tmp_path, monkeypatch):
    for index in range(3):
        (tmp_path / f"note-{index}.md").write_text(f"# {index}\n\n```mermaid\nflowchart TD\n  A[a<br>b] --> B\n```\n")
    report_as_kept = check_paths([str(tmp_path)])
    monkeypatch.setattr(api, "KEEP_AS_IS", 1)
    report_read_again = check_paths([str(tmp_path)])
    assert isinstance(report_read_again.texts, CheckedTexts) and report_read_again.findings

    def output(report: api.RunReport) -> str:
        out = io.StringIO()
        with text._plain_writer(out) as write:
            text.write_report(report, write, text._plain, {})
        return out.getvalue()

    assert output(report_read_again) == output(report_as_kept) and "A[a<br>b]" in output(report_as_kept)
