"""YAML as Mermaid reads it (js-yaml JSON_SCHEMA): no yes/no booleans and no dates, so
`created: 2025-13-01` is a string, not an error, and `on: x` keeps its key."""

from __future__ import annotations

import re

import yaml


class JsonSchemaLoader(yaml.SafeLoader):
    pass


JsonSchemaLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
JsonSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
