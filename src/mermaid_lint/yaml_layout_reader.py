"""Reading front-matter text into a `yaml_layout.Layout` with PyYAML: apart, so that PyYAML
loads with the first front-matter read, not with every rule that writes a layout (a run
answered from the cache reads none)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .yaml_layout import Entry, Layout, Mapping, Node, Scalar, Sequence, Unsupported
from .yaml_loader import JsonSchemaLoader, QuickJsonSchemaLoader

UNSUPPORTED_TOKENS = (
    yaml.AnchorToken, yaml.AliasToken, yaml.TagToken, yaml.FlowMappingStartToken,
    yaml.DocumentStartToken, yaml.DocumentEndToken, yaml.DirectiveToken,
)


def read_layout(text: str) -> Layout | None:
    """The front-matter's layout, or None when it holds more than the layout can keep."""
    if "\ufeff" in text:
        return None  # PyYAML drops a leading byte-order mark without counting it: every source would shift
    try:
        tokens = list(yaml.scan(text, Loader=QuickJsonSchemaLoader))
        node = yaml.compose(text, Loader=QuickJsonSchemaLoader)
    except yaml.YAMLError:
        return None
    if any(isinstance(t, UNSUPPORTED_TOKENS) for t in tokens) or _has_comment(text, tokens):
        return None
    if node is None:
        return Layout(Mapping(), 2)
    steps: list[int] = []
    try:
        root = _mapping(node, text, steps)
    except Unsupported:
        return None
    return Layout(root, steps[0] if steps else 2)


def _has_comment(text: str, tokens: list) -> bool:
    scalars = [(t.start_mark.index, t.end_mark.index) for t in tokens if isinstance(t, yaml.ScalarToken)]
    for match in re.finditer("#", text):
        at = match.start()
        if (at == 0 or text[at - 1] in " \t\n") and not any(s <= at < e for s, e in scalars):
            return True
    return False


def _mapping(node: Any, text: str, steps: list[int]) -> Mapping:
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        raise Unsupported("not a block mapping")
    mapping = Mapping()
    for key_node, value_node in node.value:
        key = _scalar(key_node, text)
        if not isinstance(key.value, str) or mapping.get(key.value):
            raise Unsupported("a key that is not a string, or a duplicate key")
        if isinstance(value_node, yaml.MappingNode):
            steps.append(value_node.start_mark.column - key_node.start_mark.column)
            value: Node = _mapping(value_node, text, steps)
        elif isinstance(value_node, yaml.SequenceNode):
            value = Sequence([_scalar(item, text) for item in value_node.value], bool(value_node.flow_style))
        else:
            value = _scalar(value_node, text)
        mapping.entries.append(Entry(key.value, value, key.source))
    return mapping


def _scalar(node: Any, text: str) -> Scalar:
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, "", '"', "'"):
        raise Unsupported("not a one-line scalar")
    if node.start_mark.line != node.end_mark.line:
        raise Unsupported("a scalar over several lines")
    loader = JsonSchemaLoader("")
    try:
        value = loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
    return Scalar(value, text[node.start_mark.index : node.end_mark.index])


# --- building and merging -----------------------------------------------------------------
