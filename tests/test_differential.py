"""Our syntax verdict against real Mermaid's (mermaid.parse, 12.3.0 under Node), for every
fixture diagram and every diagram of the dev corpus. A disagreement must be listed, with its
reason, in tests/known_gaps.yaml; a new one fails. Needs Node and tests/mermaid_js installed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from mermaid_lint.config import Settings
from mermaid_lint.engine import check_note, load_note
from mermaid_lint.files import is_mermaid_file, read_source

from conftest import CORPUS, FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "tests" / "mermaid_js"))
from real_mermaid import RealMermaid, available  # noqa: E402

pytestmark = pytest.mark.skipif(available() is not None, reason=str(available()))
KNOWN_GAPS = Path(__file__).with_name("known_gaps.yaml")
# The findings that mean "Mermaid will not parse this diagram".
REJECTING = Settings(select=("front-matter-invalid", "syntax-error"))


def diagrams_under(folder: Path, label: str):
    """(id, block text, our verdict) for every diagram whose type has a grammar."""
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".md", ".mmd") or not path.is_file():
            continue
        note = load_note(str(path), read_source(path), is_mermaid_file(path))
        rejected_lines = {f.line for f in check_note(note, REJECTING, REJECTING.enabled_rules()).findings}
        for diagram in note.diagrams:
            block = diagram.block
            if diagram.parsed_body is None:
                continue
            first, last = block.file_line(0), block.file_line(len(block.lines) - 1)
            ours = not any(first <= line <= last for line in rejected_lines)
            yield f"{label}/{path.relative_to(folder)}:{block.fence_line + 1}", block.text, ours


def disagreements(folder: Path, label: str) -> tuple[dict[str, str], int]:
    cases = list(diagrams_under(folder, label))
    with RealMermaid() as mermaid:
        verdicts = mermaid.verdicts(text for _, text, _ in cases)
    found = {}
    for (where, _, ours), theirs in zip(cases, verdicts):
        if ours != theirs.ok:
            found[where] = "we accept, Mermaid rejects: " + str(theirs.error) if ours else "we reject, Mermaid accepts"
    return found, len(cases)


def known_gaps() -> dict[str, str]:
    return yaml.safe_load(KNOWN_GAPS.read_text(encoding="utf-8")) or {}


def test_fixtures_agree_with_mermaid():
    found, count = disagreements(FIXTURES, "fixtures")
    assert count > 40
    unexpected = {k: v for k, v in found.items() if k not in known_gaps()}
    assert not unexpected


def test_dev_corpus_agrees_with_mermaid():
    if not CORPUS.is_dir():
        pytest.skip(f"dev corpus not present at {CORPUS}")
    found, count = disagreements(CORPUS, "corpus-dev")
    assert count > 1500
    gaps = known_gaps()
    unexpected = {k: v for k, v in found.items() if k not in gaps}
    assert not unexpected, "new disagreements with real Mermaid (fix, or list in known_gaps.yaml):\n" + "\n".join(
        f"{k}: {v}" for k, v in sorted(unexpected.items()))
