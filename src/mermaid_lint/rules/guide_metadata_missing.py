from __future__ import annotations

from ..model import Severity
from .base import Rule


class GuideMetadataMissing(Rule):
    """
    What it does: for guides that carry metadata in every diagram's front-matter, finds
    diagrams whose front-matter lacks a required key. Option `required_keys` lists them;
    `a|b` accepts either spelling (default: title, author, version, license or license(s)
    or licenses, copyright). Off by default; the guides preset turns it on.

    Why: Mermaid ignores these keys, but the guide relies on them: a diagram copied out of
    the guide without its author and licence loses its attribution.

    Example:
        ---
        title: "Llama 4 Overview"
        author: "Cong Le"
        ---

    Use instead:
        ---
        title: "Llama 4 Overview"
        author: "Cong Le"
        version: "1.0"
        license(s): "MIT, CC BY 4.0"
        copyright: "Copyright (c) 2025 Cong Le. All Rights Reserved."
        ---
    """

    code = "ML701"
    name = "guide-metadata-missing"
    summary = "Diagram front-matter lacks a required metadata key (guides)"
    severity = Severity.WARNING
    default_enabled = False
    options = {"required_keys": ["title", "author", "version", "license|license(s)|licenses", "copyright"]}

    def check_diagram(self, diagram, ctx):
        front = diagram.front_matter
        if front is None or front.problem is not None or front.close_line is None:
            return
        data = front.data if isinstance(front.data, dict) else {}
        missing = [
            required.split("|")[0] if "|" not in required else required.replace("|", " or ")
            for required in self.option(ctx, "required_keys")
            if not any(data.get(name) not in (None, "") for name in required.split("|"))
        ]
        if missing:
            line = front.open_line
            yield ctx.in_block(self, diagram.block, (line, 0), (line, 3),
                               f"front-matter lacks {', '.join(f'`{m}`' for m in missing)}")
