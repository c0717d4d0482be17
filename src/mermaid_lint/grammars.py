"""Build the Lark parsers from the grammars in the top-level `grammars/` folder.

The wheel ships them as `mermaid_lint/grammars`; a source checkout reads them in place.
Each parser is built once per process (and Lark's own cache skips rebuilding the tables).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Lark


def grammar_dir() -> Path:
    packaged = resources.files("mermaid_lint") / "grammars"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "grammars"


@cache
def lalr_parser(name: str, start: str = "start", tree_positions: bool = False) -> Lark:
    """The LALR parser for `grammars/<name>.lark`. Tokens always carry their positions;
    `tree_positions=True` also gives every subtree its span (`meta`), which costs about a
    sixth of the parse time on the body grammars, so only parsers that read `meta` ask."""
    from lark import Lark  # here: finding the grammars (for the cache key) needs no parser

    path = grammar_dir() / f"{name}.lark"
    return Lark(
        path.read_text(encoding="utf-8"),
        parser="lalr",
        start=start,
        propagate_positions=tree_positions,
        maybe_placeholders=False,
        cache=True,
        import_paths=[grammar_dir()],
    )
