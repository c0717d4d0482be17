"""What Mermaid itself knows about its configuration, as data for the lint rules.

The facts live in ``config_schema.yaml`` beside this file (its header documents the
shape; ``NOTES.md`` says where they come from). This module loads that file once and
answers questions about it: is a config key known, what was probably meant, which
values a key takes, and whether a key or value exists in a given Mermaid version.

Versions: the YAML records, for each key or value, the first *sampled* release that
has it (``since``) and the first sampled release without it (``removed``). Between two
samples we cannot tell, so the version helpers answer ``None`` there and callers should
not report.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


__all__ = [
    "KeySpec",
    "MermaidKnowledge",
    "load",
    "version_tuple",
]

_DATA_FILE = "config_schema.yaml"

Version = tuple[int, int, int]
Path = tuple[str, ...]


@functools.cache  # rules ask for the same few versions thousands of times
def version_tuple(version: str) -> Version:
    """Parse "11.4.1", "v11.4.1", "11.4" or "11.4.1-b.14" into (11, 4, 1).

    Pre-release and build suffixes are dropped: the guides write versions such as
    ``v11.4.1-b.14`` and they behave like the release they precede for our purposes.
    """
    m = re.match(r"\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", str(version))
    if not m:
        raise ValueError(f"not a Mermaid version: {version!r}")
    major, minor, patch = (int(g) if g else 0 for g in m.groups())
    return (major, minor, patch)


@dataclass(frozen=True)
class KeySpec:
    """One config key as the YAML describes it, with the path it was found at."""

    path: Path
    types: tuple[str, ...]
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    enum: tuple[Any, ...] | None = None
    enum_open: bool = False

    @property
    def since(self) -> str | None:
        return self.raw.get("since")

    @property
    def removed(self) -> str | None:
        return self.raw.get("removed")

    @property
    def default(self) -> Any:
        return self.raw.get("default")

    @property
    def deprecated(self) -> Mapping[str, Any] | None:
        return self.raw.get("deprecated")

    @property
    def secure(self) -> bool:
        return bool(self.raw.get("secure"))

    @property
    def sanitized_away(self) -> bool | Mapping[str, Any]:
        """True or {since, removed}: Mermaid deletes it when a diagram sets it."""
        value: bool | Mapping[str, Any] = self.raw.get("sanitized_away", False)
        return value

    @property
    def is_object(self) -> bool:
        return "object" in self.types

    def accepts_type(self, value: Any) -> bool:
        """Whether a YAML/JSON value has one of the key's types (enum not checked)."""
        for t in self.types:
            if t == "any":
                return True
            # bool is an int subclass in Python; keep booleans out of number checks.
            if t == "boolean" and isinstance(value, bool):
                return True
            is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if is_number and (
                t == "number" or (t == "integer" and float(value).is_integer())
            ):
                return True
            if t == "string" and isinstance(value, str):
                return True
            if t == "object" and isinstance(value, Mapping):
                return True
            if t == "array" and isinstance(value, list):
                return True
        return value is None and bool(self.raw.get("nullable"))


@dataclass(frozen=True)
class _Node:
    """A resolved step of a path: its spec and what its children are."""

    spec: Mapping[str, Any]
    # None: this key takes no config keys below it (a string such as themeCSS).
    children: Mapping[str, Mapping[str, Any]] | None
    # True: below it are user-data keys (dompurifyConfig, sankey.nodeColors).
    free_children: bool = False


@dataclass(frozen=True, eq=False)  # identity hash: the data dict is not hashable
class MermaidKnowledge:
    """Typed access to config_schema.yaml; get the shared instance from load()."""

    data: Mapping[str, Any] = field(repr=False)

    # ------------------------------------------------------------------ basics
    @property
    def default_version(self) -> str:
        return str(self.data["default_version"])

    @property
    def versions_known(self) -> tuple[str, ...]:
        return tuple(self.data["versions_known"])

    @property
    def known_issues(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(self.data.get("known_issues", ()))

    @property
    def theme_variable_regex(self) -> re.Pattern[str]:
        return _compiled(self.data["theme_variables"]["value_regex"])

    def theme_variable_value_ok(self, value: Any) -> bool:
        """False when Mermaid would blank this themeVariables value."""
        return not isinstance(value, str) or bool(
            self.theme_variable_regex.match(value)
        )

    # ------------------------------------------------------------------ versions
    def available(self, spec: Mapping[str, Any], version: str | None) -> bool | None:
        """Is an item with this since/removed in `version`? None: between samples."""
        if version is None:
            return True
        v = version_tuple(version)
        since, removed = spec.get("since"), spec.get("removed")
        if since is not None:
            ok = self._compare_sample(v, since)
            if ok is not True:
                return ok
        if removed is not None:
            gone = self._compare_sample(v, removed)
            if gone is None:
                return None
            if gone:
                return False
        return True

    def _compare_sample(self, v: Version, boundary: str) -> bool | None:
        """v >= boundary: True; v <= the sample before it: False; else None."""
        b = version_tuple(boundary)
        if v >= b:
            return True
        samples = sorted(version_tuple(s) for s in self.versions_known)
        earlier = [s for s in samples if s < b]
        if not earlier or v <= earlier[-1]:
            return False
        return None

    # ------------------------------------------------------------- path resolution
    def _top_children(self) -> Mapping[str, Mapping[str, Any]]:
        top: Mapping[str, Mapping[str, Any]] = self.data["top_level"]
        return top

    def _children_of(self, spec: Mapping[str, Any]) -> _Node:
        if spec.get("children") == "theme_variables":
            tv = self.data["theme_variables"]
            # theme_only names are real variables too (some theme computes them).
            return _Node(spec, {**tv.get("theme_only", {}), **tv["names"]})
        if "section" in spec:
            section = self.data["diagram_sections"][spec["section"]]
            return _Node(spec, {**self.data["base_diagram_config"], **section["keys"]})
        if "keys" in spec or spec.get("free_keys"):
            return _Node(spec, spec.get("keys", {}), bool(spec.get("free_keys")))
        return _Node(spec, None)

    def _walk(self, path: Path) -> Iterator[Mapping[str, Any] | None]:
        """Yield the raw spec of each path element; None at the first unknown."""
        children: Mapping[str, Mapping[str, Any]] | None = self._top_children()
        free = False
        for name in path:
            if children is not None and name in children:
                spec = children[name]
            elif free:
                spec = {"type": "any"}  # user data inside a free_keys object
            else:
                yield None
                return
            yield spec
            node = self._children_of(spec)
            children, free = node.children, node.free_children

    def _resolve(self, path: Path) -> tuple[Mapping[str, Any], ...] | None:
        return self._resolved(tuple(path))

    @functools.cache  # noqa: B019 - one instance (load()), alive as long as the process
    def _resolved(self, path: Path) -> tuple[Mapping[str, Any], ...] | None:
        chain = tuple(self._walk(path))
        if not path or len(chain) != len(path) or chain[-1] is None:
            return None
        return chain  # type: ignore[return-value]

    # -------------------------------------------------------------- public key API
    def is_known_key(self, path: Path, version: str | None = None) -> bool:
        """Is `path` (e.g. ('flowchart', 'curve')) a config key Mermaid defines?

        With `version`, the key and every parent must exist in that release; a
        version between two samples counts as known, to avoid false alarms.
        """
        chain = self._resolve(path)
        if chain is None:
            return False
        return all(self.available(s, version) is not False for s in chain)

    def key_spec(self, path: Path) -> KeySpec | None:
        chain = self._resolve(path)
        if chain is None:
            return None
        raw = chain[-1]
        t = raw.get("type", "any")
        types = tuple(t) if isinstance(t, list) else (t,)
        if "keys" in raw and "object" not in types:
            types += ("object",)
        enum: tuple[Any, ...] | None = None
        enum_open = bool(raw.get("enum_open"))
        if "enum_ref" in raw:
            shared = self.data["enums"][raw["enum_ref"]]
            enum = tuple(shared["values"])
            enum_open = enum_open or bool(shared.get("open"))
        elif "enum" in raw:
            enum = tuple(raw["enum"])
        return KeySpec(tuple(path), types, raw, enum, enum_open)

    def children(self, path: Path = ()) -> tuple[str, ...]:
        """Names allowed directly under `path` (top level for ())."""
        if not path:
            return tuple(self._top_children())
        chain = self._resolve(path)
        if chain is None:
            return ()
        node = self._children_of(chain[-1])
        return tuple(node.children or ())

    def suggest_key(self, path: Path) -> str | None:
        """A likely intended name for the last element of an unknown `path`.

        Known mistakes first (``graph`` -> ``flowchart``), then a case-insensitive
        match, then difflib among the keys allowed at that level.
        """
        return self._suggested(tuple(path))

    @functools.cache  # noqa: B019 - as _resolved; notes repeat the same unknown keys
    def _suggested(self, path: Path) -> str | None:
        *parent, name = path
        if not parent:
            mis = self.data.get("misnamed_sections", {}).get(name)
            if mis:
                return str(mis["use"])
        candidates = self.children(tuple(parent))
        if name in candidates:
            return None
        lowered = {c.lower(): c for c in candidates}
        if name.lower() in lowered:
            return lowered[name.lower()]
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
        return close[0] if close else None

    def deprecation(self, path: Path) -> Mapping[str, Any] | None:
        """The `deprecated` entry for a dotted path (with replacement), if any."""
        dotted = ".".join(path)
        entry: Mapping[str, Any]
        for entry in self.data.get("deprecated", ()):
            if entry["path"] == dotted:
                return entry
        spec = self.key_spec(path)
        return spec.deprecated if spec else None

    # ------------------------------------------------------------ enums and values
    def enum_values(self, name: str, version: str | None = None) -> tuple[Any, ...]:
        """Values of a shared enum (theme, look, layout, curve...), per version."""
        enum = self.data["enums"][name]
        since = enum.get("since", {})
        return tuple(
            v
            for v in enum["values"]
            if self.available({"since": since.get(str(v))}, version) is not False
        )

    def value_allowed_in_version(
        self, path: Path, value: Any, version: str | None = None
    ) -> bool | None:
        """Does Mermaid `version` know this key and (for enums) this value?

        True/False when the samples decide it; None when they cannot (a version
        between two samples, or an unlisted value of an open enum: a plugin layout).
        """
        chain = self._resolve(path)
        if chain is None:
            return False
        results = [self.available(s, version) for s in chain]
        if False in results:
            return False
        spec = self.key_spec(path)
        assert spec is not None
        verdict: bool | None = None if None in results else True
        if (
            spec.enum is None
            or isinstance(value, bool)
            or not isinstance(value, (str, int, float))
        ):
            return verdict
        raw = spec.raw
        shared = self.data["enums"].get(raw.get("enum_ref", ""), {})
        legacy = shared.get("legacy_values", {})
        if value in spec.enum:
            since = {**shared.get("since", {}), **raw.get("enum_since", {})}.get(
                str(value)
            )
            ok = self.available({"since": since}, version)
        elif str(value) in legacy:
            ok = self.available(legacy[str(value)], version)
        else:
            ok = None if spec.enum_open else False
        if ok is False:
            return False
        return None if (ok is None or verdict is None) else True

    # ------------------------------------------------------------------ colours
    def is_colour(self, value: str) -> bool:
        """Would Mermaid's colour library (khroma) accept this colour?"""
        colours = self.data["colours"]
        text = value.strip()
        if text.lower() in self._colour_keywords():
            return True
        return any(_compiled(f"(?i){pattern}").match(text) for pattern in colours["formats"].values())

    @functools.cache  # noqa: B019 - one long-lived instance, made by load()
    def _colour_keywords(self) -> frozenset[str]:
        return frozenset(self.data["colours"]["keywords"])

    def expects_colour(self, name: str, value: str) -> bool:
        """Is this themeVariables value meant as a colour (by its name or its shape)?"""
        colours = self.data["colours"]
        return bool(
            _compiled(colours["variable_name_regex"]).search(name)
            or _compiled(colours["looks_like_colour_regex"]).match(value.strip())
        )

    # ------------------------------------------------------------------ HTML in labels
    def html_tag_fate(self, tag: str) -> str | None:
        """What Mermaid's label sanitizer does to an element: None (kept), "removed" (its
        text stays) or "removed with its text"."""
        html = self.data["html_sanitizer"]
        name = tag.lower()
        if name in html["allowed_tags"] and name not in html["forbidden_by_mermaid"]:
            return None
        return "removed with its text" if name in html["content_dropped"] else "removed"

    def line_break_pattern(self, version: str) -> re.Pattern[str]:
        """Mermaid's line-break regex in `version` (`</br>` breaks a line only from 12.0)."""
        v = version_tuple(version)
        chosen = self.data["line_breaks"]["patterns"][0]
        for entry in self.data["line_breaks"]["patterns"]:
            if v >= version_tuple(entry["since"]):
                chosen = entry
        return _compiled_ignorecase(chosen["pattern"])

    # ------------------------------------------------------------------ diagrams
    def section_for_diagram(self, diagram_type: str) -> str | None:
        """Config section a diagram header keyword uses ('graph' -> 'flowchart')."""
        entry = self.data["diagram_types"].get(diagram_type)
        section: str | None = entry.get("section") if entry else None
        return section

    def has_title_statement(self, diagram_type: str) -> bool:
        """Does this diagram's body take a `title` statement (which beats front-matter title)?"""
        entry = self.data["diagram_types"].get(diagram_type)
        return bool(entry and entry.get("title_statement"))

    def diagram_type_available(
        self, diagram_type: str, version: str | None = None
    ) -> bool | None:
        entry = self.data["diagram_types"].get(diagram_type)
        if entry is None:
            return False
        return self.available(entry, version)

    # ------------------------------------------------------------------ sanitizer
    def is_secure_key(self, name: str) -> bool:
        secure = self.data["secure_keys"]
        return name in secure["always"] or name in secure["default"]

    def survives_sanitizer(self, name: str, version: str | None = None) -> bool:
        """Would Mermaid keep a key with this name (at any depth) in a diagram's config?

        Mermaid checks names, not paths: 'stroke' survives anywhere because
        er.stroke exists. Secure keys and null values go by other rules (`sanitizer`).
        """
        v = version or self.default_version
        if name.startswith("__") or "proto" in name or "constr" in name:
            return False
        return name in self._config_key_names(v)

    @functools.cache  # noqa: B019 - one long-lived instance, made by load()
    def _config_key_names(self, version: str) -> frozenset[str]:
        names: set[str] = set(self.data["sanitizer"].get("extra_names", ()))

        def add(
            specs: Mapping[str, Mapping[str, Any]], theme_vars: bool = False
        ) -> None:
            for key, spec in specs.items():
                if self.available(spec, version) is False:
                    continue
                if not (theme_vars and spec.get("sanitized_away")):
                    names.add(key)
                if "keys" in spec:
                    add(spec["keys"], theme_vars)

        add(self.data["top_level"])
        add(self.data["base_diagram_config"])
        for section in self.data["diagram_sections"].values():
            if self.available(section, version) is not False:
                add(section["keys"])
        add(self.data["theme_variables"]["names"], theme_vars=True)
        for name, info in self.data["theme_variables"].get("theme_only", {}).items():
            if self.available(info, version) is not False and not info.get(
                "sanitized_away"
            ):
                names.add(name)
            add(info.get("keys", {}), theme_vars=True)
        for name, info in self.data["sanitizer"]["dropped_schema_names"].items():
            if self.available(info, version) is not False:
                names.discard(name)
        return frozenset(names)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@functools.cache
def _compiled_ignorecase(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@functools.cache
def load() -> MermaidKnowledge:
    """Read config_schema.yaml once (importlib.resources: works from a wheel)."""
    import importlib.resources  # here, not at the top: `mermaid-lint rules` needs neither

    import yaml

    from ..yaml_loader import load_data_file

    text = (
        importlib.resources.files(__name__)
        .joinpath(_DATA_FILE)
        .read_text(encoding="utf-8")
    )
    # The C loader is ~8x faster here; PyYAML may be built without libyaml.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return MermaidKnowledge(load_data_file(text, loader))
