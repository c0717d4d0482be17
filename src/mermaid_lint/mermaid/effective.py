"""The configuration Mermaid really uses for a diagram, and where each setting came from.

Mermaid deep-merges front-matter `config` with the init directives, the directive winning and
a later directive winning over an earlier one. If any init directive fails JSON.parse, Mermaid
drops all of them (one try/catch around the loop in detectDirective).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from ..model import Diagram, Directive, Located, Note
from . import load

MISSING = object()


@dataclass(frozen=True)
class Setting:
    value: Any
    located: Located | None  # where its key stands in the block
    directive: Directive | None  # None: front-matter


def applied_directives(diagram: Diagram) -> list[Directive]:
    inits = [d for d in diagram.directives if d.is_init and not d.unterminated]
    if any(d.dropped for d in inits):
        return []
    return [d for d in inits if isinstance(d.value, dict)]


def deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def front_matter_config(diagram: Diagram) -> dict:
    config = diagram.front_matter.config if diagram.front_matter else None
    return config if isinstance(config, dict) else {}


def effective_config(diagram: Diagram) -> dict:
    merged = front_matter_config(diagram)
    for directive in applied_directives(diagram):
        merged = deep_merge(merged, directive.value)
    return merged


def _lookup(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return MISSING
        data = data[key]
    return data


def setting(diagram: Diagram, *path: str) -> Setting | None:
    """The winning value at `path` (e.g. "theme"), or None when nothing sets it."""
    for directive in reversed(applied_directives(diagram)):
        value = _lookup(directive.value, path)
        if value is not MISSING:
            return Setting(value, directive.locations.get(path), directive)
    value = _lookup(front_matter_config(diagram), path)
    if value is not MISSING and diagram.front_matter:
        return Setting(value, diagram.front_matter.locations.get(("config", *path)), None)
    return None


def effective_theme(diagram: Diagram) -> str:
    found = setting(diagram, "theme")
    return str(found.value) if found and found.value is not None else "default"


@dataclass(frozen=True)
class Dropped:
    """A config key Mermaid deletes before using the config, and why."""

    path: tuple[str, ...]
    reason: str
    by_value: bool  # deleted for its value (null, markup), not for its name


def sanitize(config: dict, path: tuple[str, ...] = ()) -> tuple[dict, list[Dropped]]:
    """What Mermaid keeps of a diagram's config: sanitizeDirective and config.sanitize, which
    run on the merged front-matter + directive config (arrays are kept as they are)."""
    knowledge = load()
    kept: dict = {}
    dropped: list[Dropped] = []
    for key, value in config.items():
        here = (*path, str(key))
        name = str(key)
        if knowledge.is_secure_key(name):
            dropped.append(Dropped(here, "a secure key, which a diagram cannot set", False))
        elif not knowledge.survives_sanitizer(name):
            dropped.append(Dropped(here, "not a Mermaid config key", False))
        elif value is None:
            dropped.append(Dropped(here, "a null value", True))
        elif isinstance(value, str) and any(mark in value for mark in ("<", ">", "url(data:")):
            dropped.append(Dropped(here, "a value with markup", True))
        elif isinstance(value, dict):
            kept[key], inner = sanitize(value, here)
            dropped.extend(inner)
        else:
            kept[key] = value
    return kept, dropped


def applied_config(diagram: Diagram) -> dict:
    """The configuration Mermaid really applies: the merged config without what it deletes."""
    return sanitize(effective_config(diagram))[0]


@dataclass(frozen=True)
class ConfigEntry:
    """One key a diagram's config sets, wherever it is written."""

    path: tuple[str, ...]  # config path, e.g. ("flowchart", "curve")
    value: Any
    located: Located
    directive: Directive | None  # None: front-matter `config`

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def read_config_entries(diagram: Diagram) -> Iterator[ConfigEntry]:
    """Every key set in front-matter `config` and in init directives (dropped ones too: what
    the author wrote), outermost keys first. Rules read them as `Diagram.config_entries`."""
    if diagram.front_matter:
        config = diagram.front_matter.config
        for path, located in diagram.front_matter.locations.items():
            if len(path) > 1 and path[0] == "config":
                yield ConfigEntry(path[1:], _lookup(config, path[1:]), located, None)
    for directive in diagram.directives:
        if directive.is_init:
            for path, located in directive.locations.items():
                yield ConfigEntry(path, _lookup(directive.value, path), located, directive)


# What the guides write: `%%%%%%%% Mermaid version v11.4.1-b.14`.
VERSION_COMMENT = re.compile(r"%%\s*Mermaid\s+version\s+v?(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class TargetVersion:
    version: str
    source: str  # where it came from, for messages

    def __str__(self) -> str:
        return f"Mermaid {self.version}, {self.source}"


def stated_version(diagram: Diagram) -> str | None:
    for comment in diagram.comments:
        match = VERSION_COMMENT.search(comment.text)
        if match:
            return match.group(1)
    return None


def stated_in_note(note: Note) -> str | None:
    """The first `%% Mermaid version` comment among the note's diagrams."""
    return next(filter(None, map(stated_version, note.diagrams)), None)


def target_version(diagram: Diagram, in_note: str | None, configured: str | None, default: str) -> TargetVersion:
    """The Mermaid release a diagram is written for: its own `%% Mermaid version` comment, else
    one in another diagram of its note (`in_note`: stated_in_note), else the configured
    `mermaid-version`, else the default."""
    own = stated_version(diagram)
    if own:
        return TargetVersion(own, "stated in the diagram")
    if in_note:
        return TargetVersion(in_note, "stated in this note")
    if configured:
        return TargetVersion(configured, "mermaid-version setting")
    return TargetVersion(default, "default target")


def theme_variable_entries(diagram: Diagram) -> Iterator[ConfigEntry]:
    """The keys set under `themeVariables` (at any depth)."""
    return (entry for entry in diagram.config_entries if entry.path[0] == "themeVariables" and len(entry.path) > 1)
