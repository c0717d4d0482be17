"""Timeline bodies: the title, sections, and time periods with their events."""

from __future__ import annotations

from dataclasses import dataclass, field

from lark import Token, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken

from mermaid_lint.bodies import BodyResult, BodySyntaxError
from mermaid_lint.bodies._lark import (
    Prepared,
    parse_body_with,
    syntax_error,
    token_position,
)


_NAMES = {
    "NEWLINE": "a line break",
    "PERIOD": "a time period",
    "EVENT": "': ' and an event",
    "SECTION": "a section",
    "TITLE": "a title",
}


@dataclass
class TimelineEvent:
    line: int
    column: int
    text: str


@dataclass
class TimelinePeriod:
    line: int
    text: str
    section: str | None
    events: list[TimelineEvent] = field(default_factory=list)


@dataclass
class TimelineSection:
    line: int
    name: str
    periods: list[TimelinePeriod] = field(default_factory=list)


@dataclass
class Timeline:
    title: str | None = None
    direction: str | None = None  # "LR" or "TD" from the header
    sections: list[TimelineSection] = field(default_factory=list)
    periods: list[TimelinePeriod] = field(default_factory=list)  # all periods, in order


def parse(text: str) -> BodyResult:
    return parse_body_with("timeline", "timeline", text, _parse_error, _result)


def _result(tree: Tree, prepared: Prepared) -> BodyResult:
    model = Timeline()
    header = str(tree.children[0]).split()
    model.direction = header[1].upper() if len(header) > 1 else None
    section: TimelineSection | None = None
    for token in tree.children[1:]:
        if not isinstance(token, Token):
            continue
        line, column = token_position(token, prepared)
        if token.type == "TITLE":
            model.title = str(token)[6:].strip()
        elif token.type == "SECTION":
            section = TimelineSection(line, str(token)[8:].strip())
            model.sections.append(section)
        elif token.type == "PERIOD":
            period = TimelinePeriod(line, str(token).strip(), section.name if section else None)
            model.periods.append(period)
            if section is not None:
                section.periods.append(period)
        elif token.type == "EVENT":
            if not model.periods:
                # timelineDb.addEvent looks up the last period and fails when there is none.
                return BodyResult(
                    "timeline",
                    error=BodySyntaxError(
                        line,
                        column,
                        "an event before any time period",
                        (),
                        "Write the period first: '2004 : event'.",
                    ),
                )
            model.periods[-1].events.append(TimelineEvent(line, column, str(token)[2:].strip()))
    return BodyResult("timeline", model=model)


def _parse_error(exc: UnexpectedInput, prepared: Prepared) -> BodySyntaxError:
    rest = prepared.line_text(exc.line)[exc.column - 1 :]
    message: str | None = None
    hint: str | None = None
    if rest.startswith(":"):
        message = "an event's ':' must be followed by a blank"
        hint = "Write '2004 : event' (a blank after the colon); a ':' inside an event also needs none."
    elif isinstance(exc, UnexpectedToken) and exc.token.type == "HEADER":
        message = "a line may not start with the word 'timeline'"
    return syntax_error(exc, prepared, _NAMES, hint, message)
