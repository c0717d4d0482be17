"""Regular expressions compiled by an earlier run, read back instead of compiled again.

Python compiles a pattern in Python code (its parser and code generator, `re._compiler`):
the ~220 patterns a check of one guide compiles (Lark's lexer states, the Jison lexers,
PyYAML's and markdown-it's) took 36 of its 180 ms. What the compiler hands to `_sre.compile`
(flags, the SRE code, the groups) is kept in the temp folder for this Python build and handed
to `_sre.compile` again, which checks the code before it runs it. Anything unexpected
(another Python, a damaged file) falls back to compiling.
"""

from __future__ import annotations

import re
import sys
import time
from array import array
from base64 import b64decode, b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .kept import read_kept, write_kept

try:
    import _sre
    from re import _compiler  # type: ignore[attr-defined]  # Python 3.11+
except ImportError:  # Python 3.10, or not CPython: patterns are compiled as usual
    _compiler = None

CODE_TYPE = "I"  # the SRE code packed as an array of these (base64 in JSON): a third of the reading time

MAX_KEPT = 2000  # patterns; a run that would keep more keeps only the ones it used
# Compiling that makes keeping worth a write. Some patterns differ from run to run (markdown-it
# joins a set of characters, in hash order): alone, they are not worth rewriting the file.
WORTH_KEEPING = 0.005  # seconds


class _Recorder:
    """Stands for `_sre` inside `re._compiler`, noting what the compiler passes to `_sre.compile`."""

    def __init__(self, sre: Any) -> None:
        self.sre = sre
        self.arguments: tuple[Any, ...] = ()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sre, name)

    def compile(self, *arguments: Any) -> re.Pattern[Any]:
        self.arguments = arguments
        return self.sre.compile(*arguments)


class _KeptPatterns:
    """Stands for `re._compiler.compile`: a kept pattern is read back, any other compiled by
    `original` and noted, to be kept by `save`."""

    def __init__(self, original: Any) -> None:
        self.original = original
        self.key = f"patterns\0{sys.version}\0{sys.maxunicode}\0{_sre.MAGIC}\0{_sre.CODESIZE}"
        self.kept: dict[str, list[Any]] | None = None  # read at the first pattern to compile
        self.used: dict[str, list[Any]] = {}
        self.compiling = 0.0  # seconds spent compiling what was not kept
        self.recorder = _Recorder(_sre)

    def compile(self, pattern: Any, flags: int = 0) -> re.Pattern[Any]:
        if not isinstance(pattern, str) or flags & re.DEBUG:
            return self.original(pattern, flags)
        if self.kept is None:
            kept = read_kept(self.key)
            self.kept = kept if isinstance(kept, dict) else {}
        name = f"{int(flags)}:{pattern}"
        arguments = self.kept.get(name)
        if arguments is not None:
            try:
                final_flags, packed_code, groups, group_index, index_group = arguments
                code = array(CODE_TYPE, b64decode(packed_code)).tolist()
                compiled = _sre.compile(pattern, final_flags, code, groups, group_index, tuple(index_group))
            except (TypeError, ValueError, RuntimeError):  # RuntimeError: "invalid SRE code"
                pass
            else:
                self.used[name] = arguments
                return compiled
        self.recorder.arguments = ()
        started = time.perf_counter()
        compiled = self.original(pattern, flags)
        self.compiling += time.perf_counter() - started
        if len(self.recorder.arguments) != 6:  # not the call this was written against: not kept
            return compiled
        _, final_flags, code, groups, group_index, index_group = self.recorder.arguments
        packed_code = b64encode(array(CODE_TYPE, code).tobytes()).decode("ascii")
        self.used[name] = [final_flags, packed_code, groups, dict(group_index), list(index_group)]
        return compiled

    def save(self) -> None:
        if self.compiling < WORTH_KEEPING:
            return
        everything = {**(self.kept or {}), **self.used}
        write_kept(self.key, everything if len(everything) <= MAX_KEPT else self.used)


@contextmanager
def compiled_patterns_kept() -> Iterator[None]:
    """Within it, patterns this process compiles are read back from earlier runs; the new
    ones are kept when it ends (in this process: forked workers end without it)."""
    usable = (_compiler is not None and getattr(_compiler, "_sre", None) is _sre
              and array(CODE_TYPE).itemsize == _sre.CODESIZE)
    if not usable:  # not the compiler this was written against, or already inside
        yield
        return
    patterns = _KeptPatterns(_compiler.compile)
    _compiler._sre = patterns.recorder
    _compiler.compile = patterns.compile
    try:
        yield
    finally:
        _compiler.compile = patterns.original
        _compiler._sre = _sre
        patterns.save()
