"""Every rule's fixtures/rules/<code>/: bad.md gives exactly the expected findings; fixing it
gives fixed.md; fixed.md no longer has them; and fixing twice changes nothing."""

from __future__ import annotations


import pytest
import yaml

from mermaid_lint import check_text, fix_text
from mermaid_lint.config import Settings
from mermaid_lint.rules import FixSafety, all_rules

from conftest import FIXTURES

RULE_FIXTURES = FIXTURES / "rules"
CASES = sorted(p.name for p in RULE_FIXTURES.iterdir() if p.is_dir())


def positions(findings, code: str) -> list[dict]:
    return [{"line": f.line, "column": f.column, "code": f.code} for f in findings if f.code == code]


def test_every_rule_has_fixtures():
    missing = [rule.code for rule in all_rules() if rule.code not in CASES]
    assert not missing, f"rules without fixtures/rules/<code>/: {missing}"


@pytest.mark.parametrize("code", CASES)
def test_rule_fixture(code: str):
    folder = RULE_FIXTURES / code
    bad = (folder / "bad.md").read_text(encoding="utf-8")
    fixed = (folder / "fixed.md").read_text(encoding="utf-8")
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    settings = Settings(select=(code,))
    rule = next(r for r in all_rules() if r.code == code)

    assert positions(check_text(bad, "bad.md", settings), code) == expected["findings"]
    remaining = positions(check_text(fixed, "fixed.md", settings), code)
    assert remaining == expected.get("remaining", [])

    if rule.fix_safety is FixSafety.NONE:
        assert all(not f.fixable for f in check_text(bad, "bad.md", settings))
        return
    unsafe = expected.get("unsafe", False)
    assert unsafe == (rule.fix_safety is FixSafety.UNSAFE)
    once, _ = fix_text(bad, "bad.md", settings, unsafe=unsafe)
    assert once == fixed
    twice, _ = fix_text(once, "bad.md", settings, unsafe=unsafe)
    assert twice == once
    if unsafe:  # an unsafe fix is never applied without asking
        assert fix_text(bad, "bad.md", settings)[0] == bad
