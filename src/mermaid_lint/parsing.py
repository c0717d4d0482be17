"""Block -> Diagram: the Lark block grammar splits a block into front-matter, directives,
comments, header and body; PyYAML reads the front-matter and the directive grammar the init
object. Everything keeps its position so rules can point at it and fixes can edit it.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from typing import Any

import yaml
from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from .grammars import lalr_parser
from .yaml_loader import load_with_nodes
from .model import (
    Block,
    BodyLine,
    Diagram,
    Directive,
    DirectiveProblem,
    FrontMatter,
    Located,
    Pos,
    YamlProblem,
)

DIRECTIVE_HEAD = re.compile(r"%%\{\s*(\w+)\s*(:)?")


def parse_block(block: Block) -> Diagram:
    tree = lalr_parser("block").parse(block.text)
    front_matter = None
    directives: list[Directive] = []
    comments: list[BodyLine] = []
    header: BodyLine | None = None
    body: list[BodyLine] = []
    for item in tree.children:
        token = _first_token(item)
        line = token.line - 1
        if item.data == "front_matter":
            front_matter = _front_matter(item, line)
        elif item.data == "directive":
            directives.append(_directive(token, line))
        elif item.data == "comment":
            comments.append(BodyLine(line, token.value.rstrip("\n")))
        elif item.data == "text":  # a run of text lines
            for offset, text in enumerate(token.value[:-1].split("\n")):
                if header is None and not text.strip():
                    continue  # whitespace Mermaid reads as a blank line (a stray carriage return)
                if header is None:
                    header = BodyLine(line + offset, text)
                else:
                    body.append(BodyLine(line + offset, text))
    misplaced = front_matter is None and header is not None and header.text.strip() == "---"
    return Diagram(block, front_matter, misplaced, directives, comments, header, body)


def _first_token(item: Tree) -> Token:
    node: Any = item
    while isinstance(node, Tree):
        node = node.children[0]
    return node


# --- front-matter -------------------------------------------------------------------------


def _front_matter(item: Tree, open_line: int) -> FrontMatter:
    text = "".join(child.children[0].value for child in item.children[1:] if child.data == "fm_lines")
    closed = any(child.data == "fm_close" for child in item.children[1:])
    close_line = open_line + 1 + text.count("\n") if closed else None
    front = FrontMatter(open_line, close_line, text)
    try:
        node, front.data = load_with_nodes(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        context = getattr(error, "context_mark", None)
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        if context and (mark is None or mark.index >= len(text.rstrip())):
            # Failing at the end of the text: where the unfinished thing began is more useful.
            mark, reason = context, f"{error.context} that never ends"
        line, column = (mark.line, mark.column) if mark else (0, 0)
        front.problem = YamlProblem(open_line + 1 + line, column, f"invalid YAML: {reason}")
        return front
    _locate_yaml(node, (), open_line + 1, front.locations)
    return front


def _locate_yaml(node: Any, path: tuple[str, ...], first_line: int, out: dict) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        here = (*path, str(key.value))

        def pos(mark) -> Pos:
            return (first_line + mark.line, mark.column)

        out[here] = Located(pos(key.start_mark), pos(key.end_mark), pos(value.start_mark), pos(value.end_mark))
        _locate_yaml(value, here, first_line, out)


# --- directives ---------------------------------------------------------------------------


def _directive(token: Token, line: int) -> Directive:
    raw = token.value.rstrip("\n")
    column = len(raw) - len(raw.lstrip(" \t"))
    text = raw[column:]
    close = text.find("}%%")
    unterminated = close == -1
    if not unterminated:
        text = text[: close + 3]
    head = DIRECTIVE_HEAD.match(text)
    name = head.group(1) if head else ""
    args_offset = head.end() if head and head.group(2) else len(text)
    args_text = text[args_offset : len(text) - 3] if not unterminated else text[args_offset:]
    start = (line, column)
    directive = Directive(
        start=start,
        end=_advance(start, text),
        text=text,
        name=name,
        args_text=args_text,
        args_start=_advance(start, text[:args_offset]),
        unterminated=unterminated,
    )
    if not unterminated and head:
        _read_args(directive)
    return directive


def _advance(start: Pos, text: str) -> Pos:
    """The position just after `text` written from `start`."""
    newlines = text.count("\n")
    if not newlines:
        return (start[0], start[1] + len(text))
    return (start[0] + newlines, len(text) - text.rfind("\n") - 1)


def _read_args(directive: Directive) -> None:
    """Read the args (see _judge_args) and place what was read at the directive's position.

    Notes repeat the same init directive again and again (in the dev corpus 1,044 directives
    have 146 different texts), so each text is read once, as if it stood at (0, 0).
    """
    start = directive.start
    origin = _read_at_origin(directive.text, directive.name, directive.args_text,
                             _relative(directive.args_start, start))
    directive.value = copy.deepcopy(origin.value)  # each diagram owns its values
    directive.locations = {
        path: Located(*(_placed(pos, start) for pos in (at.key_start, at.key_end, at.value_start, at.value_end)))
        for path, at in origin.locations.items()
    }
    if origin.dropped:
        problem = origin.dropped
        directive.dropped = DirectiveProblem(_placed(problem.start, start), _placed(problem.end, start), problem.message)


@lru_cache(maxsize=4096)
def _read_at_origin(text: str, name: str, args_text: str, args_start: Pos) -> Directive:
    directive = Directive(start=(0, 0), end=_advance((0, 0), text), text=text, name=name,
                          args_text=args_text, args_start=args_start)
    _judge_args(directive)
    return directive


def _placed(pos: Pos, start: Pos) -> Pos:
    """A position read at (0, 0) for a directive that starts at `start`."""
    return (start[0] + pos[0], start[1] + pos[1] if pos[0] == 0 else pos[1])


def _relative(pos: Pos, start: Pos) -> Pos:
    return (pos[0] - start[0], pos[1] - start[1] if pos[0] == start[0] else pos[1])


def _judge_args(directive: Directive) -> None:
    """Read the args leniently, then judge them as Mermaid does (' -> ", then JSON.parse)."""
    lenient_error: UnexpectedInput | None = None
    quirks: list[tuple[Pos, Pos, str]] = []
    try:
        tree = lalr_parser("directive", tree_positions=True).parse(directive.text)  # spans of {} and []
        args = tree.children[1] if len(tree.children) > 1 else None
        if args is not None:
            directive.value = _value(args, (), directive, quirks)
    except UnexpectedInput as error:
        lenient_error = error
    stripped = directive.args_text.strip()
    if not stripped or re.fullmatch(r"\w+", stripped):
        return  # `%%{wrap}%%` or a bare word: Mermaid does not JSON.parse it
    try:
        json.loads(stripped.replace("'", '"'), parse_constant=_reject_constant)
    except ValueError as error:
        directive.dropped = _why_dropped(directive, error, lenient_error, quirks)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _value(node: Any, path: tuple[str, ...], directive: Directive, quirks: list) -> Any:
    if isinstance(node, Token):
        return node.value
    kind = node.data
    if kind == "object":
        result: dict[str, Any] = {}
        for pair in node.children:
            if pair is None:
                continue
            if pair.data == "trailing_comma":
                quirks.append((*_token_span(directive, pair.children[0]), "a trailing comma"))
                continue
            key_node, value_node = pair.children
            key_token = key_node.children[0]
            if isinstance(key_token, Tree):  # string
                key_token = key_token.children[0]
                key = _unquote(key_token.value)
            else:
                key = key_token.value
                quirks.append((*_token_span(directive, key_token), f"the unquoted key `{key}`"))
            here = (*path, key)
            value_first, value_last = _tokens_of(value_node)
            directive.locations[here] = Located(
                *_token_span(directive, key_token),
                _token_span(directive, value_first)[0],
                _token_span(directive, value_last)[1],
            )
            result[key] = _value(value_node, here, directive, quirks)
        return result
    if kind == "array":
        items = []
        for child in node.children:
            if child is None:
                continue
            if isinstance(child, Tree) and child.data == "trailing_comma":
                quirks.append((*_token_span(directive, child.children[0]), "a trailing comma"))
                continue
            items.append(_value(child, path, directive, quirks))
        return items
    if kind == "string":
        return _unquote(node.children[0].value)
    if kind == "number":
        text = node.children[0].value
        return float(text) if any(c in text for c in ".eE") else int(text)
    if kind == "bare_word":
        return node.children[0].value
    return {"true": True, "false": False, "null": None}[kind]


def _tokens_of(node: Any) -> tuple[Token, Token]:
    if isinstance(node, Token):
        return node, node
    tokens = [t for t in node.scan_values(lambda v: isinstance(v, Token))]
    if node.meta and not node.meta.empty:
        # Objects and arrays: span the brackets too (they are anonymous tokens).
        first = Token("OPEN", "", start_pos=node.meta.start_pos, line=node.meta.line, column=node.meta.column)
        first.end_line, first.end_column = node.meta.line, node.meta.column
        last = Token("CLOSE", "", start_pos=node.meta.end_pos)
        last.line, last.column = node.meta.end_line, node.meta.end_column
        last.end_line, last.end_column = node.meta.end_line, node.meta.end_column
        return first, last
    return tokens[0], tokens[-1]


def _token_span(directive: Directive, token: Token) -> tuple[Pos, Pos]:
    return _directive_pos(directive, token.line, token.column), _directive_pos(
        directive, token.end_line, token.end_column
    )


def _directive_pos(directive: Directive, line: int, column: int) -> Pos:
    """Lark's 1-based position in the directive text -> block position."""
    base_line, base_column = directive.start
    if line == 1:
        return (base_line, base_column + column - 1)
    return (base_line + line - 1, column - 1)


def _unquote(text: str) -> str:
    inner = text[1:-1]
    if text[0] == "'":
        inner = inner.replace('"', '\\"').replace("\\'", "'")
    try:
        return json.loads(f'"{inner}"')
    except ValueError:
        return inner


COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


def _why_dropped(directive: Directive, error: ValueError, lenient_error, quirks) -> DirectiveProblem:
    """Point at the first thing that makes Mermaid's JSON.parse fail, in the author's terms."""
    candidates: list[tuple[Pos, Pos, str]] = list(quirks)
    for match in COMMENT.finditer(directive.args_text):
        if not _inside_string(directive.args_text, match.start()):
            start = _advance(directive.args_start, directive.args_text[: match.start()])
            candidates.append((start, _advance(start, match.group()), "a `//` comment"))
    if candidates:
        start, end, what = min(candidates)
        return DirectiveProblem(start, end, f"{what} is not valid JSON")
    if lenient_error is not None:
        position = _directive_pos(directive, lenient_error.line, lenient_error.column)
        apostrophe = _apostrophe_before(directive, position)
        if apostrophe:
            return DirectiveProblem(apostrophe, (apostrophe[0], apostrophe[1] + 1), "an apostrophe inside a quoted value ends the string once Mermaid turns ' into \"")
        return DirectiveProblem(position, (position[0], position[1] + 1), "the directive is not a valid object literal")
    offset = getattr(error, "pos", 0) + len(directive.args_text) - len(directive.args_text.lstrip())
    start = _advance(directive.args_start, directive.args_text[:offset])
    return DirectiveProblem(start, (start[0], start[1] + 1), f"JSON.parse fails: {getattr(error, 'msg', error)}")


def _inside_string(text: str, offset: int) -> bool:
    quote = None
    for char in text[:offset]:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
    return quote is not None


def _apostrophe_before(directive: Directive, position: Pos) -> Pos | None:
    """The apostrophe that ended a single-quoted value early, if that is what happened."""
    lines = directive.text.split("\n")
    line = position[0] - directive.start[0]
    column = position[1] - (directive.start[1] if line == 0 else 0)
    text = lines[line][:column] if 0 <= line < len(lines) else ""
    index = text.rstrip().rfind("'")
    if index <= 0 or not text[index - 1].isalpha():
        return None
    return (position[0], index + (directive.start[1] if line == 0 else 0))
