from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ..mermaid import load
from ..mermaid.effective import Dropped, deep_merge, front_matter_config, sanitize
from ..model import Diagram, Directive, Edit, Severity
from ..yaml_layout import Entry, Layout, Mapping, Scalar, Unsupported, emit, merge_into
from .base import FixSafety, Rule
from .front_matter_style import FrontMatterStyle, readable_front_matter, replace_front_matter

DROPPED_KEY_MODES = ("omit", "keep")


@dataclass
class Migration:
    edits: list[Edit] = field(default_factory=list)
    blocked: str | None = None  # why there is no fix
    omitted: list[Dropped] = field(default_factory=list)  # keys Mermaid deletes, not carried over


def _dotted(path: tuple[str, ...]) -> str:
    return "`" + ".".join(path) + "`"


class DeprecatedInitDirective(Rule):
    """
    What it does: finds `%%{init: ...}%%` and `%%{initialize: ...}%%` directives. The fix
    moves their settings into the front-matter `config:` (made if missing), merged as Mermaid
    merges them - a deep merge where the directive wins over the front-matter and a later
    directive over an earlier one - and deletes the directive lines; `%%` comments stay where
    they are.

    Why: directives are deprecated since Mermaid 10.5.0 in favour of front-matter config. Two
    sources of configuration for one diagram make it hard to see which setting wins.

    Example:
        ---
        config:
          theme: dark
        ---
        %%{init: {'theme': 'base', 'fontFamily': 'Monospace'}}%%
        flowchart TD

    Use instead:
        ---
        config:
          theme: base
          fontFamily: Monospace
        ---
        flowchart TD

    Keys Mermaid would delete are not carried over silently. An unknown config key (see
    unknown-config-key) or a directive Mermaid drops (init-directive-dropped) keeps the
    directive until that is fixed; a null value or markup, which Mermaid deletes together
    with the front-matter's setting, also does. Theme variables and secure keys Mermaid
    deletes are left out and named in the message (option `dropped_keys: omit`, the
    default); with `dropped_keys: keep` they keep the directive too.

    Fix safety: safe - the fixer checks that the configuration Mermaid applies is the same.
    """

    code = "ML801"
    name = "deprecated-init-directive"
    summary = "An init directive where front-matter config would do (deprecated since Mermaid 10.5)"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    options = {"dropped_keys": "omit"}

    def check_diagram(self, diagram, ctx):
        inits = [d for d in diagram.directives if d.is_init]
        if not inits:
            return
        migration = self._migrate(diagram, inits, ctx)
        note = ""
        if migration.blocked:
            note = f"; not moved automatically: {migration.blocked}"
        elif migration.omitted:
            note = "; not carried over, as Mermaid deletes them: " + ", ".join(
                f"{_dotted(d.path)} ({d.reason})" for d in migration.omitted)
        block = diagram.block
        for directive in inits:
            first_line_end = (directive.start[0], len(block.lines[directive.start[0]]))
            yield ctx.in_block(
                self, block, directive.start, min(directive.end, first_line_end),
                f"`%%{{{directive.name}}}%%` is deprecated since Mermaid 10.5: set this in the "
                f"front-matter `config:`{note}",
                migration.edits, "move the directive's settings into the front-matter config" + note,
            )

    def _migrate(self, diagram: Diagram, inits: list[Directive], ctx) -> Migration:
        migration = Migration()
        mode = self.option(ctx, "dropped_keys")
        if mode not in DROPPED_KEY_MODES:
            raise ValueError(f"{self.code} dropped_keys must be one of {', '.join(DROPPED_KEY_MODES)}")
        migration.blocked = self._placement_problem(diagram, inits)
        layout = None
        if not migration.blocked:
            layout = readable_front_matter(diagram) if diagram.front_matter else Layout(Mapping(), 2)
            if layout is None:
                migration.blocked = ("the front-matter holds YAML this tool does not rewrite (a comment, an anchor, "
                                     "a second `---`, a value over several lines)")
        values = []
        for directive in inits:
            if migration.blocked:
                break
            value, migration.blocked = self._carried(directive, mode, migration.omitted)
            values.append(value)
        if not migration.blocked:
            migration.blocked = _merge_conflict([front_matter_config(diagram), *values])
        if migration.blocked:
            return migration
        layout = copy.deepcopy(layout)  # read() shares it; the merge below changes it
        config = _config_mapping(layout.root)
        if config is None:
            migration.blocked = "the front-matter `config` is not a mapping"
            return migration
        try:
            for value in values:
                merge_into(config, value)
            style = FrontMatterStyle.quote_style(ctx, requote=False)
            lines = emit(layout.root, layout.indent, style)
        except Unsupported as error:
            migration.blocked = f"the settings hold {error}"
            return migration
        block = diagram.block
        migration.edits = [replace_front_matter(block, diagram, lines)] + [
            block.replace_lines(d.start[0], d.end[0], []) for d in inits
        ]
        return migration

    @staticmethod
    def _placement_problem(diagram: Diagram, inits: list[Directive]) -> str | None:
        if any(d.unterminated or d.dropped for d in inits):
            return "Mermaid ignores the directives (see init-directive-dropped)"
        if any(not isinstance(d.value, dict) for d in inits):
            return "a directive's argument is not an object"
        if diagram.misplaced_front_matter or (diagram.front_matter and diagram.front_matter.problem):
            return "the front-matter is not read by Mermaid"
        header = diagram.header
        for directive in inits:
            if header is not None and directive.start[0] > header.number:
                return "a directive stands after the diagram header"
            if diagram.block.lines[directive.end[0]][directive.end[1]:].strip():
                return "text follows a directive on its line"
        return None

    @staticmethod
    def _carried(directive: Directive, mode: str, omitted: list[Dropped]) -> tuple[dict, str | None]:
        """The directive's settings that are carried over, or why it stays."""
        knowledge = load()
        _, dropped = sanitize(directive.value)
        for item in dropped:
            if item.by_value:
                return {}, f"{_dotted(item.path)} has {item.reason}, which Mermaid deletes with the front-matter's setting"
            if item.path[0] != "themeVariables" and not knowledge.is_secure_key(item.path[-1]):
                return {}, f"{_dotted(item.path)} is not a config key (see unknown-config-key)"
            if mode == "keep":
                return {}, f"{_dotted(item.path)} is {item.reason} and Mermaid deletes it"
        omitted.extend(dropped)
        return _without(directive.value, {d.path for d in dropped}), None


def _without(value: dict, paths: set[tuple[str, ...]], here: tuple[str, ...] = ()) -> dict:
    kept = {}
    for key, item in value.items():
        path = (*here, str(key))
        if path in paths:
            continue
        kept[key] = _without(item, paths, path) if isinstance(item, dict) else item
    return kept


def _merge_conflict(sources: list[dict]) -> str | None:
    """Where a plain deep merge would not be what Mermaid does: an object meeting a value, or
    two lists (Mermaid merges lists element by element)."""
    def walk(old: dict, new: dict, path: tuple[str, ...]) -> str | None:
        for key, value in new.items():
            if key not in old:
                continue
            here, before = (*path, str(key)), old[key]
            if isinstance(before, dict) and isinstance(value, dict):
                if (problem := walk(before, value, here)):
                    return problem
            elif isinstance(before, dict) or isinstance(value, dict):
                return f"{_dotted(here)} is an object in one place and a value in another"
            elif isinstance(before, list) and isinstance(value, list):
                return f"{_dotted(here)} is a list in two places"
        return None

    merged: dict = {}
    for source in sources:
        if (problem := walk(merged, source, ())):
            return problem
        merged = deep_merge(merged, source)
    return None


def _config_mapping(root: Mapping) -> Mapping | None:
    entry = root.get("config")
    if entry is None:
        entry = Entry("config", Mapping())
        root.entries.append(entry)
    elif isinstance(entry.value, Scalar) and entry.value.value is None:
        entry.value = Mapping()
    return entry.value if isinstance(entry.value, Mapping) else None
