"""Our syntax verdict next to real Mermaid's, for the differential tests and the agreement
table in docs/syntax-agreement.md (`python tests/differential.py [FOLDER]` prints it)."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from mermaid_lint.config import Settings
from mermaid_lint.engine import check_note, load_note
from mermaid_lint.files import is_mermaid_file, read_source

sys.path.insert(0, str(Path(__file__).resolve().parent / "mermaid_js"))
from real_mermaid import RealMermaid  # noqa: E402

# The findings that mean "Mermaid will not parse this diagram".
REJECTING = Settings(select=("front-matter-invalid", "syntax-error"))


@dataclass(frozen=True)
class Case:
    where: str  # <label>/<path>:<fence line>
    diagram_type: str
    text: str
    we_accept: bool
    mermaid_accepts: bool = False
    mermaid_error: str | None = None


def our_cases(folder: Path, label: str) -> list[Case]:
    """Every diagram under `folder` whose type has a grammar, with our verdict."""
    cases = []
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
            accepted = not any(first <= line <= last for line in rejected_lines)
            where = f"{label}/{path.relative_to(folder)}:{block.fence_line + 1}"
            cases.append(Case(where, diagram.diagram_type, block.text, accepted))
    return cases


def with_mermaid(cases: list[Case]) -> list[Case]:
    with RealMermaid() as mermaid:
        verdicts = mermaid.verdicts(case.text for case in cases)
    return [Case(c.where, c.diagram_type, c.text, c.we_accept, v.ok, v.error) for c, v in zip(cases, verdicts)]


def agreement_table(cases: list[Case]) -> str:
    rows: dict[str, Counter] = defaultdict(Counter)
    for case in cases:
        row = rows[case.diagram_type]
        row["diagrams"] += 1
        if case.mermaid_accepts:
            row["accepted"] += 1
            row["false alarms"] += not case.we_accept
        else:
            row["rejected"] += 1
            row["caught"] += not case.we_accept
    rows["all"] = sum(rows.values(), Counter())
    lines = ["| type | diagrams | Mermaid accepts | we reject of those | Mermaid rejects | we catch |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for kind in sorted(rows, key=lambda k: (k == "all", k)):
        r = rows[kind]
        lines.append(f"| {kind} | {r['diagrams']} | {r['accepted']} | {r['false alarms']} | {r['rejected']} | {r['caught']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "corpus-dev"
    print(agreement_table(with_mermaid(our_cases(root, root.name))))
