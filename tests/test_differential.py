"""Our syntax verdict against real Mermaid's (mermaid.parse, 12.3.0 under Node), for every
fixture diagram and every diagram of the dev corpus. A disagreement must be listed, with its
reason, in tests/known_gaps.yaml; a new one fails. Needs Node and tests/mermaid_js installed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import CORPUS, FIXTURES
from differential import our_cases, with_mermaid
from real_mermaid import available

pytestmark = pytest.mark.skipif(available() is not None, reason=str(available()))
KNOWN_GAPS = Path(__file__).with_name("known_gaps.yaml")


def unexpected_disagreements(folder: Path, label: str, minimum: int) -> dict[str, str]:
    cases = with_mermaid(our_cases(folder, label))
    assert len(cases) >= minimum
    gaps = yaml.safe_load(KNOWN_GAPS.read_text(encoding="utf-8")) or {}
    return {
        case.where: ("we accept, Mermaid rejects: " + str(case.mermaid_error)) if case.we_accept else "we reject, Mermaid accepts"
        for case in cases
        if case.we_accept != case.mermaid_accepts and case.where not in gaps
    }


def test_fixtures_agree_with_mermaid():
    assert not unexpected_disagreements(FIXTURES, "fixtures", 40)


def test_dev_corpus_agrees_with_mermaid():
    if not CORPUS.is_dir():
        pytest.skip(f"dev corpus not present at {CORPUS}")
    unexpected = unexpected_disagreements(CORPUS, "corpus-dev", 1500)
    assert not unexpected, "new disagreements with real Mermaid (fix, or list in known_gaps.yaml):\n" + "\n".join(
        f"{k}: {v}" for k, v in sorted(unexpected.items()))
