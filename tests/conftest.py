from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
GUIDES = FIXTURES / "guides"
# ../shared beside the repo: the dev corpus, read in place (never copied into the project).
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus-dev"


@pytest.fixture
def guides_copy(tmp_path: Path) -> Path:
    """A writable copy of the users' guides."""
    target = tmp_path / "guides"
    target.mkdir()
    for source in sorted(GUIDES.glob("*.md")):
        (target / source.name).write_bytes(source.read_bytes())
    return target


def require_corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"dev corpus not present at {CORPUS}")
    return CORPUS


# A note whose only problems are two broken line breaks (ML401, safely fixable), and it fixed:
# for tests of the command line and integrations that must not depend on the rule catalogue.
BROKEN_BREAKS = "# Breaks\n\n```mermaid\nflowchart TD\n    A --> B[one<b/r>two]\n    B --> C[three<b/r>four]\n```\n"
FIXED_BREAKS = BROKEN_BREAKS.replace("<b/r>", "<br/>")


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory, monkeypatch) -> Path:
    """Every test (and every CLI it starts) keeps its results cache in its own folder."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("MERMAID_LINT_CACHE_DIR", str(folder))
    return folder


def record_calls(monkeypatch, module, name: str, what: Callable[..., Any] = lambda *args: args[0]) -> list:
    """Wrap `module.name` to record `what(*args)` of each call made in this process."""
    seen: list = []
    original = getattr(module, name)

    def recording(*args):
        seen.append(what(*args))
        return original(*args)

    monkeypatch.setattr(module, name, recording)
    return seen
