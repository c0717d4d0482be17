"""Pie bodies: the title, `showData` and the slices."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from mermaid_lint.bodies import BodyResult, BodySyntaxError
from mermaid_lint.bodies._lark import (
    Prepared,
    expected_terminals,
    parse_body_with,
    syntax_error,
    token_position,
)


_NAMES = {
    "NEWLINE": "a line break",
    "STRING": 'a quoted label such as "Dogs"',
    "COLON": "':'",
    "NUMBER": "a number such as 42 or 4.2",
    "TITLE": "title",
    "SHOW_DATA": "showData",
}


@dataclass
class PieSlice:
    line: int
    column: int
    label: str
    value: float
    raw_value: str


@dataclass
class Pie:
    title: str | None = None
    show_data: bool = False
    slices: list[PieSlice] = field(default_factory=list)


def parse(text: str) -> BodyResult:
    return parse_body_with("pie", "pie", text, _parse_error, _result)


def _result(tree: Tree, prepared: Prepared) -> BodyResult:
    model = Pie()
    for child in tree.children:
        if isinstance(child, Token) and child.type == "SHOW_DATA":
            model.show_data = True
        elif isinstance(child, Token) and child.type == "TITLE":
            model.title = str(child)[5:].strip() or None
        elif isinstance(child, Tree):
            label, _, number = child.children
            line, column = token_position(label, prepared)
            value = float(number)
            name = _unquote(str(label))
            if value < 0:
                value_line, value_column = token_position(number, prepared)
                return BodyResult(
                    "pie",
                    error=BodySyntaxError(
                        value_line,
                        value_column,
                        f'slice "{name}" has a negative value; Mermaid fails on it',
                        (),
                        "Pie slice values must be 0 or more.",
                    ),
                )
            model.slices.append(PieSlice(line, column, name, value, str(number)))
    return BodyResult("pie", model=model)


def _unquote(label: str) -> str:
    """Langium's string value: the quotes dropped and backslash escapes resolved."""
    return re.sub(r"\\(.)", r"\1", label[1:-1])


def _parse_error(exc: UnexpectedInput, prepared: Prepared) -> BodySyntaxError:
    rest = prepared.line_text(exc.line)[exc.column - 1 :]
    expected = expected_terminals(exc)
    message: str | None = None
    hint: str | None = None
    if "NUMBER" in expected or re.match(r"-?\d", rest):
        message = "a slice value must be a plain number such as 42 or 4.2"
        hint = "No units, thousands separators, leading zeros or trailing dots."
    elif rest[:1] not in {'"', "'"} and ":" in rest:
        message = "a slice label must be quoted"
        hint = 'Write "Label" : 42.'
    elif "NEWLINE" in expected:
        message = "one entry per line: expected a line break"
    return syntax_error(exc, prepared, _NAMES, hint, message)
