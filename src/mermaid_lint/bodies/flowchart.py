"""Flowchart / graph bodies: Mermaid 12.3's flow grammar, its lexer, and a model for the rules.

The lexer rules below are Mermaid's (flow.jison), in Mermaid's order and lexer states; the
parser is `grammars/flowchart.lark`. What Mermaid's database rejects while parsing (an unknown
`@{ shape }`, broken shape-data YAML, a `linkStyle` index past the edges so far, more than 500
edges) is checked on the tree, in statement order as Mermaid does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import yaml
from lark import Token, Tree

from . import BodyFix, BodyResult, BodySyntaxError, ClassDef, TextEdit
from ._jison import (ACCESSIBILITY_RULES, JS_DOT, JS_SPACE, UNICODE_LETTER, JisonBody, Lexed,
                     MermaidError, ParseFailure, Rule, Source, TreeWalker, clean_tags,
                     clean_tags_in, decode_entities, describe_expected, encode_entities,
                     explain_failure, js, label_span, show, tree_tokens)


# Lexer states inside a node or edge label, where brackets open a new label.
_LABEL_STATES = ("text", "trapText", "ellipseText")

_ALL = ("*",)
_R = Rule
_RULES: tuple[Rule, ...] = (
    *ACCESSIBILITY_RULES,
    # `@{ ... }` shape data, with its own string state.
    _R(r"@\{", "SHAPE_DATA", ops=("push:shapeData",)),
    _R(r'"', "SHAPE_DATA", ("shapeData",), ("push:shapeDataStr",)),
    _R(r'"', "SHAPE_DATA", ("shapeDataStr",), ("pop",)),
    _R(r'[^"]+', "SHAPE_DATA", ("shapeDataStr",)),
    _R(r'[^}^"]+', "SHAPE_DATA", ("shapeData",)),
    _R(r"\}", None, ("shapeData",), ("pop",)),
    # `click A call fn(args)`
    _R(js(r"call[\s]+"), None, ops=("push:callbackname",)),
    _R(js(r"\([\s]*\)"), None, ("callbackname",), ("pop",)),
    _R(r"\(", None, ("callbackname",), ("pop", "push:callbackargs")),
    _R(r"[^(]*", "CALLBACKNAME", ("callbackname",)),
    _R(r"\)", None, ("callbackargs",), ("pop",)),
    _R(r"[^)]*", "CALLBACKARGS", ("callbackargs",)),
    # Strings: "`markdown`" and "plain", in every state.
    _R(r'[^`"]+', "MD_STR", ("md_string",)),
    _R(r'`"', None, ("md_string",), ("pop",)),
    _R(r'"`', None, _ALL, ("push:md_string",)),
    _R(r'[^"]+', "STR", ("string",)),
    _R(r'"', None, ("string",), ("pop",)),
    _R(r'"', None, _ALL, ("push:string",)),
    # Keywords: keywords wherever they stand, which is why `A --> end` fails.
    _R(r"style\b", "STYLE"),
    _R(r"default\b", "DEFAULT"),
    _R(r"linkStyle\b", "LINKSTYLE"),
    _R(r"interpolate\b", "INTERPOLATE"),
    _R(r"classDef\b", "CLASSDEF"),
    _R(r"class\b", "CLASS"),
    _R(js(r"href[\s]"), "HREF"),
    _R(js(r"click[\s]+"), None, ops=("push:click",)),
    _R(js(r"[\s\n]"), None, ("click",), ("pop",)),
    _R(js(r"[^\s\n]*"), "CLICK", ("click",)),
    _R(r"flowchart-elk\b", "GRAPH", ops=("once:dir",)),
    _R(r"swimlane-beta\b", "GRAPH", ops=("once:dir",)),
    _R(r"graph\b", "GRAPH", ops=("once:dir",)),
    _R(r"flowchart\b", "GRAPH", ops=("once:dir",)),
    _R(r"subgraph\b", "SUBGRAPH"),
    _R(js(r"end\b\s*"), "END"),
    _R(r"_self\b|_blank\b|_parent\b|_top\b", "LINK_TARGET"),
    # The header's direction.
    _R(js(r"(?:\r?\n)*\s*\n"), "NODIR", ("dir",), ("pop",)),
    _R(js(r"\s*(?:LR|RL|TB|BT|TD|BR)\b|\s*[<>^]|\s*v\b"), "DIR", ("dir",), ("pop",)),
    # `direction XX` anywhere on a line makes the whole line a direction statement.
    _R(JS_DOT + js(r"*direction\s+(?:TB|BT|RL|LR|TD)") + r"[^\n]*", "DIRECTION"),
    _R(r'[^' + JS_SPACE + r'"\[\](){}|]+@(?=[^{"])', "LINK_ID"),
    _R(r"[0-9]+", "NUM"),
    _R(r"#", "BRKT"),
    _R(r":::", "STYLE_SEPARATOR"),
    _R(r":", "COLON"),
    _R(r"&", "AMP"),
    _R(r";", "SEMI"),
    _R(r",", "COMMA"),
    _R(r"\*", "MULT"),
    # Arrows: a complete one, or the start of one with text before its end.
    _R(js(r"\s*[xo<]?--+[-xo>]\s*"), "LINK", ("INITIAL", "edgeText"), ("pop",)),
    _R(js(r"\s*[xo<]?--\s*"), "START_LINK", ops=("push:edgeText",)),
    _R(r"[^-]|-(?!-)", "EDGE_TEXT", ("edgeText",)),
    _R(js(r"\s*[xo<]?==+[=xo>]\s*"), "LINK", ("INITIAL", "thickEdgeText"), ("pop",)),
    _R(js(r"\s*[xo<]?==\s*"), "START_LINK", ops=("push:thickEdgeText",)),
    _R(r"[^=]", "EDGE_TEXT", ("thickEdgeText",)),
    _R(js(r"\s*[xo<]?-?\.+-[xo>]?\s*"), "LINK", ("INITIAL", "dottedEdgeText"), ("pop",)),
    _R(js(r"\s*[xo<]?-\.\s*"), "START_LINK", ops=("push:dottedEdgeText",)),
    _R(r"[^.]", "EDGE_TEXT", ("dottedEdgeText",)),
    _R(js(r"\s*~~[~]+\s*"), "LINK", _ALL),
    # Node shapes: the openers work in every state (so they break an unquoted label).
    _R(r"[-/)]\)", "ELLIPSE_END", ("ellipseText",), ("pop",)),
    _R(r"[^()\[\]{}]|!\)", "TEXT", ("ellipseText",)),
    _R(r"\(-", "ELLIPSE_START", _ALL, ("push:ellipseText",)),
    _R(r"\]\)", "STADIUMEND", ("text",), ("pop",)),
    _R(r"\(\[", "STADIUMSTART", _ALL, ("push:text",)),
    _R(r"\]\]", "SUBROUTINEEND", ("text",), ("pop",)),
    _R(r"\[\[", "SUBROUTINESTART", _ALL, ("push:text",)),
    _R(r"\[\|", "VERTEX_WITH_PROPS_START"),
    _R(r">", "TAGEND", ops=("push:text",)),
    _R(r"\)\]", "CYLINDEREND", ("text",), ("pop",)),
    _R(r"\[\(", "CYLINDERSTART", _ALL, ("push:text",)),
    _R(r"\)\)\)", "DOUBLECIRCLEEND", ("text",), ("pop",)),
    _R(r"\(\(\(", "DOUBLECIRCLESTART", _ALL, ("push:text",)),
    _R(r"[\\(?=\]]\]", "TRAPEND", ("trapText",), ("pop",)),
    _R(r"/(?=\])\]", "INVTRAPEND", ("trapText",), ("pop",)),
    _R(r"/(?!\])|\\(?!\])|[^\\\[\](){}/]+", "TEXT", ("trapText",)),
    _R(r"\[/", "TRAPSTART", _ALL, ("push:trapText",)),
    _R(r"\[\\", "INVTRAPSTART", _ALL, ("push:trapText",)),
    _R(r"<", "TAGSTART"),
    _R(r"\^", "UP"),
    _R(r"v\b", "DOWN"),
    _R(r"(?:[A-Za-z0-9!\"#$%&'*+.`?\\_/]|-(?=[^>\-.]))+", "NODE_STRING"),
    _R(r"-", "MINUS"),
    _R(UNICODE_LETTER, "UNICODE_TEXT"),
    _R(r"\|", "PIPE", ("text",), ("pop",)),
    _R(r"\|", "PIPE", _ALL, ("push:text",)),
    _R(r"\)", "PE", ("text",), ("pop",)),
    _R(r"\(", "PS", _ALL, ("push:text",)),
    _R(r"\]", "SQE", ("text",), ("pop",)),
    _R(r"\[", "SQS", _ALL, ("push:text",)),
    _R(r"\}", "DIAMOND_STOP", ("text",), ("pop",)),
    _R(r"\{", "DIAMOND_START", _ALL, ("push:text",)),
    _R(r'[^\[\](){}|"]+', "TEXT", ("text",)),
    _R(r"(?:\r?\n)+", "NEWLINE"),
    _R("[" + JS_SPACE.replace("\\n", "").replace("\\r", "") + "]+", "SPACE"),
    _R(r"\Z", "EOF"),
)
_STATES = (
    "INITIAL", "acc_title", "acc_descr", "acc_descr_multiline", "shapeData", "shapeDataStr",
    "callbackname", "callbackargs", "md_string", "string", "click", "dir", "edgeText",
    "thickEdgeText", "dottedEdgeText", "ellipseText", "text", "trapText",
)

# Terminals in people's words, for "expected ..." lists.
_WORDS = {
    "SEMI": "';'", "NEWLINE": "a new line", "SPACE": "a space", "EOF": "end of diagram",
    "GRAPH": "'graph' or 'flowchart'", "NODIR": "a new line", "DIR": "a direction (TD, LR, ...)",
    "SUBGRAPH": "'subgraph'", "END": "'end'", "DIRECTION": "'direction ...'",
    "ACC_TITLE": "'accTitle:'", "ACC_DESCR": "'accDescr:'", "SHAPE_DATA": "'@{ ... }'",
    "AMP": "'&'", "STYLE_SEPARATOR": "':::'", "COLON": "':'", "COMMA": "','", "MULT": "'*'",
    "BRKT": "'#'", "NUM": "a number", "MINUS": "'-'", "DOWN": "a node id", "UP": "'^'",
    "NODE_STRING": "a node id", "UNICODE_TEXT": "text", "DEFAULT": "'default'",
    "SQS": "'['", "SQE": "']'", "PS": "'('", "PE": "')'", "ELLIPSE_START": "'(-'",
    "ELLIPSE_END": "'-)'", "STADIUMSTART": "'(['", "STADIUMEND": "'])'",
    "SUBROUTINESTART": "'[['", "SUBROUTINEEND": "']]'", "VERTEX_WITH_PROPS_START": "'[|'",
    "CYLINDERSTART": "'[('", "CYLINDEREND": "')]'", "DOUBLECIRCLESTART": "'((('",
    "DOUBLECIRCLEEND": "')))'", "DIAMOND_START": "'{'", "DIAMOND_STOP": "'}'",
    "TAGSTART": "'<'", "TAGEND": "'>'", "TRAPSTART": "'[/'", "TRAPEND": "'\\]' or '/]'",
    "INVTRAPSTART": "'[\\'", "INVTRAPEND": "'/]'", "PIPE": "'|'", "TEXT": "text",
    "STR": "a quoted string", "MD_STR": "a markdown string", "LINK": "an arrow (-->)",
    "START_LINK": "an arrow (-->)", "LINK_ID": "an edge id (e1@)", "EDGE_TEXT": "edge text",
    "STYLE": "'style'", "LINKSTYLE": "'linkStyle'", "CLASSDEF": "'classDef'",
    "CLASS": "'class'", "INTERPOLATE": "'interpolate'", "CLICK": "'click'", "HREF": "'href'",
    "CALLBACKNAME": "a callback name", "CALLBACKARGS": "callback arguments",
    "LINK_TARGET": "a link target (_blank, ...)",
}
# Closing tokens of each opener, to name the label a stray token sits in.
_CLOSERS = {
    "SQS": "]", "PS": ")", "DIAMOND_START": "}", "STADIUMSTART": "])", "SUBROUTINESTART": "]]",
    "CYLINDERSTART": ")]", "DOUBLECIRCLESTART": ")))", "TRAPSTART": "/]", "INVTRAPSTART": "\\]",
    "ELLIPSE_START": "-)", "TAGEND": "]", "PIPE": "|",
}
_OPENERS = frozenset(_CLOSERS) | {"VERTEX_WITH_PROPS_START"}
_MERGED = frozenset({"EDGE_TEXT", "TEXT"})  # one character a token in some states
_MAX_EDGES = 500  # Mermaid's default maxEdges, which a diagram cannot raise


@dataclass(frozen=True)
class Node:
    id: str
    label: str | None  # None when this occurrence gives no label (a bare id)
    shape: str | None  # Mermaid's shape name ("square", "round", ... or the @{ shape })
    line: int


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str | None
    line: int
    arrow: str  # the arrow as written, e.g. "-->", "-.->", "==>"
    id: str | None = None  # `e1@-->`


@dataclass
class Subgraph:
    id: str | None  # None when Mermaid generates one (a title with spaces and no [title])
    title: str | None
    line: int
    end_line: int
    node_ids: list[str] = field(default_factory=list)  # in order, each once
    subgraph_ids: list[str] = field(default_factory=list)
    direction: str | None = None


@dataclass(frozen=True)
class ClassAssignment:
    node_ids: tuple[str, ...]
    class_name: str
    line: int


@dataclass(frozen=True)
class NodeRef:
    """A statement that names a node without defining it: `style`, `click`."""

    node_id: str
    line: int


@dataclass
class Flowchart:
    direction: str | None  # the header's, None when the header gives none
    nodes: list[Node] = field(default_factory=list)  # every occurrence, in order
    edges: list[Edge] = field(default_factory=list)
    subgraphs: list[Subgraph] = field(default_factory=list)
    class_defs: list[ClassDef] = field(default_factory=list)
    class_assignments: list[ClassAssignment] = field(default_factory=list)
    styles: list[NodeRef] = field(default_factory=list)
    clicks: list[NodeRef] = field(default_factory=list)
    link_style_lines: list[int] = field(default_factory=list)


def prepare(text: str) -> Source:
    """The text as Mermaid's flowchart parser receives it, mapped back to the block."""
    source = Source(text)
    clean_tags(source)
    encode_entities(source)
    source.sub(re.compile(r"\Z"), lambda m: "\n")
    # flowParser.ts: trailing spaces after a closing brace go before the line break.
    source.sub(re.compile(r"\}[" + JS_SPACE + r"]*\n"), lambda m: "}\n")
    return source


def parse(text: str) -> BodyResult:
    return _BODY.parse(text)


# --- the model --------------------------------------------------------------------------------

def _joined(tree: Tree[Token]) -> str:
    return decode_entities("".join(tree_tokens(tree)))


class _Builder(TreeWalker):
    """Walks the tree in statement order, collecting the model and Mermaid's database checks."""

    def __init__(self, source: Source) -> None:
        super().__init__(source)
        self.edge_count = 0
        self.edge_ids: set[str] = set()
        self.subgraph_ids: set[str] = set()

    def build(self, tree: Tree[Token]) -> Flowchart:
        direction = None
        for child in tree.children:
            if isinstance(child, Token) and child.type == "DIR":
                direction = child.strip()
        self.model = Flowchart(direction)
        self.statements(tree.children, None)
        return self.model

    def _subgraph(self, tree: Tree[Token], into: Subgraph | None) -> None:
        keyword = tree.children[0]
        assert isinstance(keyword, Token)
        title_tree = next((c for c in tree.children if isinstance(c, Tree) and c.data == "title"), None)
        text_tree = next((c for c in tree.children if isinstance(c, Tree) and c.data == "text"), None)
        body = next(c for c in tree.children if isinstance(c, Tree) and c.data == "body")
        end = tree.children[-1]
        assert isinstance(end, Token)
        sub_id: str | None = None
        title: str | None = None
        if title_tree is not None:
            raw = _joined(title_tree)
            sub_id = raw.strip()
            title = raw.strip()
            if text_tree is not None:
                title = _label(text_tree)
            elif re.search(f"[{JS_SPACE}]", raw):
                sub_id = None  # Mermaid names it subGraphN
        subgraph = Subgraph(sub_id, title, self.line(keyword), self.line(end))
        self.model.subgraphs.append(subgraph)
        self.statements(body.children, subgraph)
        if sub_id is not None:
            self.subgraph_ids.add(sub_id)
        if into is not None and sub_id is not None:
            into.subgraph_ids.append(sub_id)

    def _direction(self, tree: Tree[Token], into: Subgraph | None) -> None:
        token = tree.children[0]
        match = re.search(r"direction\s+(TB|BT|RL|LR|TD)", str(token))
        if into is not None and match:
            into.direction = match.group(1)

    def _vertex_statement(self, tree: Tree[Token], into: Subgraph | None) -> list[str]:
        """A chain `A --> B & C --> D`; returns the ids of its last group. The grammar is
        left-recursive (a chain is the chain before its last link, the link and a group), so
        a chain of n links is n trees deep: it is walked in a loop, not by recursion."""
        links: list[list[Tree[Token] | Token]] = []  # from the last link to the first
        while True:
            children = tree.children
            first = children[0]
            assert isinstance(first, Tree)
            if first.data != "vertex_statement":
                break
            links.append(children)
            tree = first
        sources = self.group(first, into, children[1:])
        for children in reversed(links):
            link, group = children[1], children[2]
            assert isinstance(link, Tree) and isinstance(group, Tree)
            targets = self.group(group, into, children[3:])
            self.add_edges(sources, targets, link)
            sources = targets
        return sources

    def group(self, tree: Tree[Token], into: Subgraph | None,
              tail: list[Tree[Token] | Token]) -> list[str]:
        """The ids of `A & B:::c & C[label]`; a group of one node is that node's tree. Groups
        nest on the left (`(A & B) & C`): walked in a loop, as chains are."""
        ids: list[str] = []
        nested: list[Tree[Token]] = []  # the outer groups, from the last to the first
        while tree.data == "group" and isinstance(tree.children[0], Tree) and tree.children[0].data == "group":
            nested.append(tree)
            tree = tree.children[0]
        for group in [tree, *reversed(nested)]:
            if group.data != "group":
                ids.append(self.vertex(group, into))
                continue
            for child in group.children[1:] if group is not tree else group.children:
                if not isinstance(child, Tree):
                    continue
                if child.data == "shape_data":
                    self.shape_data(child, ids[-1])
                else:
                    ids.append(self.vertex(child, into))
        for child in tail:
            if isinstance(child, Tree) and child.data == "shape_data":
                self.shape_data(child, ids[-1])
        return ids

    def vertex(self, tree: Tree[Token], into: Subgraph | None) -> str:
        """A node: a styled_vertex (`id...:::class`), a vertex (`id[label]`) or an id_string."""
        class_tree = shape_tree = None
        if tree.data == "styled_vertex":
            tree, class_tree = tree.children[0], tree.children[2]  # type: ignore[assignment]
        if tree.data == "vertex":
            tree, shape_tree = tree.children[0], tree.children[1]  # type: ignore[assignment]
        id_tokens = tree_tokens(tree)
        node_id = decode_entities("".join(id_tokens))
        line = self.line(id_tokens[0])
        label = shape = None
        if shape_tree is not None:
            assert isinstance(shape_tree, Tree)
            shape = str(shape_tree.data)
            text = next(c for c in shape_tree.children if isinstance(c, Tree) and c.data == "text")
            label = _label(text)
        self.model.nodes.append(Node(node_id, label, shape, line))
        if class_tree is not None:
            assert isinstance(class_tree, Tree)
            self.model.class_assignments.append(
                ClassAssignment((node_id,), _joined(class_tree), line)
            )
        if into is not None and node_id not in into.node_ids:
            into.node_ids.append(node_id)
        return node_id

    def shape_data(self, tree: Tree[Token], target: str) -> None:
        first = tree_tokens(tree)[0]
        # Mermaid joins the pieces after `@{`; inside quotes, a line break becomes <br/>.
        pieces: list[str] = []
        in_string = False
        for token in tree_tokens(tree)[1:]:
            if str(token) == '"':
                in_string = not in_string
                pieces.append('"')
            else:
                pieces.append(re.sub(f"\n[{JS_SPACE}]*", "<br/>", token) if in_string else token)
        data = "".join(pieces)
        yaml_text = "{\n" + data + "\n}" if "\n" not in data else data + "\n"
        try:
            doc = yaml.load(yaml_text, _StrictKeys)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as exc:
            if _js_yaml_accepts(exc, yaml_text):
                return
            raise MermaidError(first.start_pos or 0, f"Invalid '@{{ ... }}' data: {exc.problem}",
                               hint="the text inside @{ } is YAML: quote values that contain "
                               "',', ':' or brackets") from None
        if not isinstance(doc, dict) or target in self.subgraph_ids or target in self.edge_ids:
            return
        shape = doc.get("shape")
        if shape is None:
            return
        shape = str(shape)
        if shape != shape.lower() or "_" in shape:
            raise MermaidError(first.start_pos or 0, f"No such shape: {shape}. Shape names should "
                               "be lowercase.", hint="shape names are lowercase with '-'")
        if shape not in _SHAPES:
            raise MermaidError(first.start_pos or 0, f"No such shape: {shape}.",
                               hint="see Mermaid's list of shapes (rect, rounded, diam, ...)")
        for index in range(len(self.model.nodes) - 1, -1, -1):
            node = self.model.nodes[index]
            if node.id == target:
                self.model.nodes[index] = Node(node.id, node.label if "label" not in doc
                                               else str(doc["label"]), shape, node.line)
                break

    def add_edges(self, sources: list[str], targets: list[str], link: Tree[Token]) -> None:
        tokens = tree_tokens(link)
        edge_id = tokens[0].rstrip("@") if tokens[0].type == "LINK_ID" else None
        arrow_tokens = [t for t in tokens if t.type in ("LINK", "START_LINK")]
        arrow = "".join(t.strip() for t in arrow_tokens)
        label_tree = next((c for c in link.children if isinstance(c, Tree)), None)
        label = _label(label_tree) if label_tree is not None else None
        line = self.line(tokens[0])
        for source in sources:
            for target in targets:
                if self.edge_count >= _MAX_EDGES:
                    raise MermaidError(tokens[0].start_pos or 0,
                                       f"Edge limit exceeded: more than {_MAX_EDGES} edges",
                                       hint="split the diagram; maxEdges cannot be raised "
                                       "from inside a diagram")
                use_id = edge_id if source == sources[-1] and target == targets[0] else None
                if use_id is not None:
                    self.edge_ids.add(use_id)
                self.model.edges.append(Edge(source, target, label, line, arrow, use_id))
                self.edge_count += 1

    def _style_statement(self, tree: Tree[Token], into: Subgraph | None) -> None:
        id_tree = tree.children[2]
        assert isinstance(id_tree, Tree)
        self.model.styles.append(NodeRef(_joined(id_tree), self.line(tree_tokens(id_tree)[0])))

    def _class_def_statement(self, tree: Tree[Token], into: Subgraph | None) -> None:
        id_tree = tree.children[2]
        assert isinstance(id_tree, Tree)
        line = self.line(tree_tokens(id_tree)[0])
        for name in _joined(id_tree).split(","):
            self.model.class_defs.append(ClassDef(name, line))

    def _class_statement(self, tree: Tree[Token], into: Subgraph | None) -> None:
        ids, cls = tree.children[2], tree.children[4]
        assert isinstance(ids, Tree) and isinstance(cls, Tree)
        line = self.line(tree_tokens(ids)[0])
        self.model.class_assignments.append(
            ClassAssignment(tuple(i.strip() for i in _joined(ids).split(",")), _joined(cls), line)
        )

    def _click_statement(self, tree: Tree[Token], into: Subgraph | None) -> None:
        click = tree.children[0]
        assert isinstance(click, Token)
        self.model.clicks.append(NodeRef(str(click), self.line(click)))

    def _link_style_statement(self, tree: Tree[Token], into: Subgraph | None) -> None:
        indexes = tree.children[2]
        assert isinstance(indexes, Tree)
        for token in tree_tokens(indexes):
            # Mermaid applies linkStyle while parsing: only edges defined above it exist.
            if token.type == "NUM" and int(token) >= self.edge_count:
                raise MermaidError(
                    token.start_pos or 0,
                    f"linkStyle index {int(token)} is out of range: "
                    f"{self.edge_count} edge(s) are defined before it",
                    hint="edges are numbered from 0 in the order they are defined, "
                    "and linkStyle must come after them",
                )
        self.model.link_style_lines.append(self.line(tree_tokens(tree)[0]))


class _StrictKeys(yaml.SafeLoader):
    """js-yaml, which Mermaid uses, rejects a repeated key; PyYAML keeps the last."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        keys = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in keys:
                raise yaml.constructor.ConstructorError(None, None, "duplicated mapping key",
                                                        key_node.start_mark)
            keys.add(key)
        return super().construct_mapping(node, deep)


def _js_yaml_accepts(exc: yaml.MarkedYAMLError, text: str) -> bool:
    """PyYAML errors where js-yaml reads a plain value: `:key`, a tab, `x?`."""
    problem = str(exc.problem)
    if "'\\t'" in problem or "got '?'" in problem:
        return True
    mark = exc.problem_mark
    if "found ':'" in problem and mark is not None:
        following = text[mark.index + 1 : mark.index + 2]
        return following not in ("", " ", "\n", "\t")
    return False


def _label(text: Tree[Token]) -> str:
    return _joined(text).strip()


# --- errors -----------------------------------------------------------------------------------

# Tokens that end or break a label when they appear inside one unquoted.
_BREAKS_LABEL = frozenset({
    "PS", "PE", "SQS", "SQE", "DIAMOND_START", "DIAMOND_STOP", "PIPE", "STR", "MD_STR",
    "STADIUMSTART", "SUBROUTINESTART", "CYLINDERSTART", "DOUBLECIRCLESTART", "TRAPSTART",
    "INVTRAPSTART", "ELLIPSE_START", "LINK",
})
_KEYWORDS = frozenset({"STYLE", "CLASS", "CLASSDEF", "LINKSTYLE", "SUBGRAPH", "INTERPOLATE",
                       "GRAPH", "HREF"})
_ID_PARTS = frozenset({"NODE_STRING", "NUM", "MINUS", "UNICODE_TEXT", "DOWN", "DEFAULT", "BRKT",
                       "MULT", "COLON", "AMP", "COMMA"})


def _explain(source: Source, failure: ParseFailure) -> BodySyntaxError:
    opener = _open_label(failure.previous)
    if opener is not None:
        # Inside a label only its closer or more text can come: say just that.
        expected: tuple[str, ...] = (repr(_CLOSERS.get(opener.type, "]")), "text")
    else:
        expected = describe_expected(failure.expected, _WORDS)
    error = explain_failure(
        source, failure, expected,
        lambda token, previous: _describe(token, previous, opener),
        lambda failure: _unexpected_end(source, failure, opener),
        _char_hint,
    )
    fix = _quote_label(source, opener) if opener is not None else None
    return replace(error, fix=fix) if fix is not None else error


# What ends each kind of label as its author wrote it: a trapezoid's either way round.
_LABEL_ENDS = {opener: (closer,) for opener, closer in _CLOSERS.items()}
_LABEL_ENDS["TRAPSTART"] = _LABEL_ENDS["INVTRAPSTART"] = ("/]", "\\]")
# An arrow inside what would be the label: more likely a label closed too late than one label.
_ARROW = re.compile(r"[xo<]?--+[->]|==+[=>]|-\.+-|~~~")


def _quote_label(source: Source, opener: Lexed) -> BodyFix | None:
    """Quote the label Mermaid's lexer broke off, when its extent is certain.

    What Mermaid displays stays the same: it trims a label either way, `#quot;` shows a '"', and
    it gives attributes in HTML tags single quotes anyway.
    """
    ends = _LABEL_ENDS.get(opener.type)
    span = label_span(source, opener, ends) if ends is not None else None
    if span is None:
        return None
    line, start, end = span
    label = clean_tags_in(source.original_line(line)[start:end])
    if (not label.strip() or label.lstrip()[:1] in ('"', "`") or _ARROW.search(label)
            or re.search(r'<[^<>]*"[^<>]*>', label)):
        return None  # already (half) quoted, an arrow inside, or a '"' inside an HTML tag
    quoted = '"' + label.replace('"', "#quot;") + '"'
    what = "edge label" if opener.type == "PIPE" else "label"
    return BodyFix((TextEdit((line, start), (line, end), quoted),), f"quote the {what}")


def _unexpected_end(source: Source, failure: ParseFailure,
                    opener: Lexed | None) -> tuple[str, str | None]:
    if failure.stack and failure.stack[-1] in ("string", "md_string"):
        return "Unclosed string: a '\"' is missing", "close the quoted text with '\"'"
    if opener is not None:
        line, column = source.position(opener.start)
        return (f"Unclosed label: the {opener.value.strip()!r} at line {line + 1}, column "
                f"{column + 1} is never closed with {_CLOSERS.get(opener.type, ']')!r}",
                "close the label, or quote it if it holds brackets")
    if "END" in failure.expected:
        return ("Unexpected end of diagram: a 'subgraph' has no 'end'",
                "add 'end' after the subgraph's content")
    return "Unexpected end of diagram", None


def _open_label(previous: Sequence[Lexed]) -> Lexed | None:
    """The opener of the label the last token is inside, if any."""
    if not previous or previous[-1].state_stack[-1] not in _LABEL_STATES:
        return None
    for lexed in reversed(previous):
        if lexed.type in _OPENERS:
            return lexed
    return None


def _statement_start(previous: Sequence[Lexed]) -> Lexed | None:
    """The first token of the statement the failing token is in."""
    start = None
    for lexed in reversed(previous):
        if lexed.type in ("NEWLINE", "SEMI", "NODIR", "DIR"):
            break
        if lexed.type != "SPACE":
            start = lexed
    return start


def _describe(token: Lexed, previous: Sequence[Lexed],
              opener: Lexed | None) -> tuple[str, str | None]:
    shown = show(token.value)
    if opener is not None and token.type in _BREAKS_LABEL:
        closer = _CLOSERS.get(opener.type, "]")
        what = "edge label" if opener.type == "PIPE" else "label"
        quoted = f'{_node_before(previous, opener)}{opener.value.strip()}"..."{closer}'
        return (f"Unexpected {shown} in a {opener.value.strip()}...{closer} {what}",
                f"quote the {what}: {quoted}")
    first = _statement_start(previous)
    if first is not None and first.type == "NODE_STRING" and first.value.lower() == "title":
        return ("Unexpected text after 'title': flowcharts have no title statement",
                "put the title in the front-matter: ---\ntitle: ...\n---")
    if first is not None and first.type in ("STYLE", "CLASSDEF", "LINKSTYLE") and token.type == "PS":
        return (f"Unexpected {shown} in a style", "flowchart styles cannot hold parentheses: "
                "use a hex colour (fill:#f9f) instead of rgb(...)")
    if token.type == "END":
        return ("Unexpected 'end': it is a keyword (it closes a subgraph)",
                "rename the node (e.g. 'End' or 'finish'), or give it a label: done[end]")
    if token.type in _KEYWORDS:
        return (f"Unexpected keyword {shown}",
                "keywords cannot be node ids: rename the node or capitalise it")
    if token.type == "LINK_ID":
        return (f"Unexpected {shown}: an unquoted '@' makes an edge id",
                'quote the text that holds \'@\': A["user@example.com"]')
    if token.type == "SPACE" and previous and previous[-1].type in ("STR", "MD_STR"):
        return ("Unexpected space after a quoted string",
                "remove the space after the closing quote")
    return f"Unexpected {shown}", None


def _node_before(previous: Sequence[Lexed], opener: Lexed) -> str:
    parts: list[str] = []
    index = list(previous).index(opener)
    for lexed in reversed(list(previous)[:index]):
        if lexed.type not in _ID_PARTS:
            break
        parts.append(lexed.value)
    return "".join(reversed(parts))


def _char_hint(char: str, previous: Sequence[Lexed]) -> str | None:
    if char in ")]}":
        return f"a stray {char!r}: check the brackets, or quote the label"
    if char == "@":
        return 'a node id cannot start with \'@\': quote the text, A["@name"]'
    if char == "\xb0":
        return "an HTML entity like '#35;' is only allowed inside a label"
    return 'quote the text: A["..."]'


_SHAPES = frozenset(
    """anchor bang bolt bow-rect bow-tie-rectangle bpmn-activity bpmn-annotation bpmn-boundary
    bpmn-data bpmn-data-store bpmn-end bpmn-gateway bpmn-intermediate bpmn-start brace brace-l
    brace-r braces browser bucket card choice circ circle cloud collate com-link comment
    composite console cross-circ crossed-circle curv-trap curved-trapezoid cyl cylinder das
    data-store database datastore db dbl-circ decision delay diam diamond directory disk display
    div-proc div-rect divided-process divided-rectangle doc docs document documents
    double-circle doublecircle event extract f-circ filled-circle flag flip-tri flipped-triangle
    folder fork fr-circ fr-rect framed-circle framed-rectangle h-cyl half-rounded-rectangle hex
    hexagon horizontal-cylinder hourglass icon in-out internal-storage inv-trapezoid join
    junction lean-l lean-left lean-r lean-right lightning-bolt lin-cyl lin-doc lin-proc lin-rect
    lined-cylinder lined-document lined-process lined-rectangle loop-limit manual manual-file
    manual-input notch-pent notch-rect notched-pentagon notched-rectangle note odd out-in
    paper-tape person pill prepare priority proc process processes procs question rect
    rectangle rounded shaded-process sl-rect sloped-rectangle sm-circ small-circle st-doc st-rect
    stacked-document stacked-rectangle stadium start state stop stored-data subproc subprocess
    subroutine summary tag-doc tag-proc tag-rect tagged-document tagged-process tagged-rectangle
    terminal text trap-b trap-t trapezoid trapezoid-bottom trapezoid-top tri triangle win-pane
    window-pane""".split()
)


_BODY = JisonBody("flowchart", "flowchart", _RULES, _STATES, prepare, _explain,
                  lambda source, tree: _Builder(source).build(tree), merge=_MERGED)
