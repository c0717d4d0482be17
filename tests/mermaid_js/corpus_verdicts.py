#!/usr/bin/env python3
"""Real Mermaid's verdict on every Mermaid diagram in a folder of Markdown.

    python tests/mermaid_js/corpus_verdicts.py [ROOT] -o OUT.jsonl

ROOT defaults to /work/shared/corpus-dev. Every ```mermaid / ~~~mermaid fence that a
CommonMark parser (markdown-it-py) sees is taken - fences inside HTML comments or other
HTML blocks are not; fences indented in lists and blockquotes are, with the container's
indentation removed as a renderer would. Each diagram becomes one JSON line:

    {"file": relpath, "line": fence_line_1_based, "text": ..., "ok": ..., "type": ...,
     "error": ..., "error_line": line_within_text_or_null}

(`error_line` is Mermaid's error line within the text; the line in the file is
`line + error_line`, the fence opener being `line`.) A summary is printed at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_mermaid import RealMermaid, available  # noqa: E402

DEFAULT_ROOT = Path("/work/shared/corpus-dev")
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}


def mermaid_blocks(source: str):
    """(fence_line_1_based, text) for each mermaid fenced block of a Markdown text."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover
        sys.exit("corpus_verdicts.py needs markdown-it-py: pip install markdown-it-py")
    md = MarkdownIt("commonmark")
    for tok in md.parse(source):
        if tok.type != "fence" or not tok.map:
            continue
        info = tok.info.strip().split(maxsplit=1)
        if info and info[0].lower() == "mermaid":
            yield tok.map[0] + 1, tok.content


def markdown_files(root: Path):
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in MARKDOWN_SUFFIXES and ".git" not in path.parts:
            yield path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", nargs="?", type=Path, default=DEFAULT_ROOT, help="folder (or file) of Markdown")
    ap.add_argument("-o", "--output", type=Path, required=True, help="JSON lines file to write")
    ap.add_argument("--no-cache", action="store_true", help="do not use or fill the verdict cache")
    ap.add_argument("--examples", type=int, default=10, help="rejection messages to show in the summary")
    args = ap.parse_args(argv)

    reason = available()
    if reason:
        print(reason, file=sys.stderr)
        return 2

    root = args.root.resolve()
    base = root.parent if root.is_file() else root
    records = []
    files = 0
    for path in markdown_files(root):
        files += 1
        source = path.read_text(encoding="utf-8", errors="replace")
        for line, text in mermaid_blocks(source):
            records.append({"file": path.relative_to(base).as_posix(), "line": line, "text": text})

    t0 = time.perf_counter()
    with RealMermaid(cache=not args.no_cache) as rm:
        verdicts = rm.verdicts(r["text"] for r in records)
        startup = rm.startup_seconds
        version = rm.version
    elapsed = time.perf_counter() - t0

    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as out:
        for r, v in zip(records, verdicts):
            r.update(ok=v.ok, type=v.diagram_type, error=v.error, error_line=v.line)
            out.write(json.dumps(r, ensure_ascii=False) + "\n")

    accepted = sum(1 for v in verdicts if v.ok)
    types = Counter(v.diagram_type for v in verdicts if v.ok)
    print(f"mermaid {version}: {root}")
    print(f"files: {files}  diagrams: {len(records)}  accepted: {accepted}  rejected: {len(records) - accepted}")
    print("accepted by detected type:")
    for t, n in types.most_common():
        print(f"  {t:<20} {n}")
    rejected_kinds = Counter((v.error or "").split(":")[0].split(" on line")[0][:60] for v in verdicts if not v.ok)
    if rejected_kinds:
        print("rejected by kind of message:")
        for k, n in rejected_kinds.most_common(15):
            print(f"  {n:5}  {k}")
    shown = 0
    for r in records:
        if not r["ok"] and shown < args.examples:
            if shown == 0:
                print("example rejections:")
            where = f"{r['file']}:{r['line']}" + (f" (+{r['error_line']})" if r["error_line"] else "")
            print(f"  {where}: {r['error'][:200]}")
            shown += 1
    timing = f"{elapsed:.2f} s for {len(records)} diagrams"
    if startup is not None:
        per = (elapsed - startup) / max(1, len(records)) * 1000
        timing += f" (Node start-up {startup:.2f} s, then {per:.1f} ms a diagram)"
    else:
        timing += " (all cached)"
    print(f"time: {timing}")
    print(f"written: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
