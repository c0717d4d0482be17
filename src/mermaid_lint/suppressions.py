"""Inline suppressions: the findings an author switched off, and the switches that matched nothing.

Inside a diagram (Mermaid `%%` comments):
    %% mermaid-lint: disable=ML401,broken-line-break    the next line that is not a comment
    %% mermaid-lint: disable-block=ML401                the whole block
In the Markdown around it (HTML comments):
    <!-- mermaid-lint-disable ML401 -->                 until <!-- mermaid-lint-enable --> or the end
    <!-- mermaid-lint-disable-file ML401 -->            the whole file
Rules are named by code or name; naming none means every rule. Findings of unreadable input
(fatal ones) cannot be suppressed: the block was not checked at all.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, replace

from .model import Edit, Finding, Note
from .rules import rule_by_id

BLOCK_COMMENT = re.compile(r"\s*%%+\s*mermaid-lint\s*:\s*(?P<body>.*?)\s*$", re.IGNORECASE)
BLOCK_DIRECTIVE = re.compile(r"(?P<kind>disable-block|disable)\s*(?:=\s*(?P<codes>.*))?$", re.IGNORECASE)
HTML_DIRECTIVE = re.compile(r"\s*mermaid-lint-(?P<kind>[\w-]*)(?P<space>\s*)(?P<codes>.*?)\s*$", re.IGNORECASE | re.DOTALL)
HTML_KINDS = {"disable": "range", "disable-file": "file", "enable": "enable"}
IDENTIFIER_SEPARATOR = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class Suppression:
    kind: str  # "line", "block", "range", "file", or "invalid" (a comment that is no suppression)
    names: tuple[str, ...]  # the rules as written; empty: every rule
    codes: tuple[str | None, ...]  # each name's rule code; None for a name that is no rule
    first_line: int  # 1-based file lines it covers
    last_line: int
    start: int  # note offsets of the comment (what an unused-suppression finding points at)
    end: int
    removal: Edit  # deletes the comment
    names_start: int  # note offsets of the list of rules, rewritten when only some are unused
    names_end: int
    separator: str  # how the list is written back: "," in a diagram, " " in Markdown
    problem: str = ""  # why an "invalid" comment is none

    def covers(self, finding: Finding) -> bool:
        return (not finding.fatal and self.kind != "invalid" and self.first_line <= finding.line <= self.last_line
                and (not self.names or finding.code in self.codes))


@dataclass(frozen=True)
class Unused:
    """A suppression, or some of the rules it names, that matched no finding."""

    suppression: Suppression
    names: tuple[str, ...]  # the unused names; all of them (or empty) when the whole comment is unused
    whole: bool
    reason: str
    fix: Edit  # removes the comment, or only the unused names


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(n for n in IDENTIFIER_SEPARATOR.split(text or "") if n)


def _code(name: str) -> str | None:
    rule = rule_by_id(name)
    return rule.code if rule else None


def find_suppressions(note: Note) -> list[Suppression]:
    return _in_diagrams(note) + _in_markdown(note)


def _in_diagrams(note: Note) -> list[Suppression]:
    found = []
    for diagram in note.diagrams:
        block = diagram.block
        comment_lines = {c.number for c in diagram.comments}
        for comment in diagram.comments:
            match = BLOCK_COMMENT.match(comment.text)
            if not match:
                continue
            indent = len(comment.text) - len(comment.text.lstrip())
            start, end = block.offset((comment.number, indent)), block.line_end(comment.number)
            directive = BLOCK_DIRECTIVE.fullmatch(match.group("body"))
            removal = block.replace_lines(comment.number, comment.number, [])
            if directive is None:
                found.append(_invalid(note, start, end, removal,
                                      "not a suppression: expected `disable=RULES` or `disable-block=RULES`"))
                continue
            names = _names(directive.group("codes"))
            # Where the list of rules stands (or would stand: after the keyword).
            first_col, last_col = directive.span("codes") if names else (directive.end(), directive.end())
            body = match.start("body")
            names_start = block.offset((comment.number, body + first_col))
            names_end = block.offset((comment.number, body + last_col))
            if directive.group("kind").lower() == "disable-block":
                first, last = _block_lines(note, block)
                kind = "block"
            else:
                target = next((n for n in range(comment.number + 1, len(block.lines))
                               if n not in comment_lines and block.lines[n].strip()), None)
                kind = "line"
                # A disable with no line after it covers nothing (and is reported as unused).
                first = last = block.file_line(target) if target is not None else 0
            found.append(Suppression(kind, names, tuple(map(_code, names)), first, last, start, end,
                                     removal, names_start, names_end, ","))
    return found


def _block_lines(note: Note, block) -> tuple[int, int]:
    return note.lines.position(block.start)[0], note.lines.position(block.end)[0]


def _in_markdown(note: Note) -> list[Suppression]:
    found: list[Suppression] = []
    open_ranges: list[int] = []  # indexes in `found` of the ranges not closed yet
    last_line = len(note.lines.starts)

    def close(index: int, line: int) -> None:
        found[index] = replace(found[index], last_line=line)
        open_ranges.remove(index)

    for comment in note.html_comments:
        match = HTML_DIRECTIVE.fullmatch(comment.text)
        if not match:
            continue
        removal = _html_removal(note, comment.start, comment.end)
        line = note.lines.position(comment.start)[0]
        kind = HTML_KINDS.get(match.group("kind").lower())
        if kind is None or (match.group("codes") and not match.group("space")):
            found.append(_invalid(note, comment.start, comment.end, removal,
                                  "not a suppression: expected mermaid-lint-disable, mermaid-lint-enable "
                                  "or mermaid-lint-disable-file"))
            continue
        names = _names(match.group("codes"))
        if kind == "enable":
            codes = {_code(n) for n in names} - {None}
            closing = [i for i in open_ranges if not names or codes & set(found[i].codes)]
            for index in closing:
                close(index, line)
            if not closing:
                found.append(_invalid(note, comment.start, comment.end, removal,
                                      "this mermaid-lint-enable ends no mermaid-lint-disable"))
            continue
        names_start = comment.start + 4 + match.start("codes")
        first = 1 if kind == "file" else line
        suppression = Suppression(kind, names, tuple(map(_code, names)), first, last_line, comment.start,
                                  comment.end, removal, names_start, comment.start + 4 + match.end("codes"), " ")
        if kind == "range":
            open_ranges.append(len(found))
        found.append(suppression)
    return found


def _invalid(note: Note, start: int, end: int, removal: Edit, problem: str) -> Suppression:
    line = note.lines.position(start)[0]
    return Suppression("invalid", (), (), line, line, start, end, removal, end, end, "", problem)


def _html_removal(note: Note, start: int, end: int) -> Edit:
    """Delete the comment: with its whole line when nothing else is on it (and with a blank
    line after it when one is also before it), else with one of the spaces around it."""
    text = note.text
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end + 1
    if text[line_start:start].strip() or text[end:line_end].strip():
        if text[start - 1:start] == " " and text[end:end + 1] in (" ", "\n", ""):
            start -= 1
        return Edit(start, end, "")
    blank_before = line_start == 0 or not text[text.rfind("\n", 0, line_start - 1) + 1:line_start].strip()
    next_end = text.find("\n", line_end)
    if blank_before and next_end != -1 and not text[line_end:next_end].strip():
        line_end = next_end + 1
    return Edit(line_start, line_end, "")


def apply_suppressions(findings: list[Finding], suppressions: list[Suppression],
                       enabled: frozenset[str]) -> tuple[list[Finding], list[Unused]]:
    """The findings no suppression covers, and the suppressions (or names in them) that covered
    nothing. Names of rules that did not run (`enabled`) are never judged unused."""
    used: list[set[str]] = [set() for _ in suppressions]
    covered = [False] * len(findings)
    # Findings by line, and the suppressions whose lines have begun by then (a heap by the
    # line they end on): a note with thousands of each must not compare every pair.
    starting = iter(sorted(range(len(suppressions)), key=lambda i: suppressions[i].first_line))
    next_start = next(starting, None)
    begun: list[tuple[int, int]] = []  # (last line, index)
    for at in sorted(range(len(findings)), key=lambda i: findings[i].line):
        finding = findings[at]
        while next_start is not None and suppressions[next_start].first_line <= finding.line:
            heapq.heappush(begun, (suppressions[next_start].last_line, next_start))
            next_start = next(starting, None)
        while begun and begun[0][0] < finding.line:
            heapq.heappop(begun)
        for _, index in begun:
            if suppressions[index].covers(finding):
                used[index].add(finding.code)
                covered[at] = True
    kept = [finding for finding, hidden in zip(findings, covered) if not hidden]
    unused = []
    for i, suppression in enumerate(suppressions):
        judged = _unused(suppression, used[i], enabled)
        if judged is not None:
            unused.append(judged)
    return kept, unused


def _unused(suppression: Suppression, used: set[str], enabled: frozenset[str]) -> Unused | None:
    if suppression.kind == "invalid":
        return Unused(suppression, (), True, suppression.problem, suppression.removal)
    if not suppression.names:
        if used:
            return None
        return Unused(suppression, (), True, "this suppression suppresses nothing here", suppression.removal)
    pairs = list(zip(suppression.names, suppression.codes))
    unknown = [n for n, c in pairs if c is None]
    idle = [n for n, c in pairs if c is not None and c in enabled and c not in used]
    if not unknown and not idle:
        return None
    bad = unknown + idle
    reason = "; ".join(part for part in (
        f"no rule is named {', '.join(unknown)}" if unknown else "",
        f"{', '.join(idle)} found nothing to suppress here" if idle else "") if part)
    if len(bad) == len(pairs):
        return Unused(suppression, tuple(bad), True, reason, suppression.removal)
    kept = suppression.separator.join(n for n in suppression.names if n not in bad)
    return Unused(suppression, tuple(bad), False, reason,
                  Edit(suppression.names_start, suppression.names_end, kept))
