"""mermaid-lint: lint and normalize Mermaid diagrams kept in Markdown notes."""

from .api import check_paths, check_text, fix_paths, fix_text

__version__ = "0.1.0"
__all__ = ["__version__", "check_paths", "check_text", "fix_paths", "fix_text"]
