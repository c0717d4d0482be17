from __future__ import annotations

import re

from ..mermaid import load
from ..model import Severity
from .base import Rule

# An HTML-looking tag as a browser reads it (a tag name runs to a space, `/` or `>`, so
# `<K, V>` is the element `k,`); `<<fork>>`-style annotations are excluded by the
# look-behind/ahead, arrows (`<--`, `<|--`) by the letter after `<`.
TAG = re.compile(r"(?<!<)<(/?)([A-Za-z][^\s/<>]*)(?:\s[^<>]*)?/?>(?!>)")


class HtmlTagSanitized(Rule):
    """
    What it does: finds HTML-looking tags in diagram text that Mermaid's sanitizer removes:
    names HTML does not have (`List<String>`, `Map<K, V>`, `<name>`), and tags it forbids
    (`<script>`, `<style>`, `<iframe>`). Known tags such as `<b>`, `<i>`, `<br/>`, `<span>`
    or `<sub>` are fine.

    Why: Mermaid runs every label through DOMPurify. An unknown element is deleted: the
    label `List<String> items` shows as "List items", `Map<K, V>` as "Map". Forbidden tags
    vanish with their content. Nothing warns the author.

    Example:
        A["Returns List<String>"] --> B["Map<K, V> cache"]

    Use instead:
        A["Returns List&lt;String&gt;"] --> B["Map&lt;K, V&gt; cache"]
        (or List~String~ in class diagrams)
    """

    code = "ML403"
    name = "html-tag-sanitized"
    summary = "An HTML tag Mermaid's sanitizer deletes from the label (e.g. List<String>)"
    severity = Severity.ERROR

    def check_diagram(self, diagram, ctx):
        knowledge = load()
        block = diagram.block
        for line in diagram.body:
            for match in TAG.finditer(line.text):
                fate = knowledge.html_tag_fate(match.group(2))
                if fate is None:
                    continue
                start, end = (line.number, match.start()), (line.number, match.end())
                shown = "its text too" if fate == "removed with its text" else "the tag, keeping the text around it"
                yield ctx.in_block(
                    self, block, start, end,
                    f"`{match.group()}` is not an HTML tag Mermaid keeps: its sanitizer deletes {shown}; "
                    "write `&lt;` and `&gt;` to show angle brackets",
                )
