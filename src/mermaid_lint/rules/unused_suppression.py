from __future__ import annotations

from ..model import Finding, LineIndex, Meaning, Severity
from ..suppressions import Unused
from .base import FixSafety, Rule, make_finding


class UnusedSuppression(Rule):
    """
    What it does: finds suppression comments (`%% mermaid-lint: disable=...`,
    `<!-- mermaid-lint-disable ... -->`) that suppress nothing: the rule they name found nothing
    where they apply, the name is no rule, or the comment is not a suppression at all (a typo).
    Rules that did not run are not judged.

    Why: a suppression outlives the problem it silenced; left behind, it would hide the next,
    real problem of that kind. A misspelt one silently suppresses nothing.

    Example:
        %% mermaid-lint: disable=broken-line-break
        A --> B[Fine<br/>label]

    Use instead:
        A --> B[Fine<br/>label]

    Fix safety: the fix deletes the comment, or the unused names in it; safe, because it
    only removes what changes nothing.
    """

    code = "ML010"
    name = "unused-suppression"
    summary = "A suppression comment that suppresses nothing"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    fix_changes = frozenset({Meaning.DOCUMENT})

    def report(self, unused: Unused, path: str, lines: LineIndex) -> Finding:
        """Called by the engine, which alone knows which suppressions were used."""
        what = "remove the comment" if unused.whole else f"remove {', '.join(unused.names)}"
        return make_finding(self, path, lines, unused.suppression.start, unused.suppression.end,
                            unused.reason, [unused.fix], what)
