"""The rule documentation is generated from the rules: every rule documents what `explain`
promises, and docs/rules/ is what the generator writes today."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mermaid_lint.cli import cli
from mermaid_lint.rule_docs import generated_pages, sections
from mermaid_lint.rules import FixSafety, all_rules

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_documents_itself(rule):
    parts = sections(rule)
    for needed in ("What it does", "Why", "Example", "Use instead"):
        assert parts.get(needed, "").strip(), f"{rule.code}: docstring lacks `{needed}:`"
    if rule.fix_safety is not FixSafety.NONE:
        assert parts.get("Fix safety", "").strip(), f"{rule.code} fixes but does not say how safe that is"
    assert rule.summary and rule.name == rule.name.lower() and " " not in rule.name


def test_generated_docs_are_current():
    pages = generated_pages()
    stale = [name for name, text in pages.items()
             if not (DOCS / name).is_file() or (DOCS / name).read_text(encoding="utf-8") != text]
    extra = sorted(p.name for p in DOCS.glob("*.md") if p.name not in pages)
    assert not stale and not extra, (
        f"docs/rules is out of date (stale: {stale}, extra: {extra}); run `python -m mermaid_lint.rule_docs docs/rules`")


def test_rules_and_explain_show_every_rule():
    runner = CliRunner()
    listing = runner.invoke(cli, ["rules"]).output
    for rule in all_rules():
        assert rule.code in listing and rule.name in listing
        explained = runner.invoke(cli, ["explain", rule.name])
        assert explained.exit_code == 0
        assert rule.summary in explained.output and "Use instead" in explained.output
        for option in rule.options:
            assert option in explained.output
