"""classDiagram bodies: Mermaid 12.3's class grammar, its lexer, and a model for the rules.

The lexer rules are Mermaid's (classDiagram.jison), in Mermaid's order and lexer states;
the parser is `grammars/class.lark`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lark import Token, Tree

from . import BodyFix, BodyResult, BodySyntaxError, ClassDef, TextEdit
from ._jison import (ACCESSIBILITY_RULES, JS_SPACE, UNICODE_LETTER, JisonBody, Lexed, MermaidError,
                     ParseFailure, Rule, Source, TreeWalker, decode_entities, describe_expected,
                     explain_failure, js, label_span, prepare_trimmed, show, tree_tokens)


_ALL = ("*",)
_R = Rule
_RULES: tuple[Rule, ...] = (
    _R(r"[^\n]*direction" + js(r"\s+") + r"(?:TB|BT|RL|LR)[^\n]*", "DIRECTION"),
    # `%%` to the end of the line, with the line breaks after it.
    _R(r"%%[^\n]*(?:\r?\n|\r)*", None),
    *ACCESSIBILITY_RULES,
    _R(js(r"\s*(?:\r?\n)+"), "NEWLINE"),
    _R(js(r"\s+"), None),
    _R(r"classDiagram-v2\b|classDiagram\b", "CLASS_DIAGRAM"),
    _R(r"\[\*\]", "EDGE_STATE"),
    _R(js(r"call[\s]+"), None, ops=("push:callback_name",)),
    _R(js(r"\([\s]*\)"), None, ("callback_name",), ("pop",)),
    _R(r"\(", None, ("callback_name",), ("pop", "push:callback_args")),
    _R(r"[^(]*", "CALLBACK_NAME", ("callback_name",)),
    _R(r"\)", None, ("callback_args",), ("pop",)),
    _R(r"[^)]*", "CALLBACK_ARGS", ("callback_args",)),
    _R(r'"', None, ("string",), ("pop",)),
    _R(r'[^"]*', "STR", ("string",)),
    _R(r'"', None, _ALL, ("push:string",)),
    _R(r"style\b", "STYLE"),
    _R(r"classDef\b", "CLASSDEF"),
    # namespace X { ... }: its own states, so `class` and `}` mean the right thing inside.
    _R(r"namespace\b", "NAMESPACE", ("INITIAL", "namespace", "namespace-body"), ("push:namespace",)),
    _R(js(r"\s*(?:\r?\n)+"), "NEWLINE", ("namespace",), ("pop",)),
    _R(js(r"\s+"), None, ("namespace",)),
    _R(r"\{", "STRUCT_START", ("namespace",), ("push:namespace-body",)),
    _R(r"\}", None, ("namespace",), ("pop", "less:0")),
    _R(r"\}", "STRUCT_STOP", ("namespace-body",), ("pop",)),
    _R(r"\Z", "EOF_IN_STRUCT", ("namespace-body",)),
    _R(js(r"\s*(?:\r?\n)+"), "NEWLINE", ("namespace-body",)),
    _R(js(r"\s+"), None, ("namespace-body",)),
    _R(r"\[\*\]", "EDGE_STATE", ("namespace-body",)),
    # class X { members }: a body line is one MEMBER token, whatever it holds, but a `{`.
    _R(r"class\b", "CLASS", ("INITIAL", "namespace-body"), ("push:class",)),
    _R(js(r"\s*(?:\r?\n)+"), "NEWLINE", ("class",), ("pop",)),
    _R(js(r"\s+"), None, ("class",)),
    _R(r"\}", "STRUCT_STOP", ("class",), ("pop", "pop")),
    _R(r"\{", "STRUCT_START", ("class",), ("push:class-body",)),
    _R(r"\}", "STRUCT_STOP", ("class-body",), ("pop",)),
    _R(r"\Z", "EOF_IN_STRUCT", ("class-body",)),
    _R(r"\[\*\]", "EDGE_STATE", ("class-body",)),
    _R(r"\{", "OPEN_IN_STRUCT", ("class-body",)),
    _R(r"\n", None, ("class-body",)),
    _R(r"[^{}\n]*", "MEMBER", ("class-body",)),
    _R(r"cssClass\b", "CSSCLASS", _ALL),
    _R(r"callback\b", "CALLBACK", _ALL),
    _R(r"link\b", "LINK", _ALL),
    _R(r"click\b", "CLICK", _ALL),
    _R(r"note for\b", "NOTE_FOR", _ALL),
    _R(r"note\b", "NOTE", _ALL),
    _R(r"<<", "ANNOTATION_START", _ALL),
    _R(r">>", "ANNOTATION_END", _ALL),
    _R(r"href\b", "HREF", _ALL),
    _R(r"~", None, ("generic",), ("pop",)),
    _R(r"[^~]*", "GENERICTYPE", ("generic",)),
    _R(r"~", None, _ALL, ("push:generic",)),
    _R(r"`", None, ("bqstring",), ("pop",)),
    _R(r"[^`]+", "BQUOTE_STR", ("bqstring",)),
    _R(r"`", None, _ALL, ("push:bqstring",)),
    _R(r"_self\b|_blank\b|_parent\b|_top\b", "LINK_TARGET", _ALL),
    _R(js(r"\s*<\||\s*\|>"), "EXTENSION", _ALL),
    _R(js(r"\s*>|\s*<"), "DEPENDENCY", _ALL),
    _R(js(r"\s*\*"), "COMPOSITION", _ALL),
    _R(js(r"\s*o\b"), "AGGREGATION", _ALL),
    _R(js(r"\s*\(\)"), "LOLLIPOP", _ALL),
    _R(r"--", "LINE", _ALL),
    _R(r"\.\.", "DOTTED_LINE", _ALL),
    _R(r":[^:\n;]+", "LABEL", _ALL),
    _R(r":::", "STYLE_SEPARATOR", _ALL),
    _R(r"-", "MINUS", _ALL),
    _R(r"\.", "DOT", _ALL),
    _R(r"\+", "PLUS", _ALL),
    _R(r":", "COLON"),
    _R(r",", "COMMA"),
    _R(r"#", "BRKT"),
    _R(r"%", "PCT", _ALL),
    _R(r"=", "EQUALS", _ALL),
    _R(r"\w+", "ALPHA", _ALL),
    _R(r"\[", "SQS", _ALL),
    _R(r"\]", "SQE", _ALL),
    _R(r"[!\"#$%&'*+,\-.`?\\/]", "PUNCTUATION", _ALL),
    _R(UNICODE_LETTER, "UNICODE_TEXT", _ALL),
    _R(f"[{JS_SPACE}]", "SPACE", _ALL),
    _R(r"\Z", "EOF", _ALL),
)
_STATES = (
    "INITIAL", "acc_title", "acc_descr", "acc_descr_multiline", "callback_name", "callback_args",
    "string", "namespace", "namespace-body", "class", "class-body", "generic", "bqstring",
)

_WORDS = {
    "CLASS_DIAGRAM": "'classDiagram'", "NEWLINE": "a new line", "EOF": "end of diagram",
    "SQS": "'['", "STR": "a quoted string", "SQE": "']'", "DOT": "'.'",
    "GENERICTYPE": "a generic type (~T~)", "LABEL": "': label'", "DIRECTION": "'direction ...'",
    "ACC_TITLE": "'accTitle:'", "ACC_DESCR": "'accDescr:'", "STRUCT_START": "'{'",
    "STRUCT_STOP": "'}'", "NAMESPACE": "'namespace'", "STYLE_SEPARATOR": "':::'",
    "ANNOTATION_START": "'<<'", "ANNOTATION_END": "'>>'", "CLASS": "'class'",
    "MEMBER": "a member", "NOTE_FOR": "'note for'", "NOTE": "'note'", "CLASSDEF": "'classDef'",
    "ALPHA": "a name", "COMMA": "','", "AGGREGATION": "'o'", "EXTENSION": "'<|' or '|>'",
    "COMPOSITION": "'*'", "DEPENDENCY": "'<' or '>'", "LOLLIPOP": "'()'", "LINE": "'--'",
    "DOTTED_LINE": "'..'", "CALLBACK": "'callback'", "LINK": "'link'", "CLICK": "'click'",
    "LINK_TARGET": "a link target (_blank, ...)", "CALLBACK_NAME": "a callback name",
    "CALLBACK_ARGS": "callback arguments", "HREF": "'href'", "STYLE": "'style'",
    "CSSCLASS": "'cssClass'", "NUM": "a number", "COLON": "':'", "BRKT": "'#'", "PCT": "'%'",
    "MINUS": "'-'", "UNICODE_TEXT": "a name", "BQUOTE_STR": "a `quoted` name",
}
_RELATION_TOKENS = frozenset({"AGGREGATION", "EXTENSION", "COMPOSITION", "DEPENDENCY",
                              "LOLLIPOP", "LINE", "DOTTED_LINE"})


@dataclass
class ClassNode:
    name: str  # without its generic part, as Mermaid keys it
    line: int  # first mention
    generic: str | None = None
    label: str | None = None
    members: list[str] = field(default_factory=list)  # as written, body lines and `A : m`
    annotations: list[str] = field(default_factory=list)
    css_classes: list[str] = field(default_factory=list)
    namespace: str | None = None


@dataclass(frozen=True)
class Relation:
    source: str
    target: str
    arrow: str  # as written, e.g. "<|--", "*--", "..>"
    label: str | None
    source_cardinality: str | None
    target_cardinality: str | None
    line: int


@dataclass(frozen=True)
class Note:
    text: str
    class_name: str | None  # `note for X`, None for a free note
    line: int


@dataclass(frozen=True)
class Namespace:
    name: str
    line: int
    class_names: tuple[str, ...]


@dataclass
class ClassDiagram:
    classes: dict[str, ClassNode] = field(default_factory=dict)  # in order of first mention
    relations: list[Relation] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    namespaces: list[Namespace] = field(default_factory=list)
    class_defs: list[ClassDef] = field(default_factory=list)
    direction: str | None = None


def parse(text: str) -> BodyResult:
    return _BODY.parse(text)


def _name(tree: Tree[Token]) -> tuple[str, str | None]:
    """A class name as Mermaid joins it, and its generic type."""
    parts: list[str] = []
    generic = None
    for token in tree_tokens(tree):
        if token.type == "GENERICTYPE":
            generic = str(token)
        else:
            parts.append(str(token))
    return decode_entities("".join(parts)), generic


class _Builder(TreeWalker):
    def __init__(self, source: Source) -> None:
        super().__init__(source)
        self.model = ClassDiagram()

    def build(self, tree: Tree[Token]) -> ClassDiagram:
        self.statements(tree.children, None)
        return self.model

    def mention(self, tree: Tree[Token], namespace: str | None = None) -> ClassNode:
        name, generic = _name(tree)
        node = self.model.classes.get(name)
        if node is None:
            node = ClassNode(name, self.line(tree_tokens(tree)[0]), generic)
            self.model.classes[name] = node
        if generic and not node.generic:
            node.generic = generic
        if namespace is not None:
            node.namespace = namespace
        return node

    def _class_statement(self, tree: Tree[Token], namespace: str | None) -> str:
        children = tree.children
        name_tree = children[1]
        assert isinstance(name_tree, Tree)
        node = self.mention(name_tree, namespace)
        tokens = [c for c in children[2:] if isinstance(c, Token)]
        for child in children[2:]:
            if isinstance(child, Tree) and child.data == "class_label":
                node.label = str(tree_tokens(child)[1])
            elif isinstance(child, Tree) and child.data == "members":
                for token in tree_tokens(child):
                    self.add_member(node, str(token), token, sanitized=False)
        for index, token in enumerate(tokens):
            if token.type == "STYLE_SEPARATOR":
                node.css_classes.append(str(tokens[index + 1]))
            elif token.type == "ANNOTATION_START":
                node.annotations.append(str(tokens[index + 1]))
        return node.name

    def _namespace(self, tree: Tree[Token], namespace: str | None) -> None:
        name_tree = tree.children[1]
        assert isinstance(name_tree, Tree)
        name = "".join(str(t) for t in tree_tokens(name_tree))
        names = [defined for statement, defined in self.statements(tree.children[2:], name)
                 if statement.data == "class_statement" and defined]
        line = self.line(tree_tokens(tree)[0])
        self.model.namespaces.append(Namespace(name, line, tuple(names)))

    def add_member(self, node: ClassNode, text: str, token: Token, sanitized: bool) -> None:
        member = decode_entities(text.strip())
        if member.startswith("<<") and member.endswith(">>"):
            node.annotations.append(member[2:-2])
            return
        if not member:
            return
        # Mermaid reads a member with a ')' as a method and fails (a TypeError) when, once its
        # HTML sanitizer has dropped an unclosed tag, it is not of the form name(...).
        # `A : member` lines are sanitized before that test, body lines only after it.
        clean = _drop_unclosed_tag(member)
        if (clean if sanitized else member).find(")") > 0 and not re.search(r".\(.*\)", clean):
            raise MermaidError(token.start_pos or 0, f"Mermaid cannot read the member {member!r}: "
                               "it has a ')' but is not a method name(...)",
                               hint="write methods as name(args) and keep parentheses balanced")
        node.members.append(member)

    def _annotation(self, tree: Tree[Token], namespace: str | None) -> None:
        target = tree.children[3]
        assert isinstance(target, Tree)
        name, _ = _name(target)
        if name.split("~")[0] not in self.model.classes:
            first = tree_tokens(tree)[0]
            raise MermaidError(first.start_pos or 0, f"Annotation for {name!r}, which is not "
                               "defined above it (Mermaid fails on it)",
                               hint=f"define the class first (class {name}), or put the "
                               "annotation inside its body")
        self.mention(target).annotations.append(str(tree.children[1]))

    def _member_statement(self, tree: Tree[Token], namespace: str | None) -> None:
        # A bare class name is accepted but, as in Mermaid, defines nothing.
        first = tree.children[0]
        if isinstance(first, Tree) and len(tree.children) > 1:
            label = tree.children[1]
            assert isinstance(label, Token)
            self.add_member(self.mention(first), str(label)[1:], label, sanitized=True)

    def _relation(self, tree: Tree[Token], namespace: str | None) -> None:
        names = [c for c in tree.children if isinstance(c, Tree) and c.data == "class_name"]
        arrow = next(c for c in tree.children if isinstance(c, Tree) and c.data == "arrow")
        source, target = self.mention(names[0]), self.mention(names[1])
        index = tree.children.index(arrow)
        before, after = tree.children[index - 1], tree.children[index + 1]
        label = tree.children[-1]
        self.model.relations.append(Relation(
            source.name, target.name,
            "".join(str(t).strip() for t in tree_tokens(arrow)),
            str(label)[1:].strip() if isinstance(label, Token) and label.type == "LABEL" else None,
            str(before) if isinstance(before, Token) and before.type == "STR" else None,
            str(after) if isinstance(after, Token) and after.type == "STR" else None,
            self.line(tree_tokens(names[0])[0]),
        ))

    def _note(self, tree: Tree[Token], namespace: str | None) -> None:
        target = next((c for c in tree.children if isinstance(c, Tree)), None)
        text = tree.children[-1]
        self.model.notes.append(Note(
            decode_entities(str(text)), _name(target)[0] if target is not None else None,
            self.line(tree_tokens(tree)[0]),
        ))

    def _class_def(self, tree: Tree[Token], namespace: str | None) -> None:
        # `classDef a,b style...`: names are the first word and each word after a comma.
        line = self.line(tree_tokens(tree)[0])
        children = tree.children
        index = 1
        while index < len(children):
            self.model.class_defs.append(ClassDef(str(children[index]), line))
            if index + 2 < len(children) and isinstance(children[index + 1], Token) \
                    and children[index + 1].type == "COMMA":
                index += 2
            else:
                break

    def _direction(self, tree: Tree[Token], namespace: str | None) -> None:
        match = re.search(r"direction\s+(TB|BT|RL|LR)", str(tree.children[0]))
        self.model.direction = match.group(1) if match else None


def _drop_unclosed_tag(text: str) -> str:
    """What Mermaid's HTML sanitizer leaves of a tag opened and never closed: nothing."""
    return re.sub(r"<[A-Za-z/!?][^>]*$", "", text)


def _explain(source: Source, failure: ParseFailure) -> BodySyntaxError:
    error = explain_failure(source, failure, describe_expected(failure.expected, _WORDS),
                            _describe, _at_end, _char_hint)
    fix = _quote_label(source, failure)
    return replace(error, fix=fix) if fix is not None else error


# The tokens of a class name, as `class_name` in grammars/class.lark reads them.
_NAME_PARTS = frozenset({"ALPHA", "NUM", "UNICODE_TEXT", "MINUS", "DOT", "BQUOTE_STR",
                         "GENERICTYPE"})


def _label_opener(previous: list[Lexed]) -> Lexed | None:
    """The '[' of `class A[`, when it is the last token the parser took."""
    if not previous or previous[-1].type != "SQS":
        return None
    index = len(previous) - 2
    while index >= 0 and previous[index].type in _NAME_PARTS:
        index -= 1
    if index < 0 or index == len(previous) - 2 or previous[index].type != "CLASS":
        return None
    return previous[-1]


def _quote_label(source: Source, failure: ParseFailure) -> BodyFix | None:
    """`class A[Label]`: Mermaid only takes a quoted label; quote it when its end is certain."""
    opener = _label_opener(failure.previous) if failure.token is not None else None
    span = label_span(source, opener, ("]",)) if opener is not None else None
    if span is None:
        return None
    line, start, end = span
    label = source.original_line(line)[start:end]
    if not label.strip() or '"' in label or "<" in label:
        return None  # a '"' cannot be written in it; Mermaid would drop `<T>` as an HTML tag
    return BodyFix((TextEdit((line, start), (line, end), f'"{label}"'),), "quote the label")


def _at_end(failure: ParseFailure) -> tuple[str, str | None]:
    if failure.stack and failure.stack[-1] == "string":
        return "Unclosed string: a '\"' is missing", "close the quoted text with '\"'"
    return "Unexpected end of diagram", None


def _describe(token: Lexed, previous: list[Lexed]) -> tuple[str, str | None]:
    shown = show(token.value)
    if _label_opener(previous) is not None:
        return (f"Unexpected {shown}: a class label must be quoted",
                'write the label in double quotes: class Animal["Animal (base)"]')
    if token.type == "OPEN_IN_STRUCT":
        return ("Unexpected '{' inside a class body",
                "a class body cannot hold braces: drop '{ get }' / '{ get set }' and write "
                "the member on one line, e.g. +name: String")
    if token.type == "EOF_IN_STRUCT":
        return ("Unexpected end of diagram: a '{' is never closed", "close the body with '}'")
    if token.type == "EQUALS" or (token.type == "SQS" and previous
                                   and previous[-1].type in ("ALPHA", "NUM")
                                   and not any(p.type == "CLASS" for p in previous[-2:])):
        return (f"Unexpected {shown}: flowchart syntax in a class diagram",
                "class diagrams write relations as A <|-- B, A --> B : label, and labels as "
                "class A[\"Label\"]")
    if token.type == "DOT" and previous and previous[-1].type in ("MINUS", "LINE"):
        return (f"Unexpected {shown}: flowchart syntax in a class diagram",
                "use '..>' or '..' for dotted relations (A ..> B)")
    if token.type in _RELATION_TOKENS and previous and previous[-1].type in _RELATION_TOKENS:
        return (f"Unexpected {shown} in a relation", "a relation is at most one end mark, a "
                "line and one end mark: A <|-- B, A *-- B, A ..> B")
    if token.type == "NEWLINE" and previous and previous[-1].type == "CLASS_DIAGRAM":
        return ("Unexpected end of diagram: a class diagram needs at least one statement", None)
    return (f"Unexpected {shown}", None)


def _char_hint(char: str, previous: list[Lexed]) -> str | None:
    if char == "|":
        return ("flowchart edge labels (-->|text|) do not work in class diagrams: write "
                "A --> B : text")
    if char == "\xb0":
        return "an HTML entity like '#35;' is only allowed inside a label or a member"
    return None


_BODY = JisonBody("class", "classDiagram", _RULES, _STATES, prepare_trimmed, _explain,
                  lambda source, tree: _Builder(source).build(tree))
