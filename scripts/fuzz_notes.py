"""Mutation fuzzing on real notes: edit them the way hands do, then check and fix them.

Each round takes a note of the corpus, makes a few edits inside its Mermaid blocks (a value
emptied, a quote, `//`, a byte-order mark or a fence inserted, a line deleted, doubled,
swapped or re-indented; CRLF line endings sometimes), then runs `check` and `fix` (safe or
`--unsafe-fixes`) in this process. It reports, and saves the edited note for each:

- a crash (an internal error);
- a fix the safety net refuses as changing the meaning (a bug in that rule);
- a fix refused for bringing a new kind of error (the note is left unchanged);
- a fix that a second run changes again (not idempotent).

    python scripts/fuzz_notes.py [--corpus ../shared/corpus-dev] [--rounds 2000] [--seed 1]
                                 [--focus config|body] [--out fuzz-findings]

The corpus files are read in place, never copied into the project.
"""

from __future__ import annotations

import argparse
import random
import signal
from collections.abc import Iterator
from pathlib import Path

from mermaid_lint import check_text, fix_text

INSERTIONS = ['"', "'", "[", "]", "(", ")", "{", "}", "%%", "---", "\t", "  ", "|", ":", ";", "<br>",
              "`", "#", "&", "\\", "-->", "end", "subgraph ", "```", "~~~", "\u00a0", "\ufeff", " # c",
              ",", "null", "[]", "~"]
VALUES = ["base", "dark", "'base'", '"#fff"', "12", "true", "null", "", "[a, b]", "{a: 1}", "elk",
          "handDrawn", "it's"]
NEW_LINES = ["---", '%%{init: {"theme": "base"}}%%', "%%{ init: { 'theme': 'dark' } }%%", "config:",
             "  theme: base", "title: x", ""]
SECONDS_PER_NOTE = 20


def block_lines(lines: list[str]) -> list[int]:
    """The lines inside fenced blocks."""
    inside, found = False, []
    for number, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            inside = not inside
        elif inside:
            found.append(number)
    return found


def config_lines(lines: list[str]) -> list[int]:
    """The lines of front-matter and directives inside fenced blocks."""
    inside = front = False
    found = []
    for number, line in enumerate(lines):
        text = line.strip()
        if text.startswith(("```", "~~~")):
            inside, front = not inside, False
        elif inside and (text == "---" or front or text.startswith(("%%{", "init", "}", "'", '"'))):
            front = front != (text == "---")
            found.append(number)
    return found


def mutated(text: str, rng: random.Random, focus: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 5)):
        targets = config_lines(lines) if focus == "config" else block_lines(lines)
        at = rng.choice(targets) if targets else rng.randrange(len(lines))
        line = lines[at]
        column = rng.randint(0, len(line))
        edit = rng.randrange(9)
        if edit == 0:
            del lines[at]
        elif edit == 1:
            lines.insert(at, lines[rng.randrange(len(lines))])
        elif edit == 2:
            lines[at] = line[:column] + rng.choice(INSERTIONS) + line[column:]
        elif edit == 3:
            lines[at] = rng.choice(["", " ", "\t", "    "]) + line.lstrip()
        elif edit == 4:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], line
        elif edit == 5:
            lines[at] = line[:column] + line[column + rng.randint(1, 5):]
        elif edit == 6 and ":" in line:
            lines[at] = line[: line.index(":") + 1]  # the value emptied
        elif edit == 7 and ":" in line:
            lines[at] = line.partition(":")[0] + ": " + rng.choice(VALUES)
        elif edit == 8:
            lines.insert(at, rng.choice(NEW_LINES))
        if not lines:
            lines = [""]
    result = "\n".join(lines)
    if rng.random() < 0.3:
        result = result.replace("\n", "\r\n")
    return result


class TooSlow(Exception):
    pass


def _alarm(*_: object) -> None:
    raise TooSlow


def verdict(text: str, name: str, unsafe: bool) -> str | None:
    """What went wrong with this note, or None."""
    try:
        check_text(text, name)
        once, _ = fix_text(text, name, unsafe=unsafe)
    except RuntimeError as error:
        return f"refused: {error}" if "left unchanged" in str(error) else f"crash: {error}"
    if fix_text(once, name, unsafe=unsafe)[0] != once:
        return "not idempotent"
    return None


def fuzz(notes: list[Path], rounds: int, seed: int, focus: str) -> Iterator[tuple[int, Path, str, str]]:
    """(round, note, edited text, what went wrong) for each edited note that went wrong."""
    rng = random.Random(seed)
    signal.signal(signal.SIGALRM, _alarm)
    for round_ in range(rounds):
        path = rng.choice(notes)
        text = mutated(path.read_text(encoding="utf-8", errors="replace"), rng, focus)
        signal.alarm(SECONDS_PER_NOTE)
        try:
            problem = verdict(text, path.name, unsafe=rng.random() < 0.5)
        except TooSlow:
            problem = f"slower than {SECONDS_PER_NOTE} s"
        except Exception as error:  # any failure is what this looks for
            problem = f"crash: {error!r}"
        finally:
            signal.alarm(0)
        if problem:
            yield round_, path, text, problem


def corpus_notes(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".mmd") and p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus-dev")
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--focus", choices=["config", "body"], default="body")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"))
    args = parser.parse_args()
    notes = corpus_notes(args.corpus)
    if not notes:
        raise SystemExit(f"no notes under {args.corpus}")
    found = 0
    for round_, path, text, problem in fuzz(notes, args.rounds, args.seed, args.focus):
        found += 1
        args.out.mkdir(parents=True, exist_ok=True)
        saved = args.out / f"{args.seed}-{round_}{path.suffix}"
        saved.write_text(text, encoding="utf-8", newline="")
        print(f"{saved}: {path}: {problem[:300]}", flush=True)
    print(f"{args.rounds} notes, {found} with a problem")


if __name__ == "__main__":
    main()
