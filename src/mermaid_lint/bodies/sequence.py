"""Sequence diagram bodies: participants, messages, blocks, notes and activations.

After parsing, Mermaid replays the statements (sequenceDb.apply) and fails on a few more things:
deactivating an inactive participant, a participant in two boxes, `create` without its creating
message, `destroy` without its destroying message, and a participant's `@{...}` that is not YAML.
`_Replay` repeats those checks in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from lark import Token, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken

from mermaid_lint.bodies import BodyResult, BodySyntaxError
from mermaid_lint.bodies.mindmap import Prepared, parse_prepared, did_you_mean, syntax_error, token_position

DIAGRAM_TYPES = ("sequenceDiagram",)

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
    box: str | None = None
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
class Block:
    kind: str  # loop, alt, opt, par, par_over, critical, break, rect, box
    label: str
    line: int
    end_line: int
    # else / and / option branches: (keyword, label, line)
    branches: list[tuple[str, str, int]] = field(default_factory=list)


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
    tree, prepared, exc = parse_prepared("sequence", text, "\x00")
    if tree is None:
        return BodyResult("sequenceDiagram", error=_parse_error(exc, prepared))
    replay = _Replay(prepared)
    try:
        replay.document(tree.children[1])
    except _Failure as failure:
        return BodyResult("sequenceDiagram", error=failure.error)
    return BodyResult("sequenceDiagram", model=replay.model)


def _parse_error(exc: UnexpectedInput, prepared: Prepared) -> BodySyntaxError:
    line_text = prepared.line_text(exc.line)
    before = line_text[: exc.column - 1]
    rest = line_text[exc.column - 1 :]
    expected = set(exc.expected if isinstance(exc, UnexpectedToken) else exc.allowed)
    token = exc.token if isinstance(exc, UnexpectedToken) else None
    at_end = token is not None and token.type == "$END" or rest.startswith("\x00")
    word = (rest.split() or [""])[0]
    message: str | None = None
    hint: str | None = None
    if at_end and expected & {"END", "ELSE", "AND", "OPTION"}:
        message = "a block is not closed: 'end' is missing"
        hint = "Close every loop/alt/opt/par/critical/break/rect/box with 'end'."
    elif at_end:
        message = "unexpected end of the diagram"
    elif not before.strip() and word.lower() == "end" and "END" not in expected:
        message = "'end' without an open block"
        hint = "Remove it, or open the block (loop, alt, opt, par, critical, break, rect, box)."
    elif not before.strip() and word.lower() in {"else", "and", "option"}:
        message = f"'{word}' outside its block"
        hint = "'else' belongs in alt, 'and' in par, 'option' in critical."
    elif before.rstrip().lower().endswith("autonumber") and not rest[:1].strip():
        message = "text after 'autonumber' on its line"
        hint = "Blanks after 'autonumber' swallow the line break in Mermaid; remove trailing spaces."
    elif {"ACTOR", "ID_ACTOR"} & expected and word.rstrip(":;,").lower() in _KEYWORD_WORDS:
        name = word.rstrip(":;,")
        message = f"'{name}' is a keyword, not a participant name"
        hint = f"Declare it with another id and an alias: participant P as {name}"
    elif "TXT" in expected and "ARROW" not in expected:
        message = "a message needs ':' and a text after the receiver"
        hint = "Write 'A->>B: text' (the text may be empty: 'A->>B: ')."
    elif "ARROW" in expected and not before.strip():
        suggestion = did_you_mean(word, KEYWORDS)
        message = f"unknown statement {word!r}: not a keyword and not a message"
        if suggestion:
            hint = f"Did you mean '{suggestion}'?"
    elif "ARROW" in expected:
        message = "expected an arrow such as ->> , -->> , -> , -x or -) after the sender"
        if "-" in rest[:3] or ">" in rest[:3]:
            hint = "Sequence arrows: ->, -->, ->>, -->>, <<->>, -x, --x, -), --)."
    return syntax_error(exc, prepared, _NAMES, hint, message)


_KEYWORD_WORDS = {word.lower() for word in KEYWORDS} | {"over", "off", "sequencediagram"}


def _text(token: Token, start: int = 0) -> str:
    return str(token)[start:].strip()


class _Replay:
    """Builds the model while repeating the checks of Mermaid's sequenceDb.apply, in order."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.model = SequenceDiagram()
        self.box: str | None = None
        self.active: dict[str, int] = {}
        self.last_created: tuple[str, Token] | None = None
        self.last_destroyed: tuple[str, Token] | None = None

    def fail(self, token: Token, message: str, hint: str | None = None) -> _Failure:
        line, column = token_position(token, self.prepared)
        return _Failure(BodySyntaxError(line, column, message, (), hint))

    def line(self, token: Token) -> int:
        return token_position(token, self.prepared)[0]

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
            if self.box is not None and old.box is not None and old.box != self.box:
                raise self.fail(
                    token,
                    f"participant '{name}' is already in box '{old.box}'",
                    "A participant can be in only one box.",
                )
            old.box = old.box or self.box
            for key, value in details.items():
                if value is not None:
                    setattr(old, key, value)
            return old
        created = Participant(name, self.line(token), box=self.box)
        for key, value in details.items():
            if value is not None:
                setattr(created, key, value)
        self.model.participants[name] = created
        return created

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
            self.last_created = (name, actor)
        participant = self.participant(actor, name, kind=kind, alias=alias or None, declared=True)
        if create:
            participant.created_line = self.line(actor)

    def config_type(self, config: Token) -> str | None:
        body = config.strip()[2:-1]
        if "\n" in body:
            # Mermaid reads a multi-line @{...} as block YAML, where js-yaml and PyYAML disagree
            # on details; only the one-line form (a flow mapping) is checked.
            return None
        try:
            loaded = yaml.safe_load("{\n" + body + "\n}")
        except yaml.YAMLError as exc:
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
        self.last_destroyed = (name, actor)
        self.participant(actor, name).destroyed_line = self.line(actor)

    def on_box(self, tree: Tree) -> None:
        keyword = tree.children[0]
        label = next((_text(t) for t in tree.children if isinstance(t, Token) and t.type == "REST"), "")
        self.box = label or f"box at line {self.line(keyword) + 1}"
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
            name, _ = self.last_created
            if dst != name:
                raise self.fail(
                    source,
                    f"created participant '{name}' has no creating message",
                    f"The message right after 'create' must go to '{name}'.",
                )
            self.last_created = None
        elif self.last_destroyed is not None:
            name, _ = self.last_destroyed
            if name not in (src, dst):
                raise self.fail(
                    source,
                    f"destroyed participant '{name}' has no destroying message",
                    f"The message right after 'destroy' must come from or go to '{name}'.",
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
        branch: tuple[str, int] | None = None
        for child in tree.children[1:-1]:
            if isinstance(child, Tree):
                self.document(child)
            elif child.type == "REST" and branch is None:
                block.label = _text(child)
            elif child.type == "REST" and branch is not None:
                block.branches[-1] = (branch[0], _text(child), branch[1])
            elif child.type == _BLOCK_CONTINUATIONS.get(kind):
                branch = (str(child).lower(), self.line(child))
                block.branches.append((branch[0], "", branch[1]))
