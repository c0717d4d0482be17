from __future__ import annotations

from array import array
from dataclasses import dataclass

from ..hashing import blake2b
from ..model import Edit, Meaning, Severity
from .base import FixSafety, Rule


@dataclass(frozen=True)
class SectionFacts:
    level: int
    heading: str
    line: int  # 1-based
    start: int
    heading_end: int
    end: int
    # Digests, not texts: every note's facts stay in memory until the run ends.
    diagrams: tuple[str, ...]  # of each diagram's normalised header + body (allow-listed ones left out)
    lines: array  # sorted 64-bit digests of its normalised non-blank lines (a paste vs a namesake)


def _normalise(text: str) -> str:
    """Runs of whitespace as one space, none at the ends."""
    return " ".join(text.split())


def _line_digests(lines) -> array:
    return array("Q", sorted({int.from_bytes(blake2b(line.encode(), digest_size=8).digest(), "big")
                              for line in lines}))


def _shared_fraction(a: array, b: array) -> float:
    """|a & b| / |a | b| of two digest arrays without repeats."""
    shared = len(set(a).intersection(b))
    return shared / max(1, len(a) + len(b) - shared)


class DuplicateSection(Rule):
    """
    What it does: finds a section with a Mermaid diagram that repeats an earlier section of
    the same file or of another file in the same run: the same diagrams, the same heading in
    the same file, or the same heading with nearly the same text in another file. Diagrams
    repeated on purpose (in 3 or more files, like a signature, or in the `allow` option) do
    not count.

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
    fix_changes = frozenset({Meaning.DOCUMENT})
    # boilerplate_files: a diagram in this many files is a signature, not a paste;
    # allow: texts whose diagrams are repeated on purpose.
    options = {"levels": [2], "similarity": 0.8, "boilerplate_files": 3, "allow": []}

    def collect(self, note, ctx):
        levels = set(self.option(ctx, "levels"))
        allowed = [_normalise(text) for text in self.option(ctx, "allow")]
        sections = []
        by_block = {d.block.index: d for d in note.diagrams}
        for section in note.sections():
            diagrams = []
            for index in section.blocks:
                diagram = by_block.get(index)
                if diagram and diagram.header and len(diagram.body) >= 2:
                    lines = [diagram.header.text] + [b.text for b in diagram.body]
                    text = _normalise("\n".join(lines))
                    if not any(allow in text for allow in allowed):
                        diagrams.append(blake2b(text.encode(), digest_size=16).hexdigest())
            if section.heading.level not in levels or not section.blocks:
                continue
            heading_end = note.text.find("\n", section.start)
            body = note.text[heading_end if heading_end != -1 else section.end : section.end]
            sections.append(SectionFacts(
                section.heading.level, section.heading.text, section.heading.line + 1,
                section.start, heading_end if heading_end != -1 else section.end, section.end,
                tuple(diagrams), _line_digests(filter(None, map(_normalise, body.split("\n")))),
            ))
        return sections

    def check_run(self, facts, ctx):
        boilerplate = self._boilerplate(facts, ctx)
        similarity = self.option(ctx, "similarity")
        seen_diagrams: dict[tuple[str, ...], tuple[str, SectionFacts]] = {}
        seen_headings: dict[tuple[int, str], list[tuple[str, SectionFacts]]] = {}
        for item in facts:
            for section in item.facts:
                own = tuple(d for d in section.diagrams if d not in boilerplate)
                key = (section.level, _normalise(section.heading).lower())
                earlier = None
                if own and own in seen_diagrams:
                    earlier = seen_diagrams[own], "the same diagram" + ("s" if len(own) > 1 else "")
                else:
                    earlier = self._namesake(item.path, section, seen_headings.get(key, []), similarity)
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
                if own:
                    seen_diagrams.setdefault(own, (item.path, section))
                seen_headings.setdefault(key, []).append((item.path, section))

    def _boilerplate(self, facts, ctx) -> set[str]:
        """Diagrams repeated on purpose: in many files (a signature); collect left out the
        allow-listed ones."""
        files: dict[str, set[str]] = {}
        for item in facts:
            for section in item.facts:
                for diagram in section.diagrams:
                    files.setdefault(diagram, set()).add(item.path)
        threshold = self.option(ctx, "boilerplate_files")
        return {diagram for diagram, paths in files.items() if len(paths) >= threshold}

    @staticmethod
    def _namesake(path, section, namesakes, similarity):
        """An earlier section with the same heading: in this file, or pasted (same lines)."""
        for other_path, other in namesakes:
            if other_path == path:
                return (other_path, other), "the same heading"
            if _shared_fraction(section.lines, other.lines) >= similarity:
                return (other_path, other), "the same heading and nearly the same text"
        return None
