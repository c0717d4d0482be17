"""Entity-relationship bodies: entities with their attributes, and relationships."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from mermaid_lint.bodies import BodyResult, BodySyntaxError
from mermaid_lint.bodies._lark import (
    Prepared,
    content_position,
    expected_terminals,
    parse_body_with,
    syntax_error,
    token_position,
)


# erDb.Cardinality by the words and symbols Mermaid accepts for them.
_CARDINALITIES = (
    ("ZERO_OR_ONE", r"one or zero|\|o|zero or one|o\|"),
    ("ZERO_OR_MORE", r"zero or more|zero or many|0\+|\}o|many\(0\)|many|o\{"),
    ("ONE_OR_MORE", r"one or more|one or many|1\+|many\(1\)|\}\||\|\{"),
    ("ONLY_ONE", r"one|only one|1|\|\|"),
    ("MD_PARENT", r"u"),
)

_RELATION = re.compile(r"\|\||\|o|o\||\}o|o\{|\}\||\|\{|--|\.\.|\bto\b", re.IGNORECASE)

_NAMES = {
    "NEWLINE": "a line break",
    "UNICODE_TEXT": "a name",
    "ENTITY_NAME": 'a "quoted name"',
    "WORD": 'a "quoted label"',
    "CARDINALITY": "a cardinality such as || or o{",
    "RELATION_TYPE": "-- or ..",
    "COLON": "':' and a label",
    "BLOCK_START": "'{'",
    "BLOCK_STOP": "'}'",
    "A_WORD": "an attribute type or name",
    "A_KEY": "PK, FK or UK",
    "A_COMMENT": 'a "comment"',
    "S_TEXT": "a style word",
    "S_COLON": "':'",
    "S_SEMI": "';'",
    "END": "'end'",
}


@dataclass
class ErAttribute:
    line: int
    type: str
    name: str
    keys: list[str] = field(default_factory=list)
    comment: str | None = None


@dataclass
class ErEntity:
    name: str
    line: int  # where it first appears
    alias: str | None = None
    attributes: list[ErAttribute] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)


@dataclass
class ErRelationship:
    line: int
    left: str
    right: str
    left_cardinality: str  # as written, e.g. "||"
    right_cardinality: str
    identifying: bool  # "--" / "to" (True) or ".." / "optionally to" (False)
    label: str
    left_kind: str = ""  # ZERO_OR_ONE, ZERO_OR_MORE, ONE_OR_MORE, ONLY_ONE or MD_PARENT
    right_kind: str = ""


@dataclass
class ErDiagram:
    entities: dict[str, ErEntity] = field(default_factory=dict)
    relationships: list[ErRelationship] = field(default_factory=list)
    direction: str | None = None


def cardinality_kind(written: str) -> str:
    text = " ".join(written.lower().split())
    for kind, pattern in _CARDINALITIES:
        if re.fullmatch(pattern, text):
            return kind
    return ""


def parse(text: str) -> BodyResult:
    return parse_body_with("er", "erDiagram", text, _parse_error, _result)


def _result(tree: Tree, prepared: Prepared) -> BodyResult:
    trailing = next(tree.scan_values(lambda t: isinstance(t, Token) and t.type == "S_TRAILING_END"), None)
    if trailing is not None:
        line, column = content_position(trailing, prepared)
        return BodyResult(
            "erDiagram",
            error=BodySyntaxError(
                line,
                column,
                "blanks after the last style line run into the end of the diagram",
                (),
                "Mermaid fails on them; remove the trailing spaces.",
            ),
        )
    return BodyResult("erDiagram", model=_build(tree, prepared))


def _parse_error(exc: UnexpectedInput, prepared: Prepared) -> BodySyntaxError:
    line_text = prepared.line_text(exc.line)
    before, rest = line_text[: exc.column - 1], line_text[exc.column - 1 :]
    expected = expected_terminals(exc)
    message: str | None = None
    hint: str | None = None
    if rest.lstrip().startswith("%"):
        message = "'%%' comments must be on their own line in an ER diagram"
        hint = "Move the comment to its own line."
    elif expected & {"S_TEXT", "S_COLON", "S_SEMI"} and rest[:1] not in {"", " "}:
        message = f"{rest[:1]!r} is not allowed in an ER style"
        hint = "ER styles accept only letters, digits, '-', '*', ':', '#', ',' and ';'."
    elif _RELATION.search(before) and re.search(r":\s*[^\s\"]+\s*$", before):
        message = "a relationship label with spaces must be quoted"
        hint = 'Write: A ||--o{ B : "label with spaces"'
    elif "CARDINALITY" in expected and re.match(r"[|}o]", rest.strip()):
        message = "unknown relationship symbol"
        hint = "Use ||, |o, o|, }o, o{, }|, |{ and -- or .. between them, e.g. ||--o{."
    elif "A_WORD" in expected and "BLOCK_STOP" not in expected:
        message = "an attribute needs a type and a name"
        hint = 'Write: type name [PK|FK|UK] ["comment"], one per line.'
    return syntax_error(exc, prepared, _NAMES, hint, message)


def _value(token: Token) -> str:
    text = str(token).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"`":
        return text[1:-1]
    return text


def _names(ids: Tree) -> list[str]:
    return [str(token) for token in ids.children if token.type == "UNICODE_TEXT"]


def _build(tree: Tree, prepared: Prepared) -> ErDiagram:
    model = ErDiagram()

    def entity(node: Tree) -> ErEntity:
        token: Token = node.children[0]
        name = _value(token)
        found = model.entities.get(name)
        if found is None:
            found = model.entities[name] = ErEntity(name, token_position(token, prepared)[0])
        return found

    def reference(node: Tree) -> ErEntity:
        found = entity(node.children[0])
        for ids in node.children[2:]:
            found.classes.extend(_names(ids))
        return found

    def visit(statements: list[Tree | Token], in_subgraph: bool) -> None:
        for statement in statements:
            if not isinstance(statement, Tree):
                continue
            kind = statement.data
            if kind == "entity_or_relationship":
                relationship(statement)
            elif kind == "entity_definition":
                definition(statement)
            elif kind == "class_assignment":
                targets, classes = (ids for ids in statement.children if isinstance(ids, Tree))
                for name in _names(targets):
                    if name in model.entities:
                        model.entities[name].classes.extend(_names(classes))
            elif kind == "direction" and not in_subgraph:
                # erDb: a direction inside a subgraph is the subgraph's own.
                match = re.search(r"direction\s+(TB|BT|RL|LR)", str(statement.children[0]), re.IGNORECASE)
                model.direction = match[1].upper() if match else None
            elif kind == "subgraph":
                visit(statement.children, True)

    def relationship(statement: Tree) -> None:
        refs = [child for child in statement.children if isinstance(child, Tree)]
        left = reference(refs[0])
        if len(refs) == 1:
            return
        relation, right_ref, role = refs[1], refs[2], refs[3]
        right = reference(right_ref)
        card_a, rel_type, card_b = (str(t) for t in relation.children)
        model.relationships.append(
            ErRelationship(
                line=token_position(relation.children[0], prepared)[0],
                left=left.name,
                right=right.name,
                left_cardinality=card_a,
                right_cardinality=card_b,
                identifying=rel_type.strip().lower() in {"--", "to"},
                label=_value(role.children[0]),
                left_kind=cardinality_kind(card_a),
                right_kind=cardinality_kind(card_b),
            )
        )

    def definition(statement: Tree) -> None:
        first = statement.children[0]
        found = reference(first) if first.data == "entity_ref" else entity(first)
        for child in statement.children[1:]:
            if not isinstance(child, Tree):
                continue
            if child.data == "entity" and found.alias is None:
                found.alias = _value(child.children[0])
            elif child.data == "ids":
                found.classes.extend(_names(child))
            elif child.data == "block":
                found.attributes.extend(_attribute(a, prepared) for a in child.find_data("attribute"))

    visit(tree.children, False)
    return model


def _attribute(node: Tree, prepared: Prepared) -> ErAttribute:
    tokens: list[Token] = list(node.children)
    words = [t for t in tokens if t.type == "A_WORD"]
    optional = any(t.type == "A_QUESTION" for t in tokens)
    comment = next((_value(t) for t in tokens if t.type == "A_COMMENT"), None)
    return ErAttribute(
        line=content_position(words[0], prepared)[0],
        type=_value(words[0]) + ("?" if optional else ""),
        name=_value(words[1]),
        keys=[_value(t).upper() for t in tokens if t.type == "A_KEY"],
        comment=comment,
    )
