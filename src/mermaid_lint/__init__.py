"""mermaid-lint: lint and normalize Mermaid diagrams kept in Markdown notes."""

__version__ = "0.1.0"

from .api import RunReport, check_paths, check_text, fix_paths, fix_text  # noqa: E402
from .config import Settings, load_settings  # noqa: E402
from .model import Finding  # noqa: E402

__all__ = ["__version__", "Finding", "RunReport", "Settings", "check_paths", "check_text", "fix_paths",
           "fix_text", "load_settings"]
