"""Find the files to check and read them safely: bytes in, text out, or one clear error."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Container, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ignore import PathFilter

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdx"})
MERMAID_SUFFIXES = frozenset({".mmd", ".mermaid"})
SUFFIXES = MARKDOWN_SUFFIXES | MERMAID_SUFFIXES
MAX_BYTES = 16 * 1024 * 1024
BOM = "\ufeff"
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__", ".mermaid-lint-cache"})


class InputError(Exception):
    """A path that cannot be checked; the message is one line, without the path."""


@dataclass(frozen=True)
class SourceText:
    text: str  # decoded, without the BOM
    bom: bool
    newline: str  # the prevailing line terminator, kept by the fixer


def expand_paths(paths: list[str], path_filter: "PathFilter | None" = None) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files under the given paths and globs (de-duplicated, in order) and (path, error) for
    the ones that match nothing. Folders are searched for Markdown and Mermaid files, skipping
    what `path_filter` excludes; files named explicitly are checked whatever their suffix."""
    found: dict[Path, None] = {}
    missing: list[tuple[str, str]] = []
    for raw in paths:
        matches = [Path(raw)] if Path(raw).exists() or not glob.has_magic(raw) else [
            Path(p) for p in sorted(glob.glob(raw, recursive=True))]
        if not matches:
            missing.append((raw, "no file matches this pattern"))
        for path in matches:
            if path.is_dir():
                if path_filter is None or not path_filter.skips(path, True, explicit=True):
                    found.update(dict.fromkeys(_search(path, path_filter)))
            elif path.exists():
                if path_filter is None or not path_filter.skips(path, False, explicit=True):
                    found[path] = None
            else:
                missing.append((raw, "no such file or directory"))
    return list(found), missing


def _search(folder: Path, path_filter: "PathFilter | None"):
    # Strings, not Paths, until a file is found: a vault has thousands of files.
    def searched(path: str, is_dir: bool) -> bool:
        if path_filter is None:
            return os.path.basename(path) not in SKIPPED_DIRS if is_dir else True
        return not path_filter.skips(path, is_dir)

    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if searched(os.path.join(root, d), True))
        for name in sorted(names):
            path = os.path.join(root, name)
            if _suffix(name).lower() in SUFFIXES and searched(path, False):
                yield Path(path)


def _suffix(name: str) -> str:
    """Path(name).suffix"""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def is_mermaid_file(path: Path) -> bool:
    return path.suffix.lower() in MERMAID_SUFFIXES


def decode(data: bytes) -> SourceText:
    if b"\0" in data[:8192]:
        raise InputError("binary file (contains NUL bytes); skipped")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(f"line {line}: not valid UTF-8 (byte offset {error.start}); skipped") from None
    return source_from_text(text)


def source_from_text(text: str) -> SourceText:
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    crlf = text.count("\r\n")
    newline = "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"
    return SourceText(text, bom, newline)


def read_source(path: Path) -> SourceText:
    try:
        return decode(_read_bytes(path))
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as error:
        raise InputError(error.strerror or str(error)) from None


def _read_bytes(path: Path) -> bytes:
    """The file's bytes (at most MAX_BYTES); one open and no file object: a run reads
    thousands of files, and Path.stat + read_bytes took twice as long."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        data = b""
        while size <= MAX_BYTES and (part := os.read(fd, max(size + 1 - len(data), 1 << 16))):
            data += part
            size = max(size, len(data))
    finally:
        os.close(fd)
    if size > MAX_BYTES:
        raise InputError(f"file too large ({size // (1024 * 1024)} MiB, limit {MAX_BYTES // (1024 * 1024)} MiB); skipped")
    return data


class CheckedTexts(MutableMapping[str, str]):
    """Path -> the text a check read there, for the reporters. A check changes no file, so
    past the first `keep_as_is` texts it keeps only each text's length and hash, and reads
    the file again when the text is asked for: that is several times faster than packing
    every text, and takes no room. A file changed since it was checked has no text here."""

    def __init__(self, keep_as_is: int, not_files: Container[str] = ()) -> None:
        self._keep_as_is = keep_as_is
        self._not_files = not_files  # names of texts read from elsewhere (standard input)
        self._entries: dict[str, str | tuple[int, int]] = {}  # the text, or its (length, hash)
        self.changed = False  # a file changed (or went) since it was checked: a text is missing

    def __setitem__(self, path: str, text: str) -> None:
        if len(self._entries) < self._keep_as_is or path in self._not_files:
            self._entries[path] = text
        else:
            self._entries[path] = (len(text), hash(text))

    def __getitem__(self, path: str) -> str:
        entry = self._entries[path]
        if isinstance(entry, str):
            return entry
        try:
            text = read_source(Path(path)).text
        except InputError:
            text = None
        if text is None or (len(text), hash(text)) != entry:
            self.changed = True
            raise KeyError(path)
        return text

    def __delitem__(self, path: str) -> None:
        del self._entries[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def encode(source: SourceText, text: str) -> bytes:
    return ((BOM if source.bom else "") + text).encode("utf-8")


def write_atomically(path: Path, data: bytes) -> None:
    """Replace the file's content in one step, keeping its mode; refuse read-only files."""
    mode = path.stat().st_mode
    # Mode bits too: root may write anything, but a read-only file says "leave me alone".
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise InputError("read-only file; not fixed")
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, mode & 0o7777)
        os.replace(temp, path)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise InputError(f"cannot write: {error.strerror or error}") from None
