"""YAML as Mermaid reads it (js-yaml JSON_SCHEMA): no yes/no booleans and no dates, so
`created: 2025-13-01` is a string, not an error, and `on: x` keeps its key."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .kept import kept_as_json


class JsonSchemaLoader(yaml.SafeLoader):
    pass


JsonSchemaLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
JsonSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

# libyaml (when PyYAML was built with it) reads the same documents into the same nodes and
# marks about 7x faster; its error messages differ, so errors are re-read in pure Python.
FastJsonSchemaLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):
    class FastJsonSchemaLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        yaml_implicit_resolvers = JsonSchemaLoader.yaml_implicit_resolvers


# The fastest loaders at hand, for callers that need no error message.
QuickJsonSchemaLoader: type = FastJsonSchemaLoader or JsonSchemaLoader
QuickSafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_and_construct(loader_class: type, text: str) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def load_with_nodes(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (with marks) and its data; raises yaml.YAMLError with
    PyYAML's pure-Python message and marks."""
    if FastJsonSchemaLoader is not None:
        try:
            return _compose_and_construct(FastJsonSchemaLoader, text)
        except yaml.YAMLError:
            pass
    return _compose_and_construct(JsonSchemaLoader, text)


def load_data_file(text: str, loader: type) -> Any:
    """A large YAML data file (Mermaid's config schema) as Python data: building 70 KB of
    YAML into objects takes tens of milliseconds, so it is kept (kept.kept_as_json)."""
    return kept_as_json(f"{loader.__name__}\0{text}",
                        lambda: yaml.load(text, Loader=loader))  # noqa: S506 - the callers pass safe loaders
