from __future__ import annotations

from collections import Counter

from ..mermaid.effective import setting
from ..model import Severity
from .base import Rule

# What a diagram gets when nothing sets it (Mermaid 11 defaults).
DEFAULTS = {"theme": "default", "look": "classic", "layout": "dagre"}


class MixedAppearance(Rule):
    """
    What it does: finds files whose diagrams use a theme, look or layout other than the one
    most diagrams of the scope use (the whole run by default, or each file: option `scope`;
    which settings: option `settings`). It reports once per file and setting, at the first
    diagram that differs.

    Why: a guide whose diagrams switch between `dark`, `base` and `default`, or between
    hand-drawn and classic, looks inconsistent, and usually one diagram was pasted from
    elsewhere.

    Example:
        five diagrams with `theme: dark`, one with `theme: base`

    Use instead:
        the same theme, look and layout everywhere (or set them once for the site)
    """

    code = "ML303"
    name = "mixed-appearance"
    summary = "Diagrams of one file or run use different themes, looks or layouts"
    severity = Severity.WARNING
    options = {"scope": "run", "settings": ["theme", "look", "layout"]}  # scope: run, file or off

    def collect(self, note, ctx):
        # per diagram: its effective value of each setting, and the header line's offsets
        found = []
        for diagram in note.diagrams:
            if diagram.header is None:
                continue
            values = {}
            for name in self.option(ctx, "settings"):
                chosen = setting(diagram, name)
                values[name] = str(chosen.value) if chosen and chosen.value is not None else DEFAULTS.get(name, "unset")
            line = diagram.header.number
            found.append((values, diagram.block.offset((line, 0)), diagram.block.line_end(line)))
        return found

    def check_run(self, facts, ctx):
        scope = self.option(ctx, "scope")
        if scope == "off":
            return
        groups = [facts] if scope == "run" else [[item] for item in facts]
        where = "this file" if scope == "file" else "this run"
        for name in self.option(ctx, "settings"):
            for group in groups:
                counts = Counter(values[name] for item in group for values, _, _ in item.facts)
                if len(counts) < 2:
                    continue
                usual, usual_count = counts.most_common(1)[0]
                for item in group:
                    odd = [(values[name], start, end) for values, start, end in item.facts if values[name] != usual]
                    if not odd:
                        continue
                    kinds = ", ".join(f"`{value}`" for value in sorted({value for value, _, _ in odd}))
                    _, start, end = odd[0]
                    yield ctx.at_offsets(
                        self, item.path, start, end,
                        f"{len(odd)} of this file's {len(item.facts)} diagrams use {name} {kinds} while "
                        f"{usual_count} of the {sum(counts.values())} diagrams in {where} use `{usual}`",
                    )
