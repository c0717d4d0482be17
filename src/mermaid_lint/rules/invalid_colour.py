from __future__ import annotations

import re

from ..mermaid import load
from ..mermaid.effective import theme_variable_entries
from ..model import Severity
from .base import Rule

PALETTE_SPLIT = re.compile(r",(?![^(]*\))")


class InvalidColour(Rule):
    """
    What it does: finds theme variables meant as colours (by their name, e.g. `primaryColor`,
    `nodeBkg`, or by their value starting like `#` or `rgb(`) whose value is not a colour
    Mermaid can read: `'#22131'` (five digits), `'cyan'`, `'none'`, `'rgb(1,2)'`.

    Why: Mermaid's themes compute other colours from these with the khroma library, which
    throws "Unsupported color format" on anything but `#rgb`, `#rgba`, `#rrggbb`,
    `#rrggbbaa`, `rgb()`/`rgba()`, `hsl()`/`hsla()` and the colour names it knows (khroma has
    no plain `cyan`). The diagram then fails to render, or the colour is silently dropped.

    Example:
        %%{init: {'theme': 'base', 'themeVariables': {'primaryColor': '#22131'}}}%%

    Use instead:
        %%{init: {'theme': 'base', 'themeVariables': {'primaryColor': '#221310'}}}%%
    """

    code = "ML104"
    name = "invalid-colour"
    summary = "A theme colour Mermaid's colour library cannot read"
    severity = Severity.ERROR

    def check_diagram(self, diagram, ctx):
        knowledge = load()
        for entry in theme_variable_entries(diagram):
            value = entry.value
            if not isinstance(value, str) or not value.strip() or not knowledge.expects_colour(entry.path[-1], value):
                continue
            if not knowledge.theme_variable_value_ok(value):
                continue  # a value Mermaid blanks is theme-variable-blanked's finding
            # Palettes (xyChart.plotColorPalette) are comma-separated colours.
            parts = PALETTE_SPLIT.split(value) if entry.path[-1].endswith("Palette") else [value]
            if all(knowledge.is_colour(part) for part in parts):
                continue
            located = entry.located
            yield ctx.in_block(
                self, diagram.block, located.value_start, located.value_end,
                f"`{entry.dotted}: {value}` is not a colour Mermaid can read (use #rgb, #rrggbb, rgb(), hsl() or a colour name)",
            )
