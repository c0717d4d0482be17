from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..model import Severity
from .base import Rule


@dataclass(frozen=True)
class DiagramFacts:
    fingerprint: str
    text: str  # normalised, for the allow-list patterns
    line: int  # 1-based file line of the opening fence (or 1 for a .mmd file)
    start: int  # note offsets of the fence line
    end: int


def _normalised(lines: list[str]) -> str:
    """Trailing spaces and blank lines do not make two diagrams different."""
    return "\n".join(line.rstrip() for line in lines if line.strip())


class DuplicateDiagram(Rule):
    """
    What it does: finds a diagram identical (up to trailing spaces and blank lines) to an
    earlier one in the same file or in another file of the run (option `scope`: `run`,
    `file` or `off`). Diagrams repeated on purpose - a signature or licence diagram at the
    end of every note - are allowed by fingerprint (each finding shows it; option `allow`)
    or by a regular expression that the diagram text matches (option `allow_matching`).
    Diagrams shorter than `min_lines` non-blank lines are not compared.

    Why: a pasted copy drifts from its original: one gets fixed, the other does not, and
    readers cannot tell which is current.

    Example:
        the same 40-line flowchart in `overview.md` and again in `details.md`

    Use instead:
        keep one copy and link to it; or list the fingerprint in `allow` when the repetition
        is deliberate
    """

    code = "ML602"
    name = "duplicate-diagram"
    summary = "A diagram identical to an earlier one (allow-list for deliberate boilerplate)"
    severity = Severity.WARNING
    options = {"scope": "run", "allow": [], "allow_matching": [], "min_lines": 3}

    def collect(self, note, ctx):
        min_lines = self.option(ctx, "min_lines")
        facts = []
        for diagram in note.diagrams:
            block = diagram.block
            text = _normalised(block.lines)
            if text.count("\n") + 1 < min_lines:
                continue
            fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
            line_end = note.text.find("\n", block.start)
            facts.append(DiagramFacts(fingerprint, text, max(block.fence_line, 0) + 1, block.start,
                                      line_end if line_end != -1 else len(note.text)))
        return facts

    def check_run(self, facts, ctx):
        scope = self.option(ctx, "scope")
        if scope == "off":
            return
        allowed = set(self.option(ctx, "allow"))
        patterns = [re.compile(p) for p in self.option(ctx, "allow_matching")]
        first_seen: dict[str, tuple[str, DiagramFacts]] = {}
        for item in facts:
            if scope == "file":
                first_seen = {}
            for diagram in item.facts:
                if diagram.fingerprint in allowed or any(p.search(diagram.text) for p in patterns):
                    continue
                earlier = first_seen.setdefault(diagram.fingerprint, (item.path, diagram))
                if earlier[1] is diagram:
                    continue
                path, original = earlier
                place = "earlier in this file" if path == item.path else f"in {path}"
                yield ctx.at_offsets(
                    self, item.path, diagram.start, diagram.end,
                    f"this diagram is identical to the one {place} (line {original.line}); "
                    f"fingerprint {diagram.fingerprint} (list it in `allow` if the copy is deliberate)",
                )
