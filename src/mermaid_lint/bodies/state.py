"""stateDiagram bodies: Mermaid 12.3's state grammar, its lexer, and a model for the rules.

The lexer rules are Mermaid's (stateDiagram.jison), in Mermaid's order and lexer states, all
case-insensitive as Mermaid's are (`State`, `NOTE`, a state named `Default` is a keyword);
the parser is `grammars/state.lark`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Token, Tree

from . import BodyResult, BodySyntaxError, ClassDef
from ._jison import (ACCESSIBILITY_RULES, JS_SPACE, JisonBody, Lexed, MermaidError, ParseFailure,
                     Rule, Source, TreeWalker, decode_entities, describe_expected, explain_failure,
                     js, prepare_trimmed, show, tree_tokens)


def _id(text: str, pos: int) -> tuple[str | None, int]:
    """Mermaid's `processId`: an id stops at `%%`, and one that starts with it is dropped."""
    index = text.find("%%")
    if index == 0:
        return None, len(text)
    return "ID", index if index > 0 else len(text)


def _single_word(text: str, pos: int) -> tuple[str | None, int]:
    name = re.sub(r"\s*\{$", "", text.strip())
    state_id = re.sub(r"\W+", "", name) or "S1"
    raise MermaidError(pos, f"State name must be a single word. Found: {name!r}",
                       hint=f'quote it and give it an id: state "{name}" as {state_id} {{')


_SKIP_SPACE = "(?:(?!\\n)[" + JS_SPACE + "])+"
_STRUCT = ("struct",)
_R = Rule
_RULES: tuple[Rule, ...] = (
    _R(r"click\b", "CLICK"),
    _R(r"href\b", "HREF"),
    _R(r'"[^"]*"', "STRING"),
    _R(r"default\b", "DEFAULT"),
    _R(r"[^\n]*direction" + js(r"\s+") + r"(?:TB|BT|RL|LR)[^\n]*", "DIRECTION",
       ("INITIAL", "struct")),
    _R(r"\n+", "NL"),
    _R(js(r"[\s]+"), None),
    _R(_SKIP_SPACE, None, ("struct", "STATE")),
    _R(r"#[^\n]*", None, ("INITIAL", "struct", "STATE")),  # `#` starts a comment here
    _R(r"%%(?!\{)[^\n]*", None, ("INITIAL", "struct", "STATE")),
    _R(js(r"scale\s+"), "SCALE", ops=("push:SCALE",)),
    _R(r"\d+", "WIDTH", ("SCALE",)),
    _R(js(r"\s+width\b"), None, ("SCALE",), ("pop",)),
    *ACCESSIBILITY_RULES,
    # classDef / class / style lines: the rest of the line is one token.
    _R(js(r"classDef\s+"), "CLASSDEF", ("INITIAL", "struct"), ("push:CLASSDEF",)),
    _R(js(r"DEFAULT\s+"), "DEFAULT_CLASSDEF_ID", ("CLASSDEF",), ("pop", "push:CLASSDEFID")),
    _R(js(r"\w+\s+"), "CLASSDEF_ID", ("CLASSDEF",), ("pop", "push:CLASSDEFID")),
    _R(r"[^\n]*", "CLASSDEF_STYLEOPTS", ("CLASSDEFID",), ("pop",)),
    _R(js(r"class\s+"), "CLASS", ("INITIAL", "struct"), ("push:CLASS",)),
    _R(js(r"\w+(?:,\s*\w+)*"), "CLASSENTITY_IDS", ("CLASS",), ("pop", "push:CLASS_STYLE")),
    _R(r"[^\n]*", "STYLECLASS", ("CLASS_STYLE",), ("pop",)),
    _R(js(r"style\s+"), "STYLE", ("INITIAL", "struct"), ("push:STYLE",)),
    _R(js(r"[\w,]+\s+"), "STYLE_IDS", ("STYLE",), ("pop", "push:STYLEDEF_STYLES")),
    _R(r"[^\n]*", "STYLEDEF_STYLEOPTS", ("STYLEDEF_STYLES",), ("pop",)),
    # `state ...`: pseudo-states, `"description" as id`, or a composite's name.
    _R(js(r"state\s+"), None, ("INITIAL", "struct"), ("push:STATE",)),
    _R(r"[^\n]*(?:<<fork>>|\[\[fork\]\])", "FORK", ("STATE",), ("pop",)),
    _R(r"[^\n]*(?:<<join>>|\[\[join\]\])", "JOIN", ("STATE",), ("pop",)),
    _R(r"[^\n]*(?:<<choice>>|\[\[choice\]\])", "CHOICE", ("STATE",), ("pop",)),
    _R(r'"', None, ("STATE",), ("push:STATE_STRING",)),
    _R(js(r"\s*as\s+"), "AS", ("STATE",), ("push:STATE_ID",)),
    _R(r"[^\n{]*", "ID", ("STATE_ID",), ("pop",), _id),
    _R(r'"', None, ("STATE_STRING",), ("pop",)),
    _R(r'[^"]*', "STATE_DESCR", ("STATE_STRING",)),
    _R(js(r"\w+\s+\w+[^\n]*?\{"), None, ("STATE",), hook=_single_word),
    _R(js(r"[^\n\s{]+"), "COMPOSIT_STATE", ("STATE",)),
    _R(r"\n", None, ("STATE",), ("pop",)),
    _R(r"\{", "STRUCT_START", ("INITIAL", "STATE"), ("pop", "push:struct")),
    _R(r"\}", "STRUCT_STOP", _STRUCT, ("pop",)),
    _R(r"\n", None, _STRUCT),
    # Notes: `note left of X : text`, a multi-line note ending in `end note`, or floating.
    _R(js(r"note\s+"), "NOTE", ("INITIAL", "struct"), ("push:NOTE",)),
    _R(r"left of\b", "LEFT_OF", ("NOTE",), ("pop", "push:NOTE_ID")),
    _R(r"right of\b", "RIGHT_OF", ("NOTE",), ("pop", "push:NOTE_ID")),
    _R(r'"', None, ("NOTE",), ("pop", "push:FLOATING_NOTE")),
    _R(js(r"\s*as\s*"), "AS", ("FLOATING_NOTE",), ("pop", "push:FLOATING_NOTE_ID")),
    _R(r'"', None, ("FLOATING_NOTE",)),
    _R(r'[^"]*', "NOTE_TEXT", ("FLOATING_NOTE",)),
    _R(r"[^\n]*", "ID", ("FLOATING_NOTE_ID",), ("pop",), _id),
    _R(js(r"\s*[^:\n\s\-]+"), "ID", ("NOTE_ID",), ("pop", "push:NOTE_TEXT"), _id),
    _R(js(r"\s*:[^:\n;]+"), "NOTE_TEXT", ("NOTE_TEXT",), ("pop",)),
    _R(js(r"[\s\S]*?\n\s*end note\b"), "NOTE_TEXT", ("NOTE_TEXT",), ("pop",)),
    _R(js(r"stateDiagram\s+|stateDiagram-v2\s+"), "SD"),
    _R(r"hide empty description\b", "HIDE_EMPTY"),
    _R(r"\[\*\]", "EDGE_STATE", ("INITIAL", "struct")),
    _R(js(r"[^:\n\s\-{]+"), "ID", ("INITIAL", "struct"), hook=_id),
    _R(js(r"\s*:(?:[^:\n;]|:[^:\n;])+"), "DESCR", ("INITIAL", "struct")),
    _R(r"-->", "ARROW", ("INITIAL", "struct")),
    _R(r"--", "CONCURRENT", _STRUCT),
    _R(r":::", "STYLE_SEPARATOR", ("INITIAL", "struct")),
    _R(r"\Z", "NL"),
    _R(r"[^\n\r\u2028\u2029]", "INVALID"),
)
_STATES = (
    "INITIAL", "struct", "STATE", "STATE_ID", "STATE_STRING", "SCALE", "acc_title", "acc_descr",
    "acc_descr_multiline", "CLASSDEF", "CLASSDEFID", "CLASS", "CLASS_STYLE", "STYLE",
    "STYLEDEF_STYLES", "NOTE", "NOTE_ID", "NOTE_TEXT", "FLOATING_NOTE", "FLOATING_NOTE_ID",
)

_WORDS = {
    "SD": "'stateDiagram'", "NL": "a new line", "DESCR": "': description'", "ARROW": "'-->'",
    "HIDE_EMPTY": "'hide empty description'", "SCALE": "'scale'", "WIDTH": "a width",
    "COMPOSIT_STATE": "a state name", "STRUCT_START": "'{'", "STRUCT_STOP": "'}'",
    "STATE_DESCR": "a quoted description", "AS": "'as'", "ID": "a state id", "FORK": "'<<fork>>'",
    "JOIN": "'<<join>>'", "CHOICE": "'<<choice>>'", "CONCURRENT": "'--'", "NOTE": "'note'",
    "NOTE_TEXT": "note text", "LEFT_OF": "'left of'", "RIGHT_OF": "'right of'",
    "DIRECTION": "'direction ...'", "ACC_TITLE": "'accTitle:'", "ACC_DESCR": "'accDescr:'",
    "CLICK": "'click'", "STRING": "a quoted string", "HREF": "'href'", "CLASSDEF": "'classDef'",
    "CLASSDEF_ID": "a class name", "CLASSDEF_STYLEOPTS": "styles", "STYLE": "'style'",
    "STYLE_IDS": "state ids", "STYLEDEF_STYLEOPTS": "styles", "CLASS": "'class'",
    "CLASSENTITY_IDS": "state ids", "STYLECLASS": "a class name", "EDGE_STATE": "'[*]'",
    "STYLE_SEPARATOR": "':::'",
}


@dataclass
class State:
    id: str  # "[*]" for start/end
    line: int  # first mention
    descriptions: list[str] = field(default_factory=list)
    kind: str | None = None  # "fork", "join", "choice", or None
    composite: bool = False
    parent: str | None = None  # the enclosing composite state


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str | None
    line: int
    parent: str | None  # the enclosing composite state


@dataclass(frozen=True)
class StateNote:
    state: str
    text: str
    position: str | None  # "left of" / "right of"; None for a floating note
    line: int


@dataclass(frozen=True)
class Composite:
    id: str
    line: int
    end_line: int
    parent: str | None


@dataclass
class StateDiagram:
    states: dict[str, State] = field(default_factory=dict)  # in order of first mention
    transitions: list[Transition] = field(default_factory=list)
    composites: list[Composite] = field(default_factory=list)
    notes: list[StateNote] = field(default_factory=list)
    class_defs: list[ClassDef] = field(default_factory=list)
    direction: str | None = None


def parse(text: str) -> BodyResult:
    return _BODY.parse(text)


def _description(token: Token) -> str:
    """Mermaid's trimColon: the text after the first ':'."""
    return decode_entities(re.sub(r"^\s*:\s*", "", str(token)).strip())


class _Builder(TreeWalker):
    def __init__(self, source: Source) -> None:
        super().__init__(source)
        self.model = StateDiagram()
        self.offsets: dict[str, int] = {}  # where each state is first mentioned

    def build(self, tree: Tree[Token]) -> StateDiagram:
        self.statements(tree.children, None)
        # Mermaid refuses a composite state that also has more than one description.
        for state in self.model.states.values():
            if state.composite and len(state.descriptions) > 1:
                raise MermaidError(self.offsets[state.id], "Group nodes can only have "
                                   f"label: the composite state {state.id!r} has "
                                   f"{len(state.descriptions)} descriptions",
                                   hint="keep one description for a composite state")
        return self.model

    def mention(self, state_id: str, token: Token, parent: str | None) -> State:
        state = self.model.states.get(state_id)
        if state is None:
            state = State(state_id, self.line(token), parent=parent)
            self.model.states[state_id] = state
            self.offsets[state_id] = token.start_pos or 0
        return state

    def describe(self, state: State, text: str) -> None:
        # As Mermaid's data fetcher: a description equal to the id does not count.
        if text and not (text == state.id and not state.descriptions):
            state.descriptions.append(text)

    def state_id(self, tree: Tree[Token]) -> tuple[str, Token]:
        first = tree_tokens(tree)[0]
        return str(first).strip(), first

    def _state(self, tree: Tree[Token], parent: str | None) -> None:
        id_tree = tree.children[0]
        assert isinstance(id_tree, Tree)
        name, token = self.state_id(id_tree)
        state = self.mention(name, token, parent)
        if len(tree.children) > 1:
            descr = tree.children[1]
            assert isinstance(descr, Token)
            self.describe(state, _description(descr))

    def _transition(self, tree: Tree[Token], parent: str | None) -> None:
        source_tree, target_tree = tree.children[0], tree.children[2]
        assert isinstance(source_tree, Tree) and isinstance(target_tree, Tree)
        source, source_token = self.state_id(source_tree)
        target, target_token = self.state_id(target_tree)
        self.mention(source, source_token, parent)
        self.mention(target, target_token, parent)
        label = tree.children[3] if len(tree.children) > 3 else None
        self.model.transitions.append(Transition(
            source, target, _description(label) if isinstance(label, Token) else None,
            self.line(source_token), parent,
        ))

    def _composite(self, tree: Tree[Token], parent: str | None) -> None:
        first = tree.children[0]
        assert isinstance(first, Token)
        if first.type == "COMPOSIT_STATE":
            name, token = str(first).strip(), first
            description = None
        else:
            token = tree.children[2]
            assert isinstance(token, Token)
            name, description = str(token).strip(), str(first)
        state = self.mention(name, token, parent)
        if description is not None:
            self.describe(state, description.strip())
        has_body = any(isinstance(c, Token) and c.type == "STRUCT_START" for c in tree.children)
        if has_body:
            state.composite = True
            end = tree.children[-1]
            assert isinstance(end, Token)
            self.model.composites.append(Composite(name, self.line(first), self.line(end), parent))
            self.statements(tree.children, name)

    def _pseudo_state(self, tree: Tree[Token], parent: str | None) -> None:
        token = tree.children[0]
        assert isinstance(token, Token)
        if token.type == "CONCURRENT":
            return
        name = re.sub(r"(?i)\s*(<<\w+>>|\[\[\w+\]\])$", "", str(token)).strip()
        self.mention(name, token, parent).kind = token.type.lower()

    def _note(self, tree: Tree[Token], parent: str | None) -> None:
        tokens = [c for c in tree.children if isinstance(c, Token)]
        if tokens[1].type in ("LEFT_OF", "RIGHT_OF"):
            position, target, text = str(tokens[1]).lower(), str(tokens[2]).strip(), str(tokens[3])
            text = re.sub(r"^\s*:", "", text)
            text = re.sub(r"\n\s*end note$", "", text, flags=re.IGNORECASE)
        else:
            position, target, text = None, str(tokens[3]).strip(), str(tokens[1])
        self.model.notes.append(StateNote(target, decode_entities(text.strip()), position,
                                          self.line(tokens[0])))

    def _class_def(self, tree: Tree[Token], parent: str | None) -> None:
        name = tree.children[1]
        assert isinstance(name, Token)
        self.model.class_defs.append(ClassDef(str(name).strip(), self.line(name)))

    def _direction(self, tree: Tree[Token], parent: str | None) -> None:
        match = re.search(r"(?i)direction\s+(TB|BT|RL|LR)", str(tree.children[0]))
        if parent is None and match:
            self.model.direction = match.group(1).upper()


def _explain(source: Source, failure: ParseFailure) -> BodySyntaxError:
    return explain_failure(source, failure, describe_expected(failure.expected, _WORDS),
                           _describe, _at_end, _char_hint)


def _at_end(failure: ParseFailure) -> tuple[str, str | None]:
    if "STRUCT_STOP" in failure.expected or (failure.stack and failure.stack[-1] == "struct"):
        return "Unexpected end of diagram: a composite state's '{' is never closed", \
            "close it with '}'"
    return "Unexpected end of diagram", None


def _describe(token: Lexed, previous: list[Lexed]) -> tuple[str, str | None]:
    shown = show(token.value)
    if token.type == "INVALID":
        return _invalid(token, previous)
    if token.type == "DEFAULT_CLASSDEF_ID":
        return ("Unexpected 'default': state diagrams cannot redefine the default class",
                "give the class another name")
    if token.type in ("CLICK", "HREF", "DEFAULT", "NOTE", "CLASSDEF", "CLASS", "STYLE",
                      "SCALE") and previous and previous[-1].type == "ARROW":
        return (f"Unexpected keyword {shown}: state names are matched without case, so it "
                "cannot be a state id", "rename the state (e.g. add a word: 'ClassState')")
    return (f"Unexpected {shown}", None)


def _invalid(token: Lexed, previous: list[Lexed]) -> tuple[str, str | None]:
    char = token.value
    if char in "-=.|" or (previous and previous[-1].type == "ARROW" and char == ">"):
        return (f"Unexpected {char!r}: flowchart syntax in a state diagram",
                "transitions are written A --> B : label (no ---, ==>, -.-> or |label|); "
                "'--' alone separates concurrent regions inside a composite state")
    if char in "[]()":
        return (f"Unexpected {char!r}: state diagrams have no node shapes",
                'describe a state with: state "Label" as Id, or Id : Label')
    return (f"Unexpected character {char!r}", None)


def _char_hint(char: str, previous: list[Lexed]) -> str | None:
    if char == "-":
        return "'--' (concurrent regions) is only allowed inside a composite state { }"
    if char == "\xb0":
        return "an HTML entity like '#35;' is only allowed in descriptions"
    return None


_BODY = JisonBody("state", "stateDiagram", _RULES, _STATES, prepare_trimmed, _explain,
                  lambda source, tree: _Builder(source).build(tree), flags=re.IGNORECASE)
