"""Gantt bodies: settings, sections and tasks with their metadata as Mermaid reads it.

Mermaid checks dates and durations only when it draws the chart: an invalid duration is not a
syntax error, the task just gets no width. So the model says whether each duration is valid and
where a `//` (not a comment in Mermaid) sits, for rules to report.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from mermaid_lint.bodies import BodyResult, BodySyntaxError
from mermaid_lint.bodies._lark import (
    Prepared,
    did_you_mean,
    expected_terminals,
    parse_body_with,
    syntax_error,
    token_position,
)


KEYWORDS = (
    "dateFormat", "axisFormat", "tickInterval", "includes", "excludes", "todayMarker",
    "inclusiveEndDates", "topAxis", "weekday", "weekend", "title", "section", "accTitle",
    "accDescr", "click",
)  # fmt: skip

# ganttDb: these words at the start of a task's data are tags, not its id or dates.
TAGS = ("active", "done", "crit", "milestone", "vert")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)([Mdhmswy]|ms)$")
_AFTER = re.compile(r"^after\s+([\w\- ]+)")
_UNTIL = re.compile(r"^until\s+([\w\- ]+)")

# dayjs format tokens (customParseFormat, strict) as regular expressions, longest first.
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE_TOKENS = {
    "YYYY": r"\d{4}", "YY": r"\d{2}", "MMMM": f"(?:{_MONTHS})",
    "MMM": r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", "MM": r"(?:0[1-9]|1[0-2])",
    "M": r"(?:1[0-2]|[1-9])", "Do": r"(?:[12]\d|3[01]|[1-9])(?:st|nd|rd|th)",
    "DD": r"(?:0[1-9]|[12]\d|3[01])", "D": r"(?:[12]\d|3[01]|[1-9])", "HH": r"(?:[01]\d|2[0-3])",
    "H": r"(?:1\d|2[0-3]|\d)", "hh": r"(?:0[1-9]|1[0-2])", "h": r"(?:1[0-2]|[1-9])",
    "mm": r"[0-5]\d", "m": r"(?:[1-5]?\d)", "ss": r"[0-5]\d", "s": r"(?:[1-5]?\d)",
    "SSS": r"\d{3}", "SS": r"\d{2}", "S": r"\d", "A": "(?:AM|PM)", "a": "(?:am|pm)",
    "ZZ": r"[+-]\d{4}", "Z": r"[+-]\d{2}:\d{2}", "X": r"\d+(?:\.\d+)?", "x": r"\d+",
}  # fmt: skip
_DATE_PARTS = {"YYYY": "year", "MM": "month", "M": "month", "DD": "day", "D": "day", "Do": "day"}
_DATE_TOKEN = re.compile(r"\[[^\]]*\]|" + "|".join(sorted(_DATE_TOKENS, key=len, reverse=True)))


def is_date(value: str, date_format: str | None) -> bool:
    """Whether dayjs reads `value` strictly with `date_format`, as Mermaid reads an end date.

    Without `dateFormat` the format is empty and no end is a date: Mermaid then reads
    `2024-01-10` as a (bad) duration and draws the task with no width.
    """
    fmt = (date_format or "").strip()
    if not fmt:
        return False
    pattern, last, named = "", 0, set()
    for match in _DATE_TOKEN.finditer(fmt):
        pattern += re.escape(fmt[last : match.start()])
        token = match[0]
        if token.startswith("["):
            pattern += re.escape(token[1:-1])
        else:
            group = _DATE_PARTS.get(token)
            if group and group not in named:
                named.add(group)
                pattern += f"(?P<{group}>{_DATE_TOKENS[token]})"
            else:
                pattern += _DATE_TOKENS[token]
        last = match.end()
    pattern += re.escape(fmt[last:])
    found = re.fullmatch(pattern, value.strip(), re.IGNORECASE)
    if found is None:
        return False
    # dayjs's strict mode also rejects days the month does not have (2024-02-30).
    parts = found.groupdict()
    if parts.get("day") and parts.get("month") and parts.get("year"):
        day = int(re.sub(r"\D", "", parts["day"]))
        return day <= calendar.monthrange(int(parts["year"]), int(parts["month"]))[1]
    return True


_NAMES = {
    "TASK_DATA": "':' and the task's data",
    "TASK_TEXT": "a task",
    "NL": "a line break",
    "CALLBACK": "'call name()'",
    "HREF": "'href \"url\"'",
    "SECTION": "a section",
}


@dataclass
class GanttTask:
    line: int
    name: str
    id: str | None  # the explicit id (three metadata parts), else None
    parts: list[str]  # the raw metadata after ":", split at commas (tags included)
    tags: list[str]  # active, done, crit, milestone, vert
    start: str | None  # the start spec: a date, "after a b", or None (after the previous task)
    after: list[str]  # ids named by `after`
    end: str | None  # the end spec: a date, "until x", or a duration
    until: list[str]  # ids named by `until`
    duration: str | None  # the end spec when it is neither `until` nor a date in dateFormat
    duration_valid: bool | None  # whether `duration` matches Mermaid's pattern (None: no duration)
    comment: str | None = None  # text after a `//` in the data, which Mermaid keeps as data
    comment_column: int | None = None  # block column of that `//`
    data_column: int = 0  # block column of the ":" that starts the data


@dataclass
class GanttSection:
    line: int
    name: str
    tasks: list[GanttTask] = field(default_factory=list)


@dataclass
class Gantt:
    date_format: str | None = None
    axis_format: str | None = None
    tick_interval: str | None = None
    title: str | None = None
    excludes: list[str] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    sections: list[GanttSection] = field(default_factory=list)
    tasks: list[GanttTask] = field(default_factory=list)  # all tasks, in order
    task_ids: dict[str, GanttTask] = field(default_factory=dict)


def parse(text: str) -> BodyResult:
    return parse_body_with("gantt", "gantt", text, _parse_error, _result)


def _result(tree: Tree, prepared: Prepared) -> BodyResult:
    try:
        model = _build(tree, prepared)
    except _TagsOnly as failure:
        line, column = failure.position
        return BodyResult(
            "gantt",
            error=BodySyntaxError(
                line,
                column,
                "the task's data has only tags (active, done, crit, milestone, vert)",
                (),
                "Mermaid fails on it; add at least a duration, e.g. ':done, 3d'.",
            ),
        )
    return BodyResult("gantt", model=model)


class _TagsOnly(Exception):
    def __init__(self, position: tuple[int, int]) -> None:
        self.position = position


def _parse_error(exc: UnexpectedInput, prepared: Prepared) -> BodySyntaxError:
    line_text = prepared.line_text(exc.line)
    before, rest = line_text[: exc.column - 1], line_text[exc.column - 1 :]
    expected = expected_terminals(exc)
    message: str | None = None
    hint: str | None = None
    if "TASK_DATA" in expected:
        task = before.strip() or rest.strip()
        word = (task.split() or [""])[0]
        suggestion = did_you_mean(word, KEYWORDS)
        if rest[:1] == ":" or rest.startswith(("#", ";")):
            message = "the task's data after ':' is empty or starts with '#' or ';'"
            hint = "Write 'Task name :id, 2024-01-01, 3d'; '#' and ';' end the data."
        else:
            message = f"{task[:40]!r} is neither a setting nor a task: a task needs ':' and its data"
            hint = (
                f"Did you mean '{suggestion}'?"
                if suggestion and suggestion.lower() != word.lower()
                else "Write 'Task name :id, 2024-01-01, 3d'; a keyword needs a value after it."
            )
    elif re.match(r"\d{4}-\d\d-\d\d", rest):
        message = "a line may not start with a date"
        hint = "Mermaid reads a leading YYYY-MM-DD as a date token; put the task name first."
    elif re.match(r"(call|click)\s", rest, re.IGNORECASE):
        message = f"'{rest.split()[0]}' starts a click statement here"
        hint = "Use 'click taskId call fn()' or 'click taskId href \"url\"'; rename a task starting with it."
    return syntax_error(exc, prepared, _NAMES, hint, message)


def _build(tree: Tree, prepared: Prepared) -> Gantt:
    model = Gantt()
    section: GanttSection | None = None
    for node in tree.iter_subtrees_topdown():
        if node.data == "task":
            task = _task(node.children[0], node.children[1], prepared, model.date_format)
            model.tasks.append(task)
            if task.id:
                model.task_ids[task.id] = task
            if section is not None:
                section.tasks.append(task)
            continue
        if node.data != "statement":
            continue
        token: Token = node.children[0]
        value = str(token).split(None, 1)[1].strip() if " " in str(token).strip() else ""
        kind = token.type
        if kind == "SECTION":
            section = GanttSection(token_position(token, prepared)[0], value)
            model.sections.append(section)
        elif kind == "DATE_FORMAT":
            model.date_format = str(token)[11:].strip()
        elif kind == "AXIS_FORMAT":
            model.axis_format = str(token)[11:].strip()
        elif kind == "TICK_INTERVAL":
            model.tick_interval = str(token)[13:].strip()
        elif kind == "TITLE":
            model.title = str(token)[6:].strip()
        elif kind in {"EXCLUDES", "INCLUDES"}:
            values = [v for v in re.split(r"[\s,]+", str(token)[9:].strip().lower()) if v]
            (model.excludes if kind == "EXCLUDES" else model.includes).extend(values)
    return model


def _task(name: Token, data: Token, prepared: Prepared, date_format: str | None) -> GanttTask:
    """ganttDb.parseData: tags first, then [id,] [start,] end."""
    line, column = token_position(data, prepared)
    raw = str(data)[1:]
    parts = raw.split(",")
    tags: list[str] = []
    while parts[0].strip() in TAGS:
        tags.append(parts.pop(0).strip())
        if not parts:  # ganttDb reads data[0] of the emptied list and throws
            raise _TagsOnly((line, column))
    values = [part.strip() for part in parts]
    task_id = start = end = None
    if len(values) == 1:
        end = values[0]
    elif len(values) == 2:
        start, end = values
    elif len(values) == 3:
        task_id, start, end = values
    after = _AFTER.match(start or "")
    until = _UNTIL.match(end or "")
    duration = None if until or end is None or is_date(end, date_format) else end
    comment = comment_column = None
    # The first `//` after some data that does not follow a URL scheme's `:` (`https://` is
    # text, not a comment; data that starts with `//` holds nothing to keep apart from it).
    slashes = next((m.start() for m in re.finditer("//", raw)
                    if raw[: m.start()].strip() and raw[m.start() - 1] != ":"), -1)
    if slashes >= 0:
        comment = raw[slashes + 2 :].strip()
        comment_column = token_position(data, prepared)[1] + 1 + slashes
    return GanttTask(
        line=line,
        name=str(name).strip(),
        id=task_id,
        parts=[part.strip() for part in raw.split(",")],
        tags=tags,
        start=start,
        after=after[1].split() if after else [],
        end=end,
        until=until[1].split() if until else [],
        duration=duration,
        duration_valid=None if duration is None else bool(DURATION.match(duration)),
        comment=comment,
        comment_column=comment_column,
        data_column=column,
    )
