"""YAML as Mermaid reads it (js-yaml JSON_SCHEMA): no yes/no booleans and no dates, so
`created: 2025-13-01` is a string, not an error, and `on: x` keeps its key."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .hashing import blake2b


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
    """A large YAML data file (Mermaid's config schema) as Python data.

    Building 70 KB of YAML into objects takes tens of milliseconds at every start, which a
    pre-commit run notices. Like Lark's grammar cache, the data is kept in the temp folder,
    as JSON (never code), named by the text's hash, and only when it reads back equal.
    """
    digest = blake2b(f"{loader.__name__}\0{text}".encode(), digest_size=16).hexdigest()
    kept = Path(tempfile.gettempdir()) / f".mermaid-lint-data-{digest}.json"
    try:
        if not hasattr(os, "getuid") or kept.stat().st_uid == os.getuid():  # not one another user left
            return json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    data = yaml.load(text, Loader=loader)  # noqa: S506 - the callers pass safe loaders
    try:
        encoded = json.dumps(data)
        if json.loads(encoded) == data:
            handle, temporary = tempfile.mkstemp(prefix=kept.name, dir=kept.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(encoded)
            os.replace(temporary, kept)
    except (TypeError, ValueError, OSError):
        pass  # not JSON data, or no writable temp folder: the YAML is read each time
    return data
