"""Reporters turn findings into output; they never decide anything about the findings."""

from __future__ import annotations

from typing import Callable, TextIO

from ..api import RunReport
from . import github, json_format, junit, sarif, statistics, text

Reporter = Callable[[RunReport, TextIO, dict], None]

FORMATS: dict[str, Reporter] = {
    "text": text.report,
    "json": json_format.report,
    "sarif": sarif.report,
    "github": github.report,
    "junit": junit.report,
}
STATISTICS: Reporter = statistics.report
