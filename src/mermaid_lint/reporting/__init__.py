"""Reporters turn findings into output; they never decide anything about the findings.

Each format is a module here with a `report` function, imported when it is used: junit's XML
library alone takes longer to import than a run answered from the cache takes to report."""

from __future__ import annotations

import os
from importlib import import_module
from typing import Callable, TextIO

from ..api import RunReport

Reporter = Callable[[RunReport, TextIO, dict], None]

# format -> its module; "statistics" is --statistics
MODULES = {"text": "text", "json": "json_format", "sarif": "sarif", "github": "github", "junit": "junit",
           "statistics": "statistics"}


def reporter(name: str) -> Reporter:
    return import_module(f".{MODULES[name]}", __name__).report


def wants_colour(out: TextIO, no_color: bool) -> bool:
    """Whether the text format colours its output to `out` (only the text format ever does)."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or (hasattr(out, "isatty") and out.isatty())
