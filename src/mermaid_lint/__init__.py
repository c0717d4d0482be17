"""mermaid-lint: lint and normalize Mermaid diagrams kept in Markdown notes."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "check_paths", "check_text", "fix_paths", "fix_text"]


def __getattr__(name: str) -> Any:
    # The API (and the parsers behind it) loads on first use: `mermaid-lint --version` and
    # `mermaid-lint rules` start without Lark, markdown-it or PyYAML.
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
