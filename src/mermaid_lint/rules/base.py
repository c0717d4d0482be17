"""What every rule declares, and the context it reports through."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, ClassVar, Iterable, TypeVar

from ..mermaid import load
from ..mermaid.effective import TargetVersion, stated_in_note, target_version
from ..model import Block, Diagram, Edit, Finding, Fix, LineIndex, Meaning, Note, Pos, Severity


T = TypeVar("T")


class FixSafety(str, Enum):
    NONE = "none"
    SAFE = "safe"  # applied by `fix`
    UNSAFE = "unsafe"  # applied only with --unsafe-fixes


@dataclass
class RunFacts:
    """What a run-level rule kept of one note (picklable, so notes can be read in parallel)."""

    path: str
    facts: Any


class Rule:
    """A rule: metadata beside its logic. The docstring is its documentation; it has the
    sections `What it does`, `Why`, `Example` and `Use instead` that `explain` prints.

    check_note, check_diagram and collect read only the note and the settings: their results
    are cached by the note's path and text (cache.py) and computed in worker processes."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity]
    fix_safety: ClassVar[FixSafety] = FixSafety.NONE
    # What the fix means to change; the fixer refuses a fix that changes anything else.
    fix_changes: ClassVar[frozenset[Meaning]] = frozenset()
    # The block or file could not be read: reported, and the exit code is 2.
    fatal: ClassVar[bool] = False
    default_enabled: ClassVar[bool] = True
    options: ClassVar[dict[str, Any]] = {}

    def check_diagram(self, diagram: Diagram, ctx: "Context") -> Iterable[Finding]:
        return ()

    def check_note(self, note: Note, ctx: "Context") -> Iterable[Finding]:
        return ()

    def collect(self, note: Note, ctx: "Context") -> Any:
        """Facts for check_run; None when the rule has no run-level part."""
        return None

    def check_run(self, facts: list[RunFacts], ctx: "RunContext") -> Iterable[Finding]:
        return ()

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def option(cls, ctx: "Context | RunContext", key: str) -> Any:
        return ctx.settings.rule_option(cls, key)


def make_finding(
    rule: type[Rule] | Rule,
    path: str,
    lines: LineIndex,
    start: int,
    end: int,
    message: str,
    edits: Iterable[Edit] | None = None,
    fix_description: str = "",
) -> Finding:
    line, column = lines.position(start)
    end_line, end_column = lines.position(max(end, start))
    fix = None
    edit_list = tuple(edits or ())
    if edit_list and rule.fix_safety is not FixSafety.NONE:
        fix = Fix(edit_list, rule.fix_safety is FixSafety.SAFE, fix_description, rule.fix_changes, rule.code)
    return Finding(
        path, rule.code, rule.name, rule.severity, message,
        line, column, end_line, end_column, fix, rule.fatal,
    )


@dataclass
class Context:
    """One note being checked; rules report through it so positions are mapped once."""

    note: Note
    settings: Any  # config.Settings
    _facts: dict[str, Any] = field(default_factory=dict, repr=False)  # once()

    def at_offsets(self, rule: Rule, start: int, end: int, message: str,
                   edits: Iterable[Edit] | None = None, fix_description: str = "") -> Finding:
        return make_finding(rule, self.note.path, self.note.lines, start, end, message, edits, fix_description)

    def in_block(self, rule: Rule, block: Block, start: Pos, end: Pos, message: str,
                 edits: Iterable[Edit] | None = None, fix_description: str = "") -> Finding:
        return self.at_offsets(rule, block.offset(start), block.offset(end), message, edits, fix_description)

    def target_version(self, diagram: Diagram) -> TargetVersion:
        """The Mermaid release the diagram is checked against (see mermaid.effective)."""
        in_note = self.once("stated version", lambda: stated_in_note(self.note))
        return target_version(diagram, in_note, self.settings.mermaid_version, load().default_version)

    def once(self, fact: str, compute: Callable[[], T]) -> T:
        """A fact of the note that several rules or diagrams ask for, computed once per check
        (a note of hundreds of diagrams must not cost the square of them)."""
        if fact not in self._facts:
            self._facts[fact] = compute()
        return self._facts[fact]


@dataclass
class RunContext:
    settings: Any
    # path -> LineIndex, for turning facts' offsets into positions
    line_indexes: dict[str, LineIndex] = field(default_factory=dict)

    def at_offsets(self, rule: Rule, path: str, start: int, end: int, message: str,
                   edits: Iterable[Edit] | None = None, fix_description: str = "") -> Finding:
        return make_finding(rule, path, self.line_indexes[path], start, end, message, edits, fix_description)
