"""Sequence diagram bodies: participants, messages, blocks, notes and activations.

After parsing, Mermaid replays the statements (sequenceDb.apply) and fails on a few more things:
deactivating an inactive participant, a participant in two boxes, `create` without its creating
message, `destroy` without its destroying message, and a participant's `@{...}` that is not YAML.
`_Replay` repeats those checks in the same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from lark import Token, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken

from mermaid_lint.bodies import BodyResult, BodySyntaxError
from mermaid_lint.bodies._lark import (
    Prepared,
    content_position,
    did_you_mean,
    expected_terminals,
    parse_body_with,
    syntax_error,
)


KEYWORDS = (
    "participant", "actor", "create", "destroy", "box", "loop", "rect", "opt", "alt", "else",
    "par", "par_over", "and", "critical", "option", "break", "end", "note", "activate",
    "deactivate", "autonumber", "title", "accTitle", "accDescr", "links", "link", "properties",
    "details",
)  # fmt: skip

_NAMES = {
    "NEWLINE": "a line break",
    "ACTOR": "a participant",
    "ID_ACTOR": "a participant",
    "LINK": "a participant",
    "ARROW": "an arrow such as ->> or -->>",
    "TXT": "':' and the message text",
    "END": "'end'",
    "ELSE": "'else'",
    "AND": "'and'",
    "OPTION": "'option'",
    "AS": "'as'",
    "NUM": "a number",
    "OFF": "'off'",
    "COMMA": "','",
    "LEFT_OF": "'left of'",
    "RIGHT_OF": "'right of'",
    "OVER": "'over'",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "CENTRAL": "'()'",
    "CONFIG": "'@{...}'",
    "PARTICIPANT": "a statement",
    "REST": "text",
}

_BLOCK_CONTINUATIONS = {"alt": "ELSE", "par": "AND", "par_over": "AND", "critical": "OPTION"}


@dataclass
class Participant:
    id: str
    line: int
    kind: str = "participant"  # "participant" or "actor" (the stick figure)
    alias: str | None = None  # the displayed name given with `as`
    declared: bool = False  # declared with participant/actor, not only used in a message
    box: str | None = None  # the label of its box
    box_line: int | None = None
    created_line: int | None = None
    destroyed_line: int | None = None


@dataclass
class Message:
    line: int
    source: str
    target: str
    arrow: str  # "->>", "-->>", "-x" ...
    text: str
    activation: str | None = None  # "+" activates the target, "-" deactivates the source


@dataclass
class Branch:
    keyword: str  # else, and, option
    label: str
    line: int


@dataclass
class Block:
    kind: str  # loop, alt, opt, par, par_over, critical, break, rect, box
    label: str
    line: int
    end_line: int
    branches: list[Branch] = field(default_factory=list)


@dataclass
class Note:
    line: int
    placement: str  # "left of", "right of" or "over"
    actors: list[str]
    text: str


@dataclass
class Activation:
    line: int
    actor: str
    active: bool  # True for activate (or "+"), False for deactivate (or "-")


@dataclass
class SequenceDiagram:
    participants: dict[str, Participant] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    activations: list[Activation] = field(default_factory=list)
    title: str | None = None
    autonumber: bool = False


class _Failure(Exception):
    def __init__(self, error: BodySyntaxError) -> None:
        self.error = error


def parse(text: str) -> BodyResult:
    # The NUL stands for the NEWLINE Mermaid's lexer returns at the end of the input.
    return parse_body_with("sequence", "sequenceDiagram", text, _parse_error, _result, "\x00")


def _result(tree: Tree, prepared: Prepared) -> BodyResult:
    replay = _Replay(prepared)
    try:
        replay.document(tree.children[1])
    except _Failure as failure:
        return BodyResult("sequenceDiagram", error=failure.error)
    return BodyResult("sequenceDiagram", model=replay.model)


def _parse_error(exc: UnexpectedInput, prepared: Prepared) -> BodySyntaxError:
    line_text = prepared.line_text(exc.line)
    before, rest = line_text[: exc.column - 1], line_text[exc.column - 1 :]
    expected = expected_terminals(exc)
    at_end = rest.startswith("\x00") or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END")
    at_line_end = at_end or not rest.strip() or rest.lstrip()[:1] in {";", "#"}
    word = (rest.split() or [""])[0].rstrip(":;,")
    statement = line_text.strip()
    indent = len(line_text) - len(line_text.lstrip())
    message: str | None = None
    hint: str | None = None
    position: tuple[int, int] | None = None
    # What precedes the error, across the line breaks Mermaid's blanks swallowed.
    earlier = prepared.text[: exc.pos_in_stream].rstrip()
    autonumber = re.search(r"autonumber(?:[^\S\n]+(?:[\d.]+|off)){0,2}$", earlier, re.IGNORECASE)
    swallowed = autonumber is not None and "\n" in prepared.text[autonumber.end() : exc.pos_in_stream]
    if at_end and expected & {"END", "ELSE", "AND", "OPTION"}:
        message = "a block is not closed: 'end' is missing"
        hint = "Close every loop/alt/opt/par/critical/break/rect/box with 'end'."
    elif autonumber and swallowed and expected & {"NEWLINE", "NUM", "OFF"}:
        message = "blanks after 'autonumber' swallow its line break"
        hint = "Remove the trailing spaces after 'autonumber'."
        position = prepared.locate_offset(autonumber.end())
    elif not before.strip() and word.lower() == "end":
        message = "'end' without an open block"
        hint = "Remove it, or open the block (loop, alt, opt, par, critical, break, rect, box)."
    elif not before.strip() and word.lower() in {"else", "and", "option"}:
        message = f"'{word}' outside its block"
        hint = "'else' belongs in alt, 'and' in par, 'option' in critical."
    elif expected & {"ACTOR", "ID_ACTOR"} and word.lower() in _KEYWORD_WORDS:
        message = f"'{word}' is a keyword, not a participant name"
        hint = f"Declare it with another id and an alias: participant P as {word}"
    elif expected == {"TXT"}:
        message = "a message needs ':' and a text after the receiver"
        hint = "Write 'A->>B: text' (the text may be empty: 'A->>B: ')."
    elif "ARROW" in expected and at_line_end and re.fullmatch(r"[^:,;+<>-]+", statement):
        first = statement.split()[0]
        message = f"unknown statement {first!r}: not a keyword and not a message"
        suggestion = did_you_mean(first, KEYWORDS)
        hint = f"Did you mean '{suggestion}'?" if suggestion else None
        position = prepared.locate(exc.line, indent + 1)
    elif "ARROW" in expected:
        message = "expected an arrow such as ->>, -->>, ->, -x or -) after the sender"
        hint = "Sequence arrows: ->, -->, ->>, -->>, <<->>, -x, --x, -), --)."
    elif at_end:
        message = "unexpected end of the diagram"
    return syntax_error(exc, prepared, _NAMES, hint, message, position)


_KEYWORD_WORDS = {word.lower() for word in KEYWORDS} | {"over", "off", "sequencediagram"}


def _text(token: Token, start: int = 0) -> str:
    return str(token)[start:].strip()


class _Replay:
    """Builds the model while repeating the checks of Mermaid's sequenceDb.apply, in order."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.model = SequenceDiagram()
        self.box: tuple[int, str] | None = None  # (line, label): Mermaid tells boxes apart by object
        self.active: dict[str, int] = {}
        # A `create`d or `destroy`ed participant the next message must involve.
        self.last_created: str | None = None
        self.last_destroyed: str | None = None

    def fail(self, token: Token, message: str, hint: str | None = None) -> _Failure:
        line, column = content_position(token, self.prepared)
        return _Failure(BodySyntaxError(line, column, message, (), hint))

    def line(self, token: Token) -> int:
        return content_position(token, self.prepared)[0]

    def document(self, document: Tree) -> None:
        for child in document.children:
            if isinstance(child, Tree):
                statement = child.children[0] if child.data == "statement" else child
                if isinstance(statement, Tree):
                    getattr(self, f"on_{statement.data}")(statement)

    # Participants.

    def participant(self, token: Token, name: str, **details: object) -> Participant:
        old = self.model.participants.get(name)
        if old is not None:
            if self.box is not None and old.box_line is not None and old.box_line != self.box[0]:
                raise self.fail(
                    token,
                    f"participant '{name}' is already in the box of line {old.box_line + 1}",
                    "A participant can be in only one box.",
                )
            found = old
        else:
            found = self.model.participants[name] = Participant(name, self.line(token))
        if found.box_line is None and self.box is not None:
            found.box_line, found.box = self.box
        # A declaration after first use sets the kind and alias (sequenceDb.addActor).
        for key, value in details.items():
            if value is not None:
                setattr(found, key, value)
        return found

    def on_participant_statement(self, tree: Tree, create: bool = False) -> None:
        tokens = [child for child in tree.children if isinstance(child, Token)]
        keyword, actor = tokens[0], tokens[1]
        name = actor.strip()
        config = next((t for t in tokens if t.type == "CONFIG"), None)
        alias = next((t.strip() for t in tokens if t.type == "REST"), None)
        kind = "actor" if keyword.type == "ACTOR_KEYWORD" else "participant"
        if config is not None:
            kind = self.config_type(config) or kind
        if create:
            if name in self.model.participants:
                raise self.fail(
                    actor,
                    f"'{name}' already exists and cannot be created",
                    "Create a participant only once, before any other use; use 'as' aliases.",
                )
            self.last_created = name
        participant = self.participant(actor, name, kind=kind, alias=alias or None, declared=True)
        if create:
            participant.created_line = self.line(actor)

    def config_type(self, config: Token) -> str | None:
        """The `type` in a participant's @{...}, which Mermaid reads as YAML (and fails on)."""
        body = config.strip()[2:-1]
        # sequenceDb.addActor wraps a one-line body in braces, and reads a longer one as is.
        data = body + "\n" if "\n" in body else "{\n" + body + "\n}"
        try:
            loaded = yaml.safe_load(data)
        except yaml.YAMLError as exc:
            if "found ':'" in str(exc):
                return None  # js-yaml (YAML 1.2) reads ":x" as a plain scalar; PyYAML (1.1) does not
            raise self.fail(
                config,
                f"the participant's @{{...}} is not valid YAML: {str(exc).splitlines()[0]}",
                'Write it as @{ "type": "database" }.',
            ) from None
        kind = loaded.get("type") if isinstance(loaded, dict) else None
        return str(kind) if kind else None

    def on_create(self, tree: Tree) -> None:
        self.on_participant_statement(tree.children[1], create=True)

    def on_destroy(self, tree: Tree) -> None:
        actor = tree.children[1]
        name = actor.strip()
        self.last_destroyed = name
        self.participant(actor, name).destroyed_line = self.line(actor)

    def on_box(self, tree: Tree) -> None:
        keyword = tree.children[0]
        label = next((_text(t) for t in tree.children if isinstance(t, Token) and t.type == "REST"), "")
        self.box = (self.line(keyword), label)
        for child in tree.children:
            if isinstance(child, Tree):
                for statement in child.children:
                    if isinstance(statement, Tree):
                        getattr(self, f"on_{statement.data}")(statement)
        self.box = None
        end = tree.children[-1]
        self.model.blocks.append(Block("box", label, self.line(keyword), self.line(end)))

    # Messages and activations.

    def on_signal(self, signal: Tree) -> None:
        actors = [child for child in signal.children if isinstance(child, Tree)]
        tokens = [child for child in signal.children if isinstance(child, Token)]
        source, target = (actor.children[0] for actor in actors)
        for actor in (source, target):
            self.participant(actor, actor.strip())
        arrow = next(t for t in tokens if t.type == "ARROW")
        modifier = next((str(t) for t in tokens if t.type in {"PLUS", "MINUS"}), None)
        text = tokens[-1]
        src, dst = source.strip(), target.strip()
        if self.last_created is not None:
            if dst != self.last_created:
                raise self.fail(
                    source,
                    f"created participant '{self.last_created}' has no creating message",
                    f"The message right after 'create' must go to '{self.last_created}'.",
                )
            self.last_created = None
        elif self.last_destroyed is not None:
            if self.last_destroyed not in (src, dst):
                raise self.fail(
                    source,
                    f"destroyed participant '{self.last_destroyed}' has no destroying message",
                    f"The message right after 'destroy' must come from or go to '{self.last_destroyed}'.",
                )
            self.last_destroyed = None
        self.model.messages.append(
            Message(self.line(source), src, dst, str(arrow), _text(text, 1), modifier)
        )
        if modifier == "+":
            self.toggle(target, dst, True)
        elif modifier == "-":
            self.toggle(source, src, False)

    def toggle(self, token: Token, name: str, active: bool) -> None:
        count = self.active.get(name, 0)
        if not active and count < 1:
            raise self.fail(
                token,
                f"'{name}' is deactivated but is not active",
                "Every deactivation (deactivate, or '-' after the arrow) needs an earlier "
                "activation (activate, or '+' before the receiver).",
            )
        self.active[name] = count + (1 if active else -1)
        self.model.activations.append(Activation(self.line(token), name, active))

    def on_activation(self, tree: Tree) -> None:
        keyword, actor = tree.children[:2]
        self.toggle(actor, actor.strip(), keyword.type == "ACTIVATE")

    # Other statements.

    def on_note(self, note: Tree) -> None:
        tokens = [child for child in note.children if isinstance(child, Token)]
        actors = [child.children[0] for child in note.children if isinstance(child, Tree)]
        for actor in actors:
            self.participant(actor, actor.strip())
        placement = " ".join(str(tokens[1]).lower().split())
        self.model.notes.append(
            Note(self.line(tokens[0]), placement, [a.strip() for a in actors], _text(tokens[-1], 1))
        )

    def on_actor_menu(self, tree: Tree) -> None:
        actor = tree.children[1].children[0]
        self.participant(actor, actor.strip())

    def on_autonumber(self, tree: Tree) -> None:
        self.model.autonumber = not any(
            isinstance(t, Token) and t.type == "OFF" for t in tree.children
        )

    def on_title(self, tree: Tree) -> None:
        token = tree.children[0]
        self.model.title = _text(token, 7 if token.type == "LEGACY_TITLE" else 6)

    def on_accessibility(self, tree: Tree) -> None:
        """accTitle / accDescr: nothing for the model."""

    def on_block(self, tree: Tree) -> None:
        keyword = tree.children[0]
        kind = keyword.type.lower()
        block = Block(kind, "", self.line(keyword), self.line(tree.children[-1]))
        self.model.blocks.append(block)
        for child in tree.children[1:-1]:
            if isinstance(child, Tree):
                self.document(child)
            elif child.type == "REST" and block.branches:
                block.branches[-1].label = _text(child)
            elif child.type == "REST":
                block.label = _text(child)
            elif child.type == _BLOCK_CONTINUATIONS.get(kind):
                block.branches.append(Branch(str(child).lower(), "", self.line(child)))
