from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Edit, Severity
from .base import FixSafety, Rule

SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class SectionFacts:
    level: int
    heading: str
    line: int  # 1-based
    start: int
    heading_end: int
    end: int
    diagrams: tuple[str, ...]  # normalised header + body of each diagram
    lines: frozenset[str]  # its normalised non-blank lines, to tell a pasted copy from a namesake


def _normalise(text: str) -> str:
    return SPACES.sub(" ", text).strip()


class DuplicateSection(Rule):
    """
    What it does: finds a section with a Mermaid diagram that repeats an earlier section of
    the same file or of another file in the same run: the same diagram, the same heading in
    the same file, or the same heading with nearly the same text in another file.

    Why: whole sections pasted twice make a guide longer and let the copies drift apart;
    readers cannot tell which one is current.

    Example:
        ## Llama Ecosystem Overview      (in guide-a.md)
        ...
        ## Llama Ecosystem Overview      (again, in guide-b.md, same diagram)

    Use instead:
        keep one copy and link to it.

    Fix safety: unsafe - removes the repeated section (heading to the next heading of the
    same or a higher level).
    """

    code = "ML601"
    name = "duplicate-section"
    summary = "A section repeats an earlier one (same heading or same diagram)"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    options = {"levels": [2], "similarity": 0.8}

    def collect(self, note, ctx):
        levels = set(self.option(ctx, "levels"))
        sections = []
        by_block = {d.block.index: d for d in note.diagrams}
        for section in note.sections():
            diagrams = []
            for index in section.blocks:
                diagram = by_block.get(index)
                if diagram and diagram.header and len(diagram.body) >= 2:
                    lines = [diagram.header.text] + [b.text for b in diagram.body]
                    diagrams.append(_normalise("\n".join(lines)))
            if section.heading.level not in levels or not section.blocks:
                continue
            heading_end = note.text.find("\n", section.start)
            body = note.text[heading_end if heading_end != -1 else section.end : section.end]
            sections.append(SectionFacts(
                section.heading.level, section.heading.text, section.heading.line + 1,
                section.start, heading_end if heading_end != -1 else section.end, section.end,
                tuple(diagrams), frozenset(filter(None, map(_normalise, body.split("\n")))),
            ))
        return sections

    def check_run(self, facts, ctx):
        similarity = self.option(ctx, "similarity")
        seen_diagrams: dict[str, tuple[str, SectionFacts]] = {}
        seen_headings: dict[tuple[int, str], list[tuple[str, SectionFacts]]] = {}
        for item in facts:
            for section in item.facts:
                key = (section.level, _normalise(section.heading).lower())
                earlier = self._earlier(item.path, section, key, seen_diagrams, seen_headings, similarity)
                if earlier:
                    (path, other), why = earlier
                    place = "earlier in this file" if path == item.path else f"in {path}"
                    yield ctx.at_offsets(
                        self, item.path, section.start, section.heading_end,
                        f"section '{section.heading}' repeats '{other.heading}' {place} "
                        f"(line {other.line}): {why}",
                        [Edit(section.start, section.end, "")], "remove the repeated section",
                    )
                    continue
                for diagram in section.diagrams:
                    seen_diagrams.setdefault(diagram, (item.path, section))
                seen_headings.setdefault(key, []).append((item.path, section))

    @staticmethod
    def _earlier(path, section, key, seen_diagrams, seen_headings, similarity):
        for diagram in section.diagrams:
            if diagram in seen_diagrams:
                return seen_diagrams[diagram], "the same diagram"
        for other_path, other in seen_headings.get(key, []):
            if other_path == path:
                return (other_path, other), "the same heading"
            shared = len(section.lines & other.lines) / max(1, len(section.lines | other.lines))
            if shared >= similarity:
                return (other_path, other), "the same heading and nearly the same text"
        return None
