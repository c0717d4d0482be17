from __future__ import annotations

from collections import Counter

from ..mermaid.effective import effective_theme
from ..model import Severity
from .base import Rule


class MixedThemes(Rule):
    """
    What it does: finds files whose diagrams use a theme other than the one most diagrams of
    the scope use (the whole run by default, or each file: option `scope`). It reports once
    per file, at the first diagram that differs.

    Why: a guide whose diagrams switch between `dark`, `base` and `default` looks
    inconsistent, and usually one diagram was pasted from elsewhere.

    Example:
        five diagrams with `theme: dark`, one with `theme: base`

    Use instead:
        the same theme everywhere (or set it once for the site)
    """

    code = "ML303"
    name = "mixed-themes"
    summary = "Diagrams of one file or run use different themes"
    severity = Severity.WARNING
    options = {"scope": "run"}  # "run", "file" or "off"

    def collect(self, note, ctx):
        # (theme, offset and end of the header line) per diagram
        themes = []
        for diagram in note.diagrams:
            if diagram.header is None:
                continue
            block = diagram.block
            line = diagram.header.number
            themes.append((effective_theme(diagram), block.offset((line, 0)), block.line_end(line)))
        return themes

    def check_run(self, facts, ctx):
        scope = self.option(ctx, "scope")
        if scope == "off":
            return
        groups = [facts] if scope == "run" else [[item] for item in facts]
        for group in groups:
            counts = Counter(theme for item in group for theme, _, _ in item.facts)
            if len(counts) < 2:
                continue
            usual, usual_count = counts.most_common(1)[0]
            where = "this file" if scope == "file" else "this run"
            for item in group:
                odd = [(theme, start, end) for theme, start, end in item.facts if theme != usual]
                if not odd:
                    continue
                themes = ", ".join(f"`{t}`" for t in sorted({t for t, _, _ in odd}))
                _, start, end = odd[0]
                yield ctx.at_offsets(
                    self, item.path, start, end,
                    f"{len(odd)} of this file's {len(item.facts)} diagrams use theme {themes} while "
                    f"{usual_count} of the {sum(counts.values())} diagrams in {where} use `{usual}`",
                )
