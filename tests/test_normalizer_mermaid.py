"""Normalizing against real Mermaid (12.3, mermaid.parse under Node): on copies of the fixtures
and of corpus-dev, `fix` then `fix` again changes nothing the second time, refuses no file, and
no diagram Mermaid accepted before is rejected after. Skips without Node + tests/mermaid_js
installed, and (the corpus part) without ../shared/corpus-dev."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mermaid_lint.api import fix_paths
from mermaid_lint.config import Settings
from mermaid_lint.engine import load_note
from mermaid_lint.files import is_mermaid_file, read_source

from conftest import FIXTURES, ROOT, require_corpus

sys.path.insert(0, str(ROOT / "tests" / "mermaid_js"))
from real_mermaid import RealMermaid, available  # noqa: E402

pytestmark = pytest.mark.skipif(available() is not None, reason=str(available()))
EVERYTHING = Settings(extend_select=("graph-header", "tilde-fence"))


def diagrams(folder: Path) -> dict[tuple[str, int], str]:
    """(file, block number) -> the block's text, as Mermaid receives it."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".md", ".mmd") or not path.is_file():
            continue
        note = load_note(str(path), read_source(path), is_mermaid_file(path))
        for block in note.blocks:
            found[(str(path.relative_to(folder)), block.index)] = block.text
    return found


@dataclass
class Outcome:
    files_changed: int = 0
    blocks_changed: int = 0
    second_run_changes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    accepted_then_rejected: list[str] = field(default_factory=list)


def normalize(folder: Path) -> Outcome:
    """Fix twice with every safe fix, the off-by-default ones (graph header, fences) too."""
    before = diagrams(folder)
    first = fix_paths([str(folder)], EVERYTHING)
    second = fix_paths([str(folder)], EVERYTHING)
    after = diagrams(folder)
    assert before.keys() == after.keys(), "blocks appeared or disappeared"
    outcome = Outcome(len(first.changes), sum(before[k] != after[k] for k in before))
    outcome.second_run_changes = sorted(second.changes)
    outcome.refused = [f"{p.path}: {p.message}" for p in first.problems + second.problems]
    changed = [k for k in before if before[k] != after[k]]
    with RealMermaid() as mermaid:
        old = mermaid.verdicts(before[k] for k in changed)
        new = mermaid.verdicts(after[k] for k in changed)
    outcome.accepted_then_rejected = [
        f"{key[0]} block {key[1]}: {verdict.error}" for key, was, verdict in zip(changed, old, new)
        if was.ok and not verdict.ok
    ]
    print(f"\n{folder.name}: {outcome.files_changed} files and {outcome.blocks_changed} blocks changed; "
          f"second run: {len(outcome.second_run_changes)} files; refused: {len(outcome.refused)}; "
          f"accepted before, rejected after: {len(outcome.accepted_then_rejected)}")
    return outcome


def assert_safe(outcome: Outcome) -> None:
    assert not outcome.second_run_changes
    assert not outcome.refused
    assert not outcome.accepted_then_rejected


def writable_copy(source: Path, target: Path) -> Path:
    """A copy we may fix (the sources may be read-only, like the shared corpus)."""
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
    return target


def test_fixtures_normalize_without_breaking_a_diagram(tmp_path: Path):
    copy = writable_copy(FIXTURES, tmp_path / "fixtures")
    outcome = normalize(copy)
    assert outcome.blocks_changed > 10
    assert_safe(outcome)


def test_corpus_normalizes_without_breaking_a_diagram(tmp_path: Path):
    copy = writable_copy(require_corpus(), tmp_path / "corpus")
    outcome = normalize(copy)
    assert outcome.files_changed > 400
    assert_safe(outcome)
