"""The rule registry: every module in this package that defines a Rule subclass."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from .base import FixSafety, Rule


@cache
def all_rules() -> tuple[type[Rule], ...]:
    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.__module__ == module.__name__:
                found.append(value)
    found.sort(key=lambda rule: rule.code)
    codes = [rule.code for rule in found] + [rule.name for rule in found]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise RuntimeError(f"rule codes or names used twice: {sorted(duplicates)}")
    return tuple(found)


def rule_by_id(identifier: str) -> type[Rule] | None:
    """A rule by code (`ML401`) or name (`broken-line-break`), case-insensitively."""
    wanted = identifier.strip().lower()
    for rule in all_rules():
        if wanted in (rule.code.lower(), rule.name):
            return rule
    return None


__all__ = ["FixSafety", "Rule", "all_rules", "rule_by_id"]
