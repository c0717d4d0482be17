"""Shared machinery for the bodies whose Mermaid parser is a Jison grammar.

Mermaid's Jison lexers are stateful and first-match: in each lexer state the rules are tried
in order and the first that matches wins, whatever the parser expects next. Keywords are
keywords everywhere and `(` inside `[...]` opens a new label, so a grammar-driven (contextual)
lexer would accept diagrams Mermaid rejects. Each body module therefore lists its lexer rules
(read from Mermaid's grammar) and this module runs them, feeding the tokens one by one to the
body's Lark LALR parser, and turns the first failure into a `BodySyntaxError`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, partial
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple

from lark import Token, Tree
from lark import __version__ as lark_version
from lark.grammar import Rule as GrammarRule
from lark.parsers.lalr_analysis import Shift

from ..grammars import grammar_dir, lalr_parser
from ..kept import kept_as_json
from . import BodyFix, BodyResult, BodySyntaxError, TextEdit

# JavaScript's `\s`, which Mermaid's regexes use (Python's differs on a few code points).
JS_SPACE = "\\t\\n\\v\\f\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
# JavaScript's `.` (no line terminators).
JS_DOT = "[^\\n\\r\\u2028\\u2029]"

# Letters outside ASCII that Mermaid's flowchart and class lexers accept as UNICODE_TEXT,
# one character at a time (the Unicode 6 letter ranges of their grammars).
UNICODE_LETTER = (
    "[\\u00AA\\u00B5\\u00BA\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02C1\\u02C6-\\u02D1"
    "\\u02E0-\\u02E4\\u02EC\\u02EE\\u0370-\\u0374\\u0376\\u0377\\u037A-\\u037D\\u0386"
    "\\u0388-\\u038A\\u038C\\u038E-\\u03A1\\u03A3-\\u03F5\\u03F7-\\u0481\\u048A-\\u0527"
    "\\u0531-\\u0556\\u0559\\u0561-\\u0587\\u05D0-\\u05EA\\u05F0-\\u05F2\\u0620-\\u064A"
    "\\u066E\\u066F\\u0671-\\u06D3\\u06D5\\u06E5\\u06E6\\u06EE\\u06EF\\u06FA-\\u06FC\\u06FF"
    "\\u0710\\u0712-\\u072F\\u074D-\\u07A5\\u07B1\\u07CA-\\u07EA\\u07F4\\u07F5\\u07FA"
    "\\u0800-\\u0815\\u081A\\u0824\\u0828\\u0840-\\u0858\\u08A0\\u08A2-\\u08AC\\u0904-\\u0939"
    "\\u093D\\u0950\\u0958-\\u0961\\u0971-\\u0977\\u0979-\\u097F\\u0985-\\u098C\\u098F\\u0990"
    "\\u0993-\\u09A8\\u09AA-\\u09B0\\u09B2\\u09B6-\\u09B9\\u09BD\\u09CE\\u09DC\\u09DD"
    "\\u09DF-\\u09E1\\u09F0\\u09F1\\u0A05-\\u0A0A\\u0A0F\\u0A10\\u0A13-\\u0A28\\u0A2A-\\u0A30"
    "\\u0A32\\u0A33\\u0A35\\u0A36\\u0A38\\u0A39\\u0A59-\\u0A5C\\u0A5E\\u0A72-\\u0A74"
    "\\u0A85-\\u0A8D\\u0A8F-\\u0A91\\u0A93-\\u0AA8\\u0AAA-\\u0AB0\\u0AB2\\u0AB3\\u0AB5-\\u0AB9"
    "\\u0ABD\\u0AD0\\u0AE0\\u0AE1\\u0B05-\\u0B0C\\u0B0F\\u0B10\\u0B13-\\u0B28\\u0B2A-\\u0B30"
    "\\u0B32\\u0B33\\u0B35-\\u0B39\\u0B3D\\u0B5C\\u0B5D\\u0B5F-\\u0B61\\u0B71\\u0B83"
    "\\u0B85-\\u0B8A\\u0B8E-\\u0B90\\u0B92-\\u0B95\\u0B99\\u0B9A\\u0B9C\\u0B9E\\u0B9F\\u0BA3"
    "\\u0BA4\\u0BA8-\\u0BAA\\u0BAE-\\u0BB9\\u0BD0\\u0C05-\\u0C0C\\u0C0E-\\u0C10\\u0C12-\\u0C28"
    "\\u0C2A-\\u0C33\\u0C35-\\u0C39\\u0C3D\\u0C58\\u0C59\\u0C60\\u0C61\\u0C85-\\u0C8C"
    "\\u0C8E-\\u0C90\\u0C92-\\u0CA8\\u0CAA-\\u0CB3\\u0CB5-\\u0CB9\\u0CBD\\u0CDE\\u0CE0\\u0CE1"
    "\\u0CF1\\u0CF2\\u0D05-\\u0D0C\\u0D0E-\\u0D10\\u0D12-\\u0D3A\\u0D3D\\u0D4E\\u0D60\\u0D61"
    "\\u0D7A-\\u0D7F\\u0D85-\\u0D96\\u0D9A-\\u0DB1\\u0DB3-\\u0DBB\\u0DBD\\u0DC0-\\u0DC6"
    "\\u0E01-\\u0E30\\u0E32\\u0E33\\u0E40-\\u0E46\\u0E81\\u0E82\\u0E84\\u0E87\\u0E88\\u0E8A"
    "\\u0E8D\\u0E94-\\u0E97\\u0E99-\\u0E9F\\u0EA1-\\u0EA3\\u0EA5\\u0EA7\\u0EAA\\u0EAB"
    "\\u0EAD-\\u0EB0\\u0EB2\\u0EB3\\u0EBD\\u0EC0-\\u0EC4\\u0EC6\\u0EDC-\\u0EDF\\u0F00"
    "\\u0F40-\\u0F47\\u0F49-\\u0F6C\\u0F88-\\u0F8C\\u1000-\\u102A\\u103F\\u1050-\\u1055"
    "\\u105A-\\u105D\\u1061\\u1065\\u1066\\u106E-\\u1070\\u1075-\\u1081\\u108E\\u10A0-\\u10C5"
    "\\u10C7\\u10CD\\u10D0-\\u10FA\\u10FC-\\u1248\\u124A-\\u124D\\u1250-\\u1256\\u1258"
    "\\u125A-\\u125D\\u1260-\\u1288\\u128A-\\u128D\\u1290-\\u12B0\\u12B2-\\u12B5\\u12B8-\\u12BE"
    "\\u12C0\\u12C2-\\u12C5\\u12C8-\\u12D6\\u12D8-\\u1310\\u1312-\\u1315\\u1318-\\u135A"
    "\\u1380-\\u138F\\u13A0-\\u13F4\\u1401-\\u166C\\u166F-\\u167F\\u1681-\\u169A\\u16A0-\\u16EA"
    "\\u1700-\\u170C\\u170E-\\u1711\\u1720-\\u1731\\u1740-\\u1751\\u1760-\\u176C\\u176E-\\u1770"
    "\\u1780-\\u17B3\\u17D7\\u17DC\\u1820-\\u1877\\u1880-\\u18A8\\u18AA\\u18B0-\\u18F5"
    "\\u1900-\\u191C\\u1950-\\u196D\\u1970-\\u1974\\u1980-\\u19AB\\u19C1-\\u19C7\\u1A00-\\u1A16"
    "\\u1A20-\\u1A54\\u1AA7\\u1B05-\\u1B33\\u1B45-\\u1B4B\\u1B83-\\u1BA0\\u1BAE\\u1BAF"
    "\\u1BBA-\\u1BE5\\u1C00-\\u1C23\\u1C4D-\\u1C4F\\u1C5A-\\u1C7D\\u1CE9-\\u1CEC\\u1CEE-\\u1CF1"
    "\\u1CF5\\u1CF6\\u1D00-\\u1DBF\\u1E00-\\u1F15\\u1F18-\\u1F1D\\u1F20-\\u1F45\\u1F48-\\u1F4D"
    "\\u1F50-\\u1F57\\u1F59\\u1F5B\\u1F5D\\u1F5F-\\u1F7D\\u1F80-\\u1FB4\\u1FB6-\\u1FBC\\u1FBE"
    "\\u1FC2-\\u1FC4\\u1FC6-\\u1FCC\\u1FD0-\\u1FD3\\u1FD6-\\u1FDB\\u1FE0-\\u1FEC\\u1FF2-\\u1FF4"
    "\\u1FF6-\\u1FFC\\u2071\\u207F\\u2090-\\u209C\\u2102\\u2107\\u210A-\\u2113\\u2115"
    "\\u2119-\\u211D\\u2124\\u2126\\u2128\\u212A-\\u212D\\u212F-\\u2139\\u213C-\\u213F"
    "\\u2145-\\u2149\\u214E\\u2183\\u2184\\u2C00-\\u2C2E\\u2C30-\\u2C5E\\u2C60-\\u2CE4"
    "\\u2CEB-\\u2CEE\\u2CF2\\u2CF3\\u2D00-\\u2D25\\u2D27\\u2D2D\\u2D30-\\u2D67\\u2D6F"
    "\\u2D80-\\u2D96\\u2DA0-\\u2DA6\\u2DA8-\\u2DAE\\u2DB0-\\u2DB6\\u2DB8-\\u2DBE\\u2DC0-\\u2DC6"
    "\\u2DC8-\\u2DCE\\u2DD0-\\u2DD6\\u2DD8-\\u2DDE\\u2E2F\\u3005\\u3006\\u3031-\\u3035\\u303B"
    "\\u303C\\u3041-\\u3096\\u309D-\\u309F\\u30A1-\\u30FA\\u30FC-\\u30FF\\u3105-\\u312D"
    "\\u3131-\\u318E\\u31A0-\\u31BA\\u31F0-\\u31FF\\u3400-\\u4DB5\\u4E00-\\u9FCC\\uA000-\\uA48C"
    "\\uA4D0-\\uA4FD\\uA500-\\uA60C\\uA610-\\uA61F\\uA62A\\uA62B\\uA640-\\uA66E\\uA67F-\\uA697"
    "\\uA6A0-\\uA6E5\\uA717-\\uA71F\\uA722-\\uA788\\uA78B-\\uA78E\\uA790-\\uA793\\uA7A0-\\uA7AA"
    "\\uA7F8-\\uA801\\uA803-\\uA805\\uA807-\\uA80A\\uA80C-\\uA822\\uA840-\\uA873\\uA882-\\uA8B3"
    "\\uA8F2-\\uA8F7\\uA8FB\\uA90A-\\uA925\\uA930-\\uA946\\uA960-\\uA97C\\uA984-\\uA9B2\\uA9CF"
    "\\uAA00-\\uAA28\\uAA40-\\uAA42\\uAA44-\\uAA4B\\uAA60-\\uAA76\\uAA7A\\uAA80-\\uAAAF\\uAAB1"
    "\\uAAB5\\uAAB6\\uAAB9-\\uAABD\\uAAC0\\uAAC2\\uAADB-\\uAADD\\uAAE0-\\uAAEA\\uAAF2-\\uAAF4"
    "\\uAB01-\\uAB06\\uAB09-\\uAB0E\\uAB11-\\uAB16\\uAB20-\\uAB26\\uAB28-\\uAB2E\\uABC0-\\uABE2"
    "\\uAC00-\\uD7A3\\uD7B0-\\uD7C6\\uD7CB-\\uD7FB\\uF900-\\uFA6D\\uFA70-\\uFAD9\\uFB00-\\uFB06"
    "\\uFB13-\\uFB17\\uFB1D\\uFB1F-\\uFB28\\uFB2A-\\uFB36\\uFB38-\\uFB3C\\uFB3E\\uFB40\\uFB41"
    "\\uFB43\\uFB44\\uFB46-\\uFBB1\\uFBD3-\\uFD3D\\uFD50-\\uFD8F\\uFD92-\\uFDC7\\uFDF0-\\uFDFB"
    "\\uFE70-\\uFE74\\uFE76-\\uFEFC\\uFF21-\\uFF3A\\uFF41-\\uFF5A\\uFF66-\\uFFBE\\uFFC2-\\uFFC7"
    "\\uFFCA-\\uFFCF\\uFFD2-\\uFFD7\\uFFDA-\\uFFDC]"
)


def js(pattern: str) -> str:
    """A JavaScript regex body in Python syntax: `\\s` and `\\S` as JavaScript reads them."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "s":
                out.append(JS_SPACE if in_class else f"[{JS_SPACE}]")
            elif nxt == "S" and not in_class:
                out.append(f"[^{JS_SPACE}]")
            else:
                out.append(c + nxt)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


class MermaidError(Exception):
    """A failure Mermaid raises outside its grammar (a lexer action or its database)."""

    def __init__(self, pos: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Rule:
    """One lexer rule: the states it is active in ("*" for all), what it emits, how it moves.

    `ops` run in order: "pop", "push:STATE", "once:STATE" (push only the first time any
    `once` rule fires: Mermaid's `firstGraph()`), "less:N" (keep only N characters and
    re-read the rest). `hook` can shorten a match, or drop it (no token: `ops` do not run),
    or raise a MermaidError.
    """

    pattern: str
    token: str | None
    states: tuple[str, ...] = ("INITIAL",)
    ops: tuple[str, ...] = ()
    hook: Callable[[str, int], tuple[str | None, int]] | None = None


# `accTitle: ...`, `accDescr: ...` and `accDescr { ... }`: the same seven rules, in the same
# order, head the flowchart, class and state lexers (each splices them in where Mermaid has them).
ACCESSIBILITY_RULES: tuple[Rule, ...] = (
    Rule(js(r"accTitle\s*:\s*"), "ACC_TITLE", ops=("push:acc_title",)),
    Rule(r"[^\n]*", "ACC_TITLE_VALUE", ("acc_title",), ("pop",)),
    Rule(js(r"accDescr\s*:\s*"), "ACC_DESCR", ops=("push:acc_descr",)),
    Rule(r"[^\n]*", "ACC_DESCR_VALUE", ("acc_descr",), ("pop",)),
    Rule(js(r"accDescr\s*\{\s*"), None, ops=("push:acc_descr_multiline",)),
    Rule(r"\}", None, ("acc_descr_multiline",), ("pop",)),
    Rule(r"[^}]*", "ACC_DESCR_MULTILINE_VALUE", ("acc_descr_multiline",)),
)


class Lexed(NamedTuple):
    type: str
    value: str
    start: int  # offset in the rewritten text
    end: int
    state_stack: tuple[str, ...]  # lexer states after this token


# A Lexed as the lexer hands it to the parser: a plain tuple is several times cheaper to make,
# and only the tokens an error message looks at become Lexed.
LexedFields = tuple[str, str, int, int, tuple[str, ...]]


RULE_GROUP = "_rule"  # the names of the empty groups that say which rule matched


class JisonLexer:
    """Runs a list of rules the way Jison does: first match in rule order, per state.

    Each state's rules are one alternation, which Python's `re` tries in order as Jison does.
    An empty group after each rule's pattern names the rule that matched (`lastindex`): after it,
    not around it, so that `re` can skip at a glance the many rules that start with a character
    other than the one at hand (it does so only for a branch that starts with a literal or a set).
    """

    def __init__(self, rules: Sequence[Rule], states: Sequence[str], flags: int = 0,
                 merge: frozenset[str] = frozenset()) -> None:
        self.rules = rules
        self.states = frozenset(states)
        self.flags = flags
        self.merge = merge
        # Per state: the alternation, and by group number what the rule it closes does.
        self.matchers: dict[str, tuple[re.Pattern[str], list[Any]]] = {}

    def matcher(self, state: str) -> tuple[re.Pattern[str], list[Any]]:
        """A state's alternation, compiled when the lexer first enters the state: a diagram
        enters few of them, and compiling all thirteen of the class lexer took 30 ms."""
        found = self.matchers.get(state)
        if found is None:
            if state not in self.states:
                raise KeyError(f"no lexer state {state!r}")
            rules = [rule for rule in self.rules if "*" in rule.states or state in rule.states]
            # The empty groups are named so that their numbers come from the compiled pattern:
            # compiling each rule alone to count its groups cost as much again.
            alternatives = (f"(?:{rule.pattern})(?P<{RULE_GROUP}{index}>)" for index, rule in enumerate(rules))
            pattern = re.compile("|".join(alternatives), re.ASCII | self.flags)
            by_group: list[Any] = [None] * (pattern.groups + 1)
            for index, rule in enumerate(rules):
                by_group[pattern.groupindex[f"{RULE_GROUP}{index}"]] = (rule.token, rule.ops, rule.hook)
            found = self.matchers[state] = (pattern, by_group)
        return found

    def lex(self, text: str) -> Iterator[LexedFields]:
        """The fields of each Lexed of `text`; raises MermaidError on text no rule accepts.

        Runs of the token types in `merge` come as one token: the grammars only ever repeat
        them (Mermaid's edge text is one character a token), and fewer tokens parse faster.
        """
        stack = ["INITIAL"]
        states = ("INITIAL",)  # the stack as each token records it, rebuilt when it moves
        pattern, by_group = self.matcher("INITIAL")
        merge = self.merge
        pending: LexedFields | None = None  # a run being merged
        pos, end = 0, len(text)
        once_done = False
        while True:
            m = pattern.match(text, pos)
            if m is None:
                if pos >= end:
                    break
                raise MermaidError(pos, "Unrecognized text")
            token, ops, hook = by_group[m.lastindex]  # type: ignore[index]
            start, pos = pos, m.end()
            if hook is not None:
                token, length = hook(m.group(), start)
                pos = start + length
                if token is None:
                    ops = ()  # the hook dropped the match before the rule's state moves
            if ops:
                for op in ops:
                    if op == "pop":
                        if len(stack) > 1:
                            stack.pop()
                    elif op.startswith("push:"):
                        stack.append(op[5:])
                    elif op.startswith("once:"):
                        if not once_done:
                            stack.append(op[5:])
                            once_done = True
                    elif op.startswith("less:"):
                        pos = start + int(op[5:])
                states = tuple(stack)
                pattern, by_group = self.matcher(stack[-1])
            if token is not None:
                if pending is not None and token == pending[0] and start == pending[3]:
                    pending = (token, text[pending[2]:pos], pending[2], pos, states)
                else:
                    if pending is not None:
                        yield pending
                        pending = None
                    if token in merge:
                        pending = (token, text[start:pos], start, pos, states)
                    else:
                        yield (token, text[start:pos], start, pos, states)
            if pos == start:  # nothing read: the end of the input, or a rule Jison would loop on
                if start >= end:
                    break  # Jison matches once at the end of the input, then reports the end
                if token is None and not ops:
                    raise MermaidError(pos, "Unrecognized text")
        if pending is not None:
            yield pending


class Source:
    """The text Mermaid parses, rewritten as Mermaid rewrites it, with a map back to the block."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = text
        self.origin = list(range(len(text) + 1))
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def sub(self, pattern: str | re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> None:
        """re.sub that keeps every new character mapped to where its text came from."""
        text, old_origin = self.text, self.origin
        out: list[str] = []
        origin: list[int] = []
        last = 0
        for m in re.finditer(pattern, text):
            new, matched = repl(m), m.group()
            if new == matched:
                continue  # most matches change nothing: `}` at the end of a line, ...
            start = m.start()
            out.append(text[last:start])
            origin.extend(old_origin[last:start])
            out.append(new)
            # Characters kept from the start of the match keep their place; the rest map to
            # the start of the match's tail.
            common, shorter = 0, min(len(new), len(matched))
            while common < shorter and new[common] == matched[common]:
                common += 1
            origin.extend(old_origin[start : start + common])
            origin.extend([old_origin[min(start + common, m.end() - 1)]] * (len(new) - common))
            last = m.end()
        if not out:
            return
        out.append(text[last:])
        origin.extend(old_origin[last:])
        self.text = "".join(out)
        self.origin = origin

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, column) in the block of an offset in the rewritten text."""
        original = self.origin[min(offset, len(self.origin) - 1)]
        line = bisect_right(self.line_starts, original) - 1
        return line, original - self.line_starts[line]

    def line(self, offset: int) -> int:
        """The 0-based line in the block of an offset in the rewritten text."""
        return bisect_right(self.line_starts, self.origin[min(offset, len(self.origin) - 1)]) - 1

    def original_line(self, line: int) -> str:
        """A line of the block as written."""
        start = self.line_starts[line]
        end = self.original.find("\n", start)
        return self.original[start:] if end == -1 else self.original[start:end]


def encode_entities(source: Source) -> None:
    """Mermaid's `encodeEntities`, run on every diagram before its parser.

    It drops the last `;` of `style`/`classDef` lines that hold a `#` colour, then turns
    `#name;` into private characters that some lexer states reject.
    """
    source.sub(re.compile(r"style" + JS_DOT + r"*:[^" + JS_SPACE + r"]*#" + JS_DOT + r"*;"),
               lambda m: m.group()[:-1])
    source.sub(re.compile(r"classDef" + JS_DOT + r"*:[^" + JS_SPACE + r"]*#" + JS_DOT + r"*;"),
               lambda m: m.group()[:-1])

    def entity(m: re.Match[str]) -> str:
        inner = m.group()[1:-1]
        numeric = re.fullmatch(r"\+?\d+", inner, re.ASCII) is not None
        return ("\ufb02\xb0\xb0" if numeric else "\ufb02\xb0") + inner + "\xb6\xdf"

    source.sub(re.compile(r"#\w+;", re.ASCII), entity)


def decode_entities(text: str) -> str:
    """Mermaid's `decodeEntities`: how an encoded `#name;` reads in a label (`&name;`)."""
    return text.replace("\ufb02\xb0\xb0", "&#").replace("\ufb02\xb0", "&").replace("\xb6\xdf", ";")


_TAG = re.compile(r"<(\w+)([^>]*)>", re.ASCII)


def _single_quoted_attributes(tag: re.Match[str]) -> str:
    return "<" + tag.group(1) + re.sub(r'="([^"]*)"', r"='\1'", tag.group(2)) + ">"


def clean_tags(source: Source) -> None:
    """Mermaid's `cleanupText`: `="..."` attributes inside HTML tags get single quotes."""
    source.sub(_TAG, _single_quoted_attributes)


def clean_tags_in(text: str) -> str:
    """`clean_tags` on a piece of text."""
    return _TAG.sub(_single_quoted_attributes, text)


@dataclass
class ParseFailure:
    """Where and why the parse stopped, before it is worded for people."""

    pos: int
    token: Lexed | None  # None: Mermaid's lexer or database failed
    expected: frozenset[str] = frozenset()
    message: str = ""
    hint: str | None = None
    stack: tuple[str, ...] = ()
    previous: list[Lexed] = field(default_factory=list)


# Bump when _parse_table changes what it keeps (the tables kept in the temp folder are named by it).
TABLE_FORMAT = 1


class TreeParser:
    """The LALR parser of `grammars/<grammar>.lark`, fed one token at a time.

    It runs Lark's own parse table and builds the trees Lark builds, with two shortcuts: no
    `propagate_positions` (the bodies read only token offsets, and filling every node's position
    took about half of a flowchart's parse time), and a rule that Lark inlines into its parent
    (`_rule`, and the `__rule_star_0` rules of `x*`) makes a plain list, not a Tree to unpack.
    """

    def __init__(self, grammar: str) -> None:
        text = (grammar_dir() / f"{grammar}.lark").read_text(encoding="utf-8")
        table = kept_as_json(f"parse table {TABLE_FORMAT}\0{lark_version}\0{text}", lambda: _parse_table(grammar))
        # Lark's table, with a state's row standing for the state (the stack holds rows, which
        # saves looking them up), and each reduction's rule replaced by what the loop needs of
        # it: how many values it takes, the rule it makes, and what builds its value (None: the
        # values themselves, as a list). A step is (shift?, row to go to | reduction).
        reductions = [(shape[1], shape[0], _tree_builder(*shape)) for shape in table["rules"]]
        rows: list[dict[str, tuple[bool, Any]]] = [{} for _ in table["states"]]
        for row, steps in zip(rows, table["states"]):
            for symbol, (shift, target) in steps.items():
                row[symbol] = (True, rows[target]) if shift else (False, reductions[target])
        self.start_row = rows[table["start"]]
        self.end_row = rows[table["end"]]

    def parse(self, lexemes: Iterable[LexedFields], end: int,
              seen: deque[LexedFields]) -> Tree[Token] | tuple[LexedFields, frozenset[str]]:
        """The tree, or the token the parser refused and the terminals it expected there;
        each token the parser takes is appended to `seen`."""
        end_row = self.end_row
        new_token = Token._future_new  # Token() without its keyword handling, a third of the cost
        row = self.start_row  # the top of the stack
        stack: list[dict[str, tuple[bool, Any]]] = [row]
        values: list[Any] = []
        end_lexeme = ("$END", "", end, end, ())
        for lexeme in chain(lexemes, (end_lexeme,)):
            kind = lexeme[0]
            while True:
                step = row.get(kind)
                if step is None:
                    return lexeme, frozenset(s for s in row if s.isupper())
                shift, target = step
                if shift:  # never at the end
                    row = target
                    stack.append(row)
                    values.append(new_token(kind, lexeme[1], lexeme[2], 1, 1, None, None,
                                            lexeme[3]))
                    seen.append(lexeme)
                    break
                size, name, build = target
                if size:
                    children = values[-size:]
                    del stack[-size:]
                    del values[-size:]
                else:
                    children = []
                values.append(children if build is None else build(children))
                row = stack[-1][name][1]
                stack.append(row)
                if row is end_row and lexeme is end_lexeme:
                    return values[-1] or Tree("start", [])
        raise AssertionError("the end token either completes the parse or is refused")


def _parse_table(grammar: str) -> dict[str, Any]:
    """Lark's LALR table of the grammar as JSON data: by state (numbered from 0), each symbol's
    step as [shift?, state to go to | rule index]; and by rule index what _tree_builder takes."""
    lark = lalr_parser(grammar)
    conf = lark.parse_interactive("").parser_state.parse_conf
    index = {rule: number for number, rule in enumerate(lark.rules)}
    states = [{symbol: [action is Shift, target if action is Shift else index[target]]
               for symbol, (action, target) in conf.states[state].items()} for state in range(len(conf.states))]
    return {"states": states, "start": conf.start_state, "end": conf.end_state,
            "rules": [_rule_shape(rule) for rule in lark.rules]}


def _rule_shape(rule: GrammarRule) -> list[Any]:
    """What makes a rule's value: [rule name, number of children, tree name, `?rule`, which
    children are inlined rules]."""
    if any(s.is_term and s.filter_out for s in rule.expansion):
        raise NotImplementedError(f"{rule}: filtered tokens are not built here")
    return [rule.origin.name, len(rule.expansion), rule.alias or rule.options.template_source or rule.origin.name,
            bool(rule.options.expand1 and not rule.alias), [not s.is_term and s.name.startswith("_") for s in rule.expansion]]


def _tree_builder(name: str, size: int, data: str, expand1: bool,
                  inlined: list[bool]) -> Callable[[list[Any]], Any] | None:
    """What makes the value of a rule (_rule_shape) from its children's, as Lark's tree builder would."""
    splice = _splicer(tuple(inlined)) if any(inlined) else None
    if name.startswith("_"):
        return splice  # its parent takes its children
    if expand1:
        def tree_unless_one(children: list[Any]) -> Any:
            """`?rule`: a lone child stands for the rule."""
            if splice is not None:
                children = splice(children)
            return children[0] if len(children) == 1 else Tree(data, children)
        return tree_unless_one
    if splice is None:
        return partial(Tree, data)
    return lambda children: Tree(data, splice(children))


def _splicer(inlined: tuple[bool, ...]) -> Callable[[list[Any]], list[Any]]:
    """What puts the children of the inlined rules among `inlined` in their place."""
    if inlined == (True,):
        return itemgetter(0)  # `rule: _inlined` (the commonest)
    first, rest = inlined[0], tuple(enumerate(inlined))[1:]

    def spliced(children: list[Any]) -> list[Any]:
        flat = children[0] if first else [children[0]]  # a list no one else holds
        for index, expand in rest:
            if expand:
                flat += children[index]
            else:
                flat.append(children[index])
        return flat
    return spliced


@cache
def tree_parser(grammar: str) -> TreeParser:
    return TreeParser(grammar)


def run(parser: TreeParser, lexer: JisonLexer, source: Source) -> Tree[Token] | ParseFailure:
    """Feed the lexer's tokens to the LALR parser; a tree, or where it failed.

    Lark tokens carry offsets in the rewritten text; `Source.position` maps them back.
    """
    seen: deque[LexedFields] = deque(maxlen=32)  # what an error message looks back at
    end = len(source.text)
    try:
        outcome = parser.parse(lexer.lex(source.text), end, seen)
    except MermaidError as exc:
        previous = [Lexed._make(lexeme) for lexeme in seen]
        return ParseFailure(exc.pos, None, message=exc.message, hint=exc.hint, previous=previous,
                            stack=previous[-1].state_stack if previous else ())
    if isinstance(outcome, Tree):
        return outcome
    refused, expected = outcome
    previous = [Lexed._make(lexeme) for lexeme in seen]
    if refused[0] == "$END":
        return ParseFailure(end, None, expected, previous=previous,
                            stack=previous[-1].state_stack if previous else ())
    return ParseFailure(refused[2], Lexed._make(refused), expected, previous=previous)


def header_word(text: str, default: str) -> str:
    """The diagram keyword the block starts with (`graph`, `classDiagram-v2`, ...)."""
    words = text.split(None, 1)
    return words[0] if words else default


def syntax_error(source: Source, pos: int, message: str, expected: Sequence[str] = (),
                 hint: str | None = None) -> BodySyntaxError:
    line, column = source.position(pos)
    return BodySyntaxError(line, column, message, tuple(expected), hint)


def describe_expected(expected: frozenset[str], words: Mapping[str, str]) -> tuple[str, ...]:
    """Expected terminals in people's words, deduplicated, in a stable order."""
    seen: dict[str, None] = {}
    for name in sorted(expected):
        if name == "$END":
            seen.setdefault("end of diagram", None)
        elif name in words:
            seen.setdefault(words[name], None)
    return tuple(seen)


def show(value: str) -> str:
    """A token as quoted in a message."""
    value = value.strip() or value
    if value == "":
        return "end of diagram"
    if value in ("\n",) or set(value) <= {"\n", "\r"}:
        return "end of line"
    return repr(value if len(value) <= 30 else value[:27] + "...")


def explain_failure(
    source: Source,
    failure: ParseFailure,
    expected: tuple[str, ...],
    describe: Callable[[Lexed, list[Lexed]], tuple[str, str | None]],
    at_end: Callable[[ParseFailure], tuple[str, str | None]],
    char_hint: Callable[[str, list[Lexed]], str | None],
) -> BodySyntaxError:
    """The common shape of a body's error: a token the parser refused (`describe`), a lexer or
    database message, the end of the diagram (`at_end`), or a character no rule reads."""
    token = failure.token
    if token is not None:
        message, hint = describe(token, failure.previous)
        return syntax_error(source, token.start, message, expected, hint)
    if failure.message and failure.message != "Unrecognized text":
        return syntax_error(source, failure.pos, failure.message, expected, failure.hint)
    if failure.pos >= len(source.text.rstrip()) or not failure.message:
        message, hint = at_end(failure)
        return syntax_error(source, failure.pos, message, expected, hint)
    char = source.text[failure.pos]
    return syntax_error(source, failure.pos, f"Unexpected character {char!r}", expected,
                        char_hint(char, failure.previous))


def prepare_trimmed(text: str) -> Source:
    """The text as Mermaid's class and state parsers receive it: the start trimmed, entities
    encoded, a final line break added; mapped back to the block."""
    source = Source(text)
    source.sub(re.compile(f"^[{JS_SPACE}]+"), lambda m: "")
    encode_entities(source)
    source.sub(re.compile(r"\Z"), lambda m: "\n")
    return source


def tree_tokens(tree: Tree[Token] | Token) -> list[Token]:
    """The tokens of a tree, in order."""
    if isinstance(tree, Token):
        return [tree]
    tokens: list[Token] = []
    for child in tree.children:
        if isinstance(child, Token):
            tokens.append(child)
        else:
            tokens.extend(tree_tokens(child))
    return tokens


class TreeWalker:
    """Base of the model builders: statement dispatch to `_<rule name>` methods, and lines."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def line(self, token: Token) -> int:
        return self.source.line(token.start_pos or 0)

    def statements(self, children: Sequence[Tree[Token] | Token],
                   context: Any) -> list[tuple[Tree[Token], Any]]:
        """Run the handler of each statement, in order; (statement, what it returned)."""
        done: list[tuple[Tree[Token], Any]] = []
        for child in children:
            if isinstance(child, Tree):
                handler = getattr(self, f"_{child.data}", None)
                if handler is not None:
                    done.append((child, handler(child, context)))
        return done


@dataclass(frozen=True)
class JisonBody:
    """One diagram type read the Jison way: its lexer rules, its grammar, and what turns the
    tree into a model (`build`, which may raise MermaidError) or a failure into an error."""

    grammar: str  # grammars/<grammar>.lark
    default_kind: str
    rules: Sequence[Rule]
    states: Sequence[str]
    prepare: Callable[[str], Source]
    explain: Callable[[Source, ParseFailure], BodySyntaxError]
    build: Callable[[Source, Tree[Token]], Any]
    flags: int = 0
    merge: frozenset[str] = frozenset()

    @cached_property
    def lexer(self) -> JisonLexer:
        return JisonLexer(self.rules, self.states, self.flags, self.merge)

    def parse(self, text: str) -> BodyResult:
        result = self.parse_once(text)
        if result.error is not None and result.error.fix is not None:
            whole = complete_fix(text, result.error.fix, self.parse_once)
            result.error = replace(result.error, fix=whole)
        return result

    def parse_once(self, text: str) -> BodyResult:
        """The body's model, or its first error (with the fix of that one mistake, if any)."""
        kind = header_word(text, self.default_kind)
        source = self.prepare(text)
        outcome = run(tree_parser(self.grammar), self.lexer, source)
        if isinstance(outcome, ParseFailure):
            return BodyResult(kind, error=self.explain(source, outcome))
        try:
            model = self.build(source, outcome)
        except MermaidError as exc:
            return BodyResult(kind, error=syntax_error(source, exc.pos, exc.message,
                                                       hint=exc.hint))
        return BodyResult(kind, model=model)


_BRACKET_PAIRS = {")": "(", "]": "[", "}": "{"}


def label_span(source: Source, opener: Lexed,
               ends: tuple[str, ...]) -> tuple[int, int, int] | None:
    """Where the label after `opener` is, as its author wrote it: (line, start, end columns).

    It runs to the first of `ends` outside brackets of its own, on the opener's line; brackets
    inside must pair up (a stray closer of another kind is text). None when the end is not
    certain, or the opener is not where the block has it.
    """
    line, start = source.position(opener.end - 1)
    start += 1
    text = source.original_line(line)
    if text[start - len(opener.value) : start] != opener.value:
        return None
    open_brackets: list[str] = []
    for index in range(start, len(text)):
        if not open_brackets and text.startswith(ends, index):
            return line, start, index
        char = text[index]
        if char in "([{":
            open_brackets.append(char)
        elif char in _BRACKET_PAIRS:
            if open_brackets and open_brackets[-1] == _BRACKET_PAIRS[char]:
                open_brackets.pop()
            elif open_brackets:
                return None  # crossed brackets
    return None


MAX_FIXES = 100  # mistakes one fix may repair in a diagram


def complete_fix(text: str, first: BodyFix,
                 parse_once: Callable[[str], BodyResult]) -> BodyFix | None:
    """The fix of every mistake like the first, when together they make the body parse.

    Mermaid (and the parser) stop at the first mistake, so each fix is applied and the body
    parsed again, as long as the next error has a certain fix too. The edits are returned in
    the positions of `text`, in one fix, so that fixing needs one round whatever their number;
    None when the body would still not parse.
    """
    edits = list(first.edits)
    current = apply_edits(text, first.edits)
    for _ in range(MAX_FIXES):
        error = parse_once(current).error
        if error is None:
            return BodyFix(tuple(edits), first.description if len(edits) == 1 else
                           f"{first.description}, and {len(edits) - 1} more like it")
        if error.fix is None:
            return None
        for edit in error.fix.edits:
            mapped = _edit_before(edit, edits)
            if mapped is None:
                return None
            edits.append(mapped)
        current = apply_edits(current, error.fix.edits)
    return None


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """`text` with one-line edits (which do not overlap) applied."""
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        (line, start), (_, end) = edit.start, edit.end
        lines[line] = lines[line][:start] + edit.text + lines[line][end:]
    return "\n".join(lines)


def _edit_before(edit: TextEdit, applied: Sequence[TextEdit]) -> TextEdit | None:
    """An edit of the text after `applied`, moved to the text before them; None if it
    overlaps one of them (or spans lines)."""
    line, start = edit.start
    end_line, end = edit.end
    if end_line != line:
        return None
    shift = 0
    for done in sorted((e for e in applied if e.start[0] == line), key=lambda e: e.start):
        done_start = done.start[1] + shift
        done_end = done_start + len(done.text)
        if end <= done_start:
            break
        if start < done_end:
            return None
        shift += len(done.text) - (done.end[1] - done.start[1])
    return TextEdit((line, start - shift), (line, end - shift), edit.text)
