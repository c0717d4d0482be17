from __future__ import annotations

from ..model import Block, Diagram, Edit, Severity
from ..yaml_layout import Entry, Layout, Mapping, QuoteStyle, emit, prevailing_style, read
from .base import Context, FixSafety, Rule

QUOTE_MODES = ("keep", "minimal", "always")


def readable_front_matter(diagram: Diagram) -> Layout | None:
    """The layout of a diagram's front-matter, when there is one that can be rewritten."""
    front = diagram.front_matter
    if front is None or front.close_line is None or front.problem or diagram.misplaced_front_matter:
        return None
    return read(front.text)


def replace_front_matter(block: Block, diagram: Diagram, lines: list[str]) -> Edit:
    """An edit that makes the front-matter's YAML `lines` (written between the fences, or
    as a new front-matter on the block's first line)."""
    front = diagram.front_matter
    if front is None:
        return block.edit((0, 0), (0, 0), "\n".join(["---", *lines, "---", ""]))
    if front.close_line is not None and front.close_line > front.open_line + 1:
        return block.replace_lines(front.open_line + 1, front.close_line - 1, lines)
    end = (front.open_line, len(block.lines[front.open_line]))
    return block.edit(end, end, "\n" + "\n".join(lines))


class FrontMatterStyle(Rule):
    """
    What it does: finds diagram front-matter that is not in the canonical form: `title`
    first, then the note's metadata keys (in the order of the `metadata_keys` option), then
    the other keys as they are, `config` last; inside `config`: theme, look, layout, then
    the rest sorted; two-space indentation; one quoting style for strings.

    Why: front-matter written the same way everywhere reads and diffs cleanly; a key buried
    among the metadata or a different indentation in one diagram hides what is set.

    Example:
        ---
        config:
            look: handDrawn
            theme: dark
        title: "Growth"
        ---

    Use instead:
        ---
        title: "Growth"
        config:
          theme: "dark"
          look: "handDrawn"
        ---

    Options: `quote_strings` - `keep` (default: the note's prevailing style, quoted if most
    strings that need no quotes have them), `minimal` (quote only where YAML needs it) or
    `always`; `quote_char` - `keep` (the prevailing one), `"` or `'`; `indent` (2);
    `metadata_keys` (order after `title`); `config_first` (theme, look, layout);
    `sort_config` (true). Front-matter with YAML comments, anchors or multi-line values is
    left alone.

    Fix safety: safe - the same keys and values in another order and layout; the fixer
    checks that the front-matter data and the configuration are unchanged.
    """

    code = "ML802"
    name = "front-matter-style"
    summary = "Front-matter is not in the canonical key order, indentation and quoting"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    options = {
        "quote_strings": "keep",
        "quote_char": "keep",
        "indent": 2,
        "metadata_keys": [],
        "config_first": ["theme", "look", "layout"],
        "sort_config": True,
    }

    @classmethod
    def quote_style(cls, ctx: Context, requote: bool) -> QuoteStyle:
        """How strings are written in the note's front-matter (for new values when not `requote`)."""
        mode = cls.option(ctx, "quote_strings")
        char = cls.option(ctx, "quote_char")
        if mode not in QUOTE_MODES:
            raise ValueError(f"{cls.code} quote_strings must be one of {', '.join(QUOTE_MODES)}")
        prevailing = ctx.once("prevailing quote style", lambda: prevailing_style(
            [layout for d in ctx.note.diagrams if (layout := readable_front_matter(d))]))
        always = prevailing.always if mode == "keep" else mode == "always"
        return QuoteStyle(requote, always, prevailing.char if char == "keep" else char)

    def check_note(self, note, ctx):
        style = self.quote_style(ctx, requote=True)
        indent = self.option(ctx, "indent")
        for diagram in note.diagrams:
            layout = readable_front_matter(diagram)
            if layout is None or not layout.root.entries:
                continue
            current = diagram.front_matter.text.rstrip("\n").split("\n")
            ordered = self._ordered(layout.root, ctx)
            canonical = emit(ordered, indent, style)
            if canonical == current:
                continue
            as_is = emit(layout.root, layout.indent, QuoteStyle())
            aspects = [name for name, differs in (
                ("key order", emit(ordered, layout.indent, QuoteStyle()) != as_is),
                ("indentation", as_is != current or layout.indent != indent),
                ("quoting", emit(layout.root, layout.indent, style) != as_is),
            ) if differs]
            front = diagram.front_matter
            block = diagram.block
            yield ctx.in_block(
                self, block, (front.open_line, 0), (front.open_line, 3),
                f"front-matter is not in the canonical form ({', '.join(aspects)})",
                [replace_front_matter(block, diagram, canonical)], "rewrite the front-matter canonically",
            )

    def _ordered(self, root: Mapping, ctx) -> Mapping:
        metadata = ["title", *self.option(ctx, "metadata_keys")]
        head = [e for key in metadata if (e := root.get(key))]
        config = [e for e in root.entries if e.key == "config"]
        rest = [e for e in root.entries if e not in head and e not in config]
        entries = head + rest + [self._ordered_config(e, ctx) for e in config]
        return Mapping(entries)

    def _ordered_config(self, entry: Entry, ctx) -> Entry:
        if not isinstance(entry.value, Mapping):
            return entry
        first = [e for key in self.option(ctx, "config_first") if (e := entry.value.get(key))]
        rest = [e for e in entry.value.entries if e not in first]
        if self.option(ctx, "sort_config"):
            rest.sort(key=lambda e: (e.key.lower(), e.key))
        return Entry(entry.key, Mapping(first + rest), entry.key_source)
