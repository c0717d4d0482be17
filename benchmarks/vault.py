"""A deterministic notes vault of any size, built from the repository's fixtures.

The fixtures (the users' guides and every rule's bad/fixed examples) are cut into sections at
their `## ` headings. Each generated note gets front-matter, a title and a few sections drawn
with a seeded random generator; headings get the note's number, and flowcharts and pie charts
one extra line each, so copies are not all duplicates of each other (the run-level
duplicate-section rule then reports what a real vault would have, not every section). About a
fifth of the notes have no diagram, as in real vaults. The same seed and size always give the
same bytes.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FENCE = re.compile(r"^(\s*(?:>\s*)?)(`{3,}|~{3,})")
DIAGRAM_HEADER = re.compile(r"^\s*(?:>\s*)?(graph|flowchart|pie)\b", re.MULTILINE)
NOTES_PER_FOLDER = 100


@dataclass(frozen=True)
class Section:
    heading: str
    body: str
    has_diagram: bool


def _sections(text: str) -> list[Section]:
    """`## ` sections of a Markdown text (headings inside fences are not headings)."""
    sections: list[Section] = []
    heading, body, fence = None, [], None
    for line in text.splitlines():
        match = FENCE.match(line)
        if match:
            marker = match.group(2)
            if fence is None:
                fence = marker
            elif marker.startswith(fence[0] * len(fence)):
                fence = None
        if fence is None and line.startswith("## "):
            if heading is not None:
                sections.append(Section(heading, "\n".join(body).strip("\n"), "```mermaid" in "\n".join(body)))
            heading, body = line[3:].strip(), []
        elif heading is not None:
            body.append(line)
    if heading is not None:
        sections.append(Section(heading, "\n".join(body).strip("\n"), "```mermaid" in "\n".join(body)))
    return sections


def section_pool() -> list[Section]:
    sources = sorted(FIXTURES.glob("guides/*.md")) + sorted(FIXTURES.glob("rules/*/*.md"))
    return [s for path in sources for s in _sections(path.read_text(encoding="utf-8")) if s.body]


def _vary_diagrams(body: str, tag: str) -> str:
    """One extra line at the end of each flowchart and pie chart, so copies differ."""
    out: list[str] = []
    lines = body.split("\n")
    block: list[str] | None = None
    for line in lines:
        match = FENCE.match(line)
        if block is None and match and line.strip().lstrip(">").strip().startswith(match.group(2) + "mermaid"):
            block = []
            out.append(line)
            continue
        if block is not None and match:
            text = "\n".join(block)
            kind = DIAGRAM_HEADER.search(text)
            prefix = match.group(1)
            if kind and kind.group(1) == "pie":
                block.append(f'{prefix}    "variant {tag}" : 1')
            elif kind:
                block.append(f'{prefix}    v{tag.replace(".", "_")}["variant {tag}"]')
            out.extend(block)
            block = None
            out.append(line)
            continue
        (block if block is not None else out).append(line)
    return "\n".join(out + (block or []))


def note_text(number: int, rng: random.Random, with_diagrams: list[Section], without: list[Section]) -> str:
    diagram_count = 0 if rng.random() < 0.2 else rng.randint(1, 5)
    chosen = rng.sample(with_diagrams, diagram_count) + rng.sample(without, rng.randint(1, 3))
    rng.shuffle(chosen)
    parts = [
        "---",
        f"title: Note {number}",
        f"tags: [vault, area-{number // NOTES_PER_FOLDER}]",
        "---",
        "",
        f"# Note {number}",
        "",
    ]
    for index, section in enumerate(chosen):
        tag = f"{number}.{index}"
        parts += [f"## {section.heading} ({tag})", "", _vary_diagrams(section.body, tag), ""]
    return "\n".join(parts)


def build_vault(root: Path, notes: int, seed: int = 20240601) -> list[Path]:
    """Write `notes` notes under `root` (100 per folder); returns their paths, sorted."""
    pool = section_pool()
    with_diagrams = [s for s in pool if s.has_diagram]
    without = [s for s in pool if not s.has_diagram]
    rng = random.Random(seed)
    paths = []
    for number in range(notes):
        path = root / f"area-{number // NOTES_PER_FOLDER:03d}" / f"note-{number:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(note_text(number, rng, with_diagrams, without), encoding="utf-8")
        paths.append(path)
    return paths
