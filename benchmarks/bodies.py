"""Diagram-body parsers: their CPU time, and a dump of every result to prove a change keeps them.

    python benchmarks/bodies.py time            # CPU time to parse every body of the corpus
    python benchmarks/bodies.py dump out.txt    # every BodyResult, written as repr, one a line

The bodies are those of ../shared/corpus-dev and fixtures/, read the way `check` reads them
(`load_note`, then each diagram's masked text). The dump adds seeded mutants of each body (a
character deleted, doubled, or a bracket, quote or arrow character inserted) so that syntax
errors, their messages, positions and fixes are compared too. Two dumps made before and after a
change to the parsers must be byte-identical.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from mermaid_lint.bodies import parse_body
from mermaid_lint.engine import load_note
from mermaid_lint.files import is_mermaid_file, read_source

ROOT = Path(__file__).resolve().parents[1]
TREES = (ROOT.parent / "shared" / "corpus-dev", ROOT / "fixtures")
SUFFIXES = {".md", ".markdown", ".mdx", ".mmd", ".mermaid"}
MUTANTS = 8  # per body
INSERTED = "[](){}|\"'`-.=>:;@&#%\n "


def bodies(trees: tuple[Path, ...] = TREES) -> list[tuple[str, str, str]]:
    """(where, diagram type, masked text) of every diagram with a type, in a stable order."""
    found = []
    for tree in trees:
        for path in sorted(p for p in tree.rglob("*") if p.suffix.lower() in SUFFIXES):
            note = load_note(str(path), read_source(path), is_mermaid_file(path))
            for index, diagram in enumerate(note.diagrams):
                if diagram.diagram_type:
                    found.append((f"{path.relative_to(tree.parent)}#{index}",
                                  diagram.diagram_type, diagram.masked_text()))
    return found


def mutants(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for k in range(MUTANTS):
        at = rng.randrange(len(text))
        if k % 3 == 0:
            out.append(text[:at] + text[at + 1:])
        elif k % 3 == 1:
            out.append(text[:at] + text[at] + text[at:])
        else:
            out.append(text[:at] + rng.choice(INSERTED) + text[at:])
    return out


def dump(path: Path) -> None:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for seed, (where, kind, text) in enumerate(bodies()):
            for variant, body in enumerate([text, *mutants(text, seed)]):
                result = parse_body(kind, body)
                if result is None:
                    continue
                out.write(f"{where} {kind} {variant} {result!r}\n")
                count += 1
    print(f"{count} results written to {path}")


def cpu_time(repeat: int) -> None:
    found = [(kind, text) for _, kind, text in bodies(TREES[:1])]
    for kind, _ in found:  # build every parser first: what is timed is parsing
        parse_body(kind, "")
    for _ in range(repeat):
        start = time.process_time()
        for kind, text in found:
            parse_body(kind, text)
        print(f"{len(found)} bodies parsed in {time.process_time() - start:.3f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("time").add_argument("--repeat", type=int, default=3)
    commands.add_parser("dump").add_argument("out", type=Path)
    args = parser.parse_args()
    if args.command == "time":
        cpu_time(args.repeat)
    else:
        dump(args.out)


if __name__ == "__main__":
    sys.exit(main())
