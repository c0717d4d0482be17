"""Settings: which rules run, with which options, on which files.

Settings come in layers, lowest first: a preset, the configuration file (`[tool.mermaid-lint]`
in pyproject.toml, `.mermaid-lint.toml` or `.mermaid-lint.yaml`, found from the checked paths
upwards), then the command line. Every layer is the same mapping of kebab-case keys and is
validated the same way, so a mistake is reported with the file (or option) and key it came from.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from .files import SKIPPED_DIRS
from .ignore import pattern_matches, relative_to_root
from .rules import Rule, all_rules, rule_by_id

# Rule code ranges: a prefix naming a whole category stays valid while the category is empty.
CATEGORIES = {
    "ML0": "input and syntax",
    "ML1": "configuration",
    "ML2": "directives and front-matter",
    "ML3": "themes",
    "ML4": "labels and text",
    "ML5": "structure",
    "ML6": "document and duplicates",
    "ML7": "guide metadata",
    "ML8": "normalizer and format",
}
# Folders not searched unless `exclude` says otherwise (gitignore-style patterns).
DEFAULT_EXCLUDE = tuple(sorted(f"{name}/" for name in SKIPPED_DIRS))
# Looked for in each folder from the checked path upwards; the first found wins.
CONFIG_FILES = (".mermaid-lint.toml", ".mermaid-lint.yaml", ".mermaid-lint.yml", "pyproject.toml")
PRESETS_DIR = Path(__file__).parent / "presets"
MERMAID_VERSION = re.compile(r"\d+(?:\.\d+){0,2}")


class ConfigError(Exception):
    """A setting that cannot be used; the message names where it came from and the key."""


def _matches(rule: type[Rule], selector: str) -> bool:
    wanted = selector.strip()
    if wanted.upper() == "ALL":
        return True
    return rule.name == wanted.lower() or rule.code.upper().startswith(wanted.upper())


def is_known_selector(selector: str) -> bool:
    wanted = selector.strip().upper()
    return bool(wanted) and (wanted == "ALL" or any(_matches(rule, selector) for rule in all_rules())
            or any(category.startswith(wanted) for category in CATEGORIES))


def _unknown_selectors(selectors) -> list[str]:
    return [s for s in selectors if not is_known_selector(s)]


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()  # empty: every rule enabled by default
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule code -> options
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (gitignore-style pattern, selectors)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False  # exclude files named on the command line too (pre-commit)
    mermaid_version: str | None = None  # target release; a note's `%% Mermaid version` comment wins
    root: str = "."  # the folder exclude and per-file-ignores patterns are relative to
    config_file: str | None = None  # where the settings came from, for messages

    def __post_init__(self) -> None:
        unknown = _unknown_selectors(
            self.select + self.extend_select + self.ignore + tuple(s for _, group in self.per_file_ignores for s in group))
        if unknown:
            raise ConfigError(f"unknown rule or prefix: {unknown[0]!r}")

    def enabled_rules(self) -> list[type[Rule]]:
        chosen = []
        for rule in all_rules():
            selected = (
                any(_matches(rule, s) for s in self.select) if self.select else rule.default_enabled
            ) or any(_matches(rule, s) for s in self.extend_select)
            if selected and not any(_matches(rule, s) for s in self.ignore):
                chosen.append(rule)
        return chosen

    @cached_property
    def enabled_codes(self) -> frozenset[str]:
        """The codes of `enabled_rules`, worked out once (suppressions are judged note by note)."""
        return frozenset(rule.code for rule in self.enabled_rules())

    def ignored_in(self, path: str) -> frozenset[str]:
        """Codes that `per-file-ignores` turns off for this file."""
        if not self.per_file_ignores:
            return frozenset()
        relative = relative_to_root(path, self.root)
        selectors = [s for pattern, group in self.per_file_ignores if pattern_matches(pattern, relative) for s in group]
        return frozenset(rule.code for rule in all_rules() if any(_matches(rule, s) for s in selectors))

    def rule_option(self, rule: type[Rule] | Rule, key: str) -> Any:
        options = self.rule_options.get(rule.code, {})
        return options.get(key, rule.options[key])


def resolve_rule(identifier: str) -> type[Rule]:
    rule = rule_by_id(identifier)
    if rule is None:
        raise ConfigError(f"unknown rule: {identifier!r}")
    return rule


# --- configuration files ---------------------------------------------------------------------

Layer = dict[str, Any]  # kebab-case key -> value, as written in a configuration file

LIST_KEYS = ("select", "extend-select", "ignore", "exclude", "extend-exclude")
BOOL_KEYS = ("respect-gitignore", "force-exclude")
KNOWN_KEYS = (*LIST_KEYS, *BOOL_KEYS, "per-file-ignores", "rules", "preset", "mermaid-version")


def presets() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def find_config_file(start: Path) -> Path | None:
    """The configuration file of the nearest folder, from `start` upwards, that has one."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or _has_tool_table(path)):
                return path
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return "mermaid-lint" in _read_toml(pyproject).get("tool", {})
    except ConfigError:
        return False


def _read_toml(path: Path) -> dict:
    # Here: a folder without configuration files never needs it.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def read_config_file(path: Path) -> Layer:
    """The mermaid-lint table of a configuration file, not yet validated."""
    if path.suffix in (".yaml", ".yml"):
        import yaml  # only for this kind of file: `--version` and `explain` start without it

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: cannot read: {error}") from None
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: invalid YAML: {str(error).splitlines()[0]}") from None
        data = {} if data is None else data
    elif path.name == "pyproject.toml":
        data = _read_toml(path).get("tool", {}).get("mermaid-lint", {})
    else:
        data = _read_toml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings, found {type(data).__name__}")
    return data


@cache
def preset_layer(name: str) -> Layer:
    path = PRESETS_DIR / f"{name}.toml"
    if not path.is_file():
        raise ConfigError(f"unknown preset {name!r} (known: {', '.join(presets())})")
    return _read_toml(path)


def _suggestion(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _validate(layer: Layer, source: str) -> Layer:
    """Check every key and value of one layer; raise ConfigError naming `source` and the key."""
    def fail(key: str, message: str) -> None:
        raise ConfigError(f"{source}: {key}: {message}")

    for key, value in layer.items():
        if key not in KNOWN_KEYS:
            fail(key, f"unknown setting{_suggestion(str(key), KNOWN_KEYS)}")
        if key in LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                fail(key, "expected a list of strings")
            if key in ("select", "extend-select", "ignore") and (unknown := _unknown_selectors(value)):
                fail(key, f"unknown rule or prefix {unknown[0]!r}{_suggestion(unknown[0], _rule_ids())}")
        elif key in BOOL_KEYS and not isinstance(value, bool):
            fail(key, "expected true or false")
        elif key == "preset" and (not isinstance(value, str) or value not in presets()):
            fail(key, f"unknown preset {value!r} (known: {', '.join(presets())})")
        elif key == "mermaid-version" and not (isinstance(value, str) and MERMAID_VERSION.fullmatch(value)):
            fail(key, f'expected a version string such as "11.4" (quoted), found {value!r}')
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                fail(key, "expected a table of pattern = [rules]")
            for pattern, selectors in value.items():
                if not isinstance(pattern, str):
                    fail(f"{key}.{pattern}", "expected a gitignore-style pattern (a string)")
                if not isinstance(selectors, list) or not all(isinstance(s, str) for s in selectors):
                    fail(f"{key}.{pattern}", "expected a list of rule codes or names")
                if unknown := _unknown_selectors(selectors):
                    fail(f"{key}.{pattern}", f"unknown rule or prefix {unknown[0]!r}{_suggestion(unknown[0], _rule_ids())}")
        elif key == "rules":
            if not isinstance(value, dict):
                fail(key, "expected a table of rule = {option = value}")
            for rule_id, options in value.items():
                _validate_rule_options(str(rule_id), options, lambda k, m: fail(f"rules.{rule_id}{k}", m))
    return layer


def _rule_ids() -> list[str]:
    return [r.code for r in all_rules()] + [r.name for r in all_rules()]


def _option_key(rule: type[Rule], key: str) -> str | None:
    """Options are written kebab-case or as the rule declares them."""
    for candidate in (key, key.replace("-", "_")):
        if candidate in rule.options:
            return candidate
    return None


def _validate_rule_options(rule_id: str, options: Any, fail) -> None:
    rule = rule_by_id(rule_id)
    if rule is None:
        fail("", f"unknown rule{_suggestion(rule_id, _rule_ids())}")
    if not isinstance(options, dict):
        fail("", "expected a table of option = value")
    for key, value in options.items():
        known = _option_key(rule, str(key))
        if known is None:
            choices = ", ".join(rule.options) or "none"
            fail(f".{key}", f"unknown option of {rule.code} {rule.name} (its options: {choices})")
        expected = _type_name(rule.options[known])
        if not _same_type(rule.options[known], value):
            fail(f".{key}", f"expected {expected}, found {value!r}")


def _same_type(default: Any, value: Any) -> bool:
    if default is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):
        return isinstance(value, list) and (not default or all(_same_type(default[0], v) for v in value))
    return isinstance(value, type(default))


def _type_name(default: Any) -> str:
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string", dict: "a table"}
    if isinstance(default, (list, tuple)):
        inner = _type_name(default[0]) if default else "values"
        return f"a list of {inner.removeprefix('an ').removeprefix('a ')}s" if default else "a list"
    return names.get(type(default), type(default).__name__)


def _with_preset(layer: Layer) -> Layer:
    name = layer.get("preset")
    if name is None:
        return layer
    merged = merge_layers(_validate(preset_layer(name), f"preset {name}"), layer)
    merged.pop("preset", None)
    return merged


def merge_layers(lower: Layer, upper: Layer) -> Layer:
    """`upper` over `lower`: lists named extend-/ignore add up, a `select` starts afresh."""
    merged = dict(lower)
    if "select" in upper:
        merged.pop("extend-select", None)
    for key, value in upper.items():
        if key in ("extend-select", "ignore", "extend-exclude"):
            merged[key] = [*merged.get(key, []), *value]
        elif key == "per-file-ignores":
            merged[key] = {**merged.get(key, {}), **value}
        elif key == "rules":
            rules = {rule_by_id(r).code: dict(o) for r, o in merged.get(key, {}).items()}
            for rule_id, options in value.items():
                code = rule_by_id(rule_id).code
                rules[code] = {**rules.get(code, {}), **options}
            merged[key] = rules
        else:
            merged[key] = value
    return merged


def settings_from_layer(layer: Layer, root: Path, config_file: str | None = None) -> Settings:
    """Settings from one validated, merged layer (patterns relative to `root`)."""
    rules = {}
    for rule_id, options in layer.get("rules", {}).items():
        rule = rule_by_id(rule_id)
        rules[rule.code] = {_option_key(rule, str(k)): v for k, v in options.items()}
    return Settings(
        select=tuple(layer.get("select", ())),
        extend_select=tuple(layer.get("extend-select", ())),
        ignore=tuple(layer.get("ignore", ())),
        rule_options=rules,
        per_file_ignores=tuple((p, tuple(s)) for p, s in layer.get("per-file-ignores", {}).items()),
        exclude=tuple(layer.get("exclude", DEFAULT_EXCLUDE)),
        extend_exclude=tuple(layer.get("extend-exclude", ())),
        respect_gitignore=layer.get("respect-gitignore", True),
        force_exclude=layer.get("force-exclude", False),
        mermaid_version=layer.get("mermaid-version"),
        root=str(root),
        config_file=config_file,
    )


def common_folder(paths: list[str]) -> Path:
    """The folder the checked paths share (the current one when none is given)."""
    if not paths:
        return Path.cwd()
    resolved = [Path(p).resolve() for p in paths]
    folders = [p if p.is_dir() else p.parent for p in resolved]
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # nothing in common (Windows drives): the current folder decides
        return Path.cwd()


def load_settings(paths: list[str] | None = None, config_file: str | os.PathLike | None = None,
                  isolated: bool = False, overrides: Layer | None = None) -> Settings:
    """The settings for checking `paths`: the configuration file found from the folder they share
    upwards (or `config_file`; none with `isolated`), then `overrides` (the command line)."""
    file_layer: Layer = {}
    found: Path | None = None
    if config_file is not None:
        found = Path(config_file)
        if not found.is_file():
            raise ConfigError(f"{found}: configuration file not found")
    elif not isolated:
        found = find_config_file(common_folder(list(paths or [])))
    if found is not None:
        file_layer = _with_preset(_validate(read_config_file(found), str(found)))
    layer = merge_layers(file_layer, _with_preset(_validate(dict(overrides or {}), "command line")))
    root = found.resolve().parent if found is not None else Path.cwd()
    return settings_from_layer(layer, root, str(found) if found else None)
