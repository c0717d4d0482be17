"""mermaid-lint: lint and normalize Mermaid diagrams kept in Markdown notes."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "Finding", "RunReport", "Settings", "check_paths", "check_text", "fix_paths",
           "fix_text", "load_settings"]
# Where each public name lives: loaded on first use, so `mermaid-lint --version` and
# `explain` start without the API and the parsers behind it.
_HOMES = {"RunReport": "api", "check_paths": "api", "check_text": "api", "fix_paths": "api", "fix_text": "api",
          "Settings": "config", "load_settings": "config", "Finding": "model"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
