"""Settings: which rules run and their options."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .rules import Rule, all_rules, rule_by_id


class ConfigError(Exception):
    """A setting that cannot be used; the message names it."""


def _matches(rule: type[Rule], selector: str) -> bool:
    wanted = selector.strip()
    if wanted.upper() == "ALL":
        return True
    return rule.name == wanted.lower() or rule.code.upper().startswith(wanted.upper())


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()  # empty: every rule enabled by default
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule code -> options
    mermaid_version: str | None = None  # target release; a note's `%% Mermaid version` comment wins

    def __post_init__(self) -> None:
        for selector in self.select + self.extend_select + self.ignore:
            if not any(_matches(rule, selector) for rule in all_rules()):
                raise ConfigError(f"unknown rule or prefix: {selector!r}")

    def enabled_rules(self) -> list[type[Rule]]:
        chosen = []
        for rule in all_rules():
            selected = (
                any(_matches(rule, s) for s in self.select) if self.select else rule.default_enabled
            ) or any(_matches(rule, s) for s in self.extend_select)
            if selected and not any(_matches(rule, s) for s in self.ignore):
                chosen.append(rule)
        return chosen

    def rule_option(self, rule: type[Rule] | Rule, key: str) -> Any:
        options = self.rule_options.get(rule.code, {})
        return options.get(key, rule.options[key])


def resolve_rule(identifier: str) -> type[Rule]:
    rule = rule_by_id(identifier)
    if rule is None:
        raise ConfigError(f"unknown rule: {identifier!r}")
    return rule
