"""What checking a note found, kept between runs (like ruff's cache).

A stored result is used only for the same path, the same text and the same fingerprint: the
tool's version and source (rules, grammars, Mermaid's data), the parsers' versions, the
Python version and every setting. Editing a note, a rule or a setting therefore never brings
back a stale result. The store is one SQLite file in the cache folder (one lookup per note,
one transaction per few hundred new results); whatever cannot be read there is a miss, never
an error.

Results are pickled. The cache folder sits in the user's project where anyone could put a
crafted file, so unpickling builds only mermaid-lint's own model classes, nothing else. A
result's findings are stored apart, compressed, and its run-level facts pickled rule by
rule; a run keeps them so (`packed.Pickled`, `packed.PickledValue`) until it reads them (the
facts once each, the findings when it reports them): reading a row unpickles only its line
index and suppressions. One more row per fingerprint keeps the last run's run-level findings,
used only by a run of the same notes with the same texts, and a second table the output of
the last few reports, written again as they were by a run of the same notes, settings and
output options (as Nx and Turborepo replay a task's output).
"""

from __future__ import annotations

import array
import codecs
import io
import json
import pickle
import sqlite3
import sys
import time
import zlib
from dataclasses import asdict, replace
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Iterator

from . import __version__
from .files import SourceText
from .grammars import grammar_dir
from .hashing import blake2b
from .packed import Pickled, PickledValue

DATABASE = "results.sqlite3"
SCHEMA_VERSION = 4
# Rows not used for this many days (results of older versions or settings) are deleted.
KEEP_DAYS = 30
# At the end of each run (both find their rows by an index).
MARK_USED = "UPDATE results SET used = ? WHERE fingerprint = ? AND used < ?"
DELETE_UNUSED = "DELETE FROM results WHERE used < ?"
LOCK_TIMEOUT = 5.0  # seconds to wait while another run writes the database
ROWS_PER_WRITE = 256  # new results written in one transaction
# Reports kept for replay: the last few runs' (of other folders, formats or settings too).
REPORTS_KEPT = 4
# A report is kept compressed up to this size (some 100,000 findings as text), so that
# recording it takes little memory; a longer one is only written.
MAX_REPORT_BYTES = 8 * 1024 * 1024
RECORDED_CHUNK = 64 * 1024  # characters of a report compressed at once
# Parsers whose behaviour is part of a result; an upgrade must invalidate.
DEPENDENCIES = ("lark", "markdown_it", "yaml")
SOURCE_SUFFIXES = frozenset({".py", ".lark", ".yaml", ".json"})
# Modules whose classes a result may contain (rule modules hold the run-level facts' classes).
RESULT_MODULES = ("mermaid_lint.model", "mermaid_lint.engine", "mermaid_lint.suppressions", "mermaid_lint.rules.",
                  "mermaid_lint.bodies.")
# Compact arrays of numbers (line starts, digests) unpickle through these.
SAFE_GLOBALS = {("array", "array"): array.array, ("array", "_array_reconstructor"): array._array_reconstructor}


def text_digest(source: SourceText) -> str:
    """What a note's result depends on besides its path: its text, BOM and line terminator."""
    digest = blake2b(digest_size=16)
    digest.update(f"{int(source.bom)}{source.newline}\0".encode())
    digest.update(source.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _tool_files() -> list[Path]:
    package = Path(__file__).resolve().parent
    files = [p for p in package.rglob("*") if p.suffix in SOURCE_SUFFIXES]
    grammars = grammar_dir().resolve()
    if package not in grammars.parents:  # a source checkout keeps the grammars outside the package
        files += grammars.glob("*.lark")
    return sorted(files)


def fingerprint(settings: Any) -> str:
    """One string that changes whenever a result computed with `settings` could change."""
    digest = blake2b(digest_size=16)
    digest.update(f"{__version__}\0{sys.version_info[:2]}\0".encode())
    for path in _tool_files():
        digest.update(f"{path.name}\0".encode())
        digest.update(path.read_bytes())
    for name in DEPENDENCIES:
        # The installed module's file size and time stand in for its version (no import needed).
        spec = find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        stat = origin.stat() if origin and origin.exists() else None
        digest.update(f"{name}\0{origin}\0{stat and (stat.st_size, stat.st_mtime_ns)}\0".encode())
    digest.update(json.dumps(asdict(settings), sort_keys=True, default=repr).encode())
    return digest.hexdigest()


class _ResultUnpickler(pickle.Unpickler):
    allowed: dict[tuple[str, str], Any] = dict(SAFE_GLOBALS)  # grows with the classes seen

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.allowed:
            return self.allowed[module, name]
        # Only classes defined in modules already loaded: importing one could run code.
        loaded = sys.modules.get(module)
        value = getattr(loaded, name, None)
        if (module.startswith(RESULT_MODULES) or module in RESULT_MODULES) and isinstance(value, type) \
                and value.__module__ == module:
            self.allowed[module, name] = value
            return value
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a result")


def _loads(blob: bytes) -> Any:
    return _ResultUnpickler(io.BytesIO(blob)).load()


CHECK_SIZE = 8
# The row that keeps the last run's run-level findings, under a path no note has.
RUN_ROW = ""


def _check(findings: bytes, facts: dict[str, bytes]) -> bytes:
    """A digest of the parts of a row unpickled only when they are read (the findings, the
    run-level facts), stored before the findings: a damaged row is found, and missed, when
    it is read, not when the report needs it."""
    digest = blake2b(findings, digest_size=CHECK_SIZE)
    for blob in facts.values():
        digest.update(blob)
    return digest.digest()


class ResultCache:
    """Results by (path, text digest), read from the cache folder, and new ones written there
    as they come (a few hundred to a transaction: a run never holds them all). Without a
    folder it keeps nothing."""

    def __init__(self, directory: Path | None, settings: Any) -> None:
        self.directory = directory
        self._fingerprint = fingerprint(settings) if directory is not None else ""
        # path -> (digest, pickled result with its facts pickled and without its findings,
        # check + compressed findings, how many)
        self._unsaved: dict[str, tuple[str, bytes, bytes, int]] = {}
        self._db: sqlite3.Connection | None = None
        self._db_failed = directory is None
        self._unwritable = False  # a write failed: the rest of the run only reads

    def get(self, path: str, digest: str) -> Any | None:
        """The note's result, if stored: a NoteResult whose findings are `Pickled` and whose
        facts are `PickledValue`s."""
        if self._db_failed:
            return None
        row = self._query("SELECT digest, result, findings, finding_count FROM results "
                          "WHERE fingerprint = ? AND path = ?", (self._fingerprint, path))
        if row is None or row[0] != digest:
            return None
        try:
            result = _loads(row[1])
            check, findings = row[2][:CHECK_SIZE], row[2][CHECK_SIZE:]
            if check != _check(findings, result.facts):
                return None  # damaged: what is unpickled later would fail then
            result.findings = Pickled(findings, row[3], _loads)
            result.facts = {code: PickledValue(facts, _loads) for code, facts in result.facts.items()}
        except Exception:  # a damaged or foreign row: compute it again
            return None
        return result

    def put(self, path: str, digest: str, result: Any) -> None:
        if not (self._db_failed or self._unwritable):
            findings = zlib.compress(pickle.dumps(result.findings, pickle.HIGHEST_PROTOCOL), 1)
            facts = {code: pickle.dumps(value, pickle.HIGHEST_PROTOCOL) for code, value in result.facts.items()}
            rest = pickle.dumps(replace(result, findings=[], facts=facts), pickle.HIGHEST_PROTOCOL)
            self._unsaved[path] = (digest, rest, _check(findings, facts) + findings, len(result.findings))
            if len(self._unsaved) >= ROWS_PER_WRITE:
                self._write()

    def get_run(self, notes: str) -> dict[str, list[Any]] | None:
        """The run-level findings by path stored for these notes (a digest of their paths and
        texts, in order), if they are the last stored."""
        if self._db_failed:
            return None
        row = self._query("SELECT digest, findings FROM results WHERE fingerprint = ? AND path = ?",
                          (self._fingerprint, RUN_ROW))
        if row is None or row[0] != notes:
            return None
        try:
            check, found = row[1][:CHECK_SIZE], row[1][CHECK_SIZE:]
            return _loads(zlib.decompress(found)) if check == _check(found, {}) else None
        except Exception:  # a damaged or foreign row: compute it again
            return None

    def put_run(self, notes: str, found: dict[str, list[Any]]) -> None:
        """Keep a run's run-level findings for the next run of the same notes (one per
        fingerprint: the last run's)."""
        if not (self._db_failed or self._unwritable):
            blob = zlib.compress(pickle.dumps(found, pickle.HIGHEST_PROTOCOL), 1)
            self._unsaved[RUN_ROW] = (notes, b"", _check(blob, {}) + blob, sum(map(len, found.values())))

    def get_report(self, key: str) -> tuple[int, Iterator[str]] | None:
        """The flags and output stored by put_report under `key` (which must hold the notes'
        digest and every output option), if it is among the last few stored; the output
        comes a piece at a time (it may be ten times its stored size)."""
        if self._db_failed:
            return None
        row = self._query("SELECT flags, output FROM reports WHERE key = ?", (self._fingerprint + key,))
        if row is None or not (isinstance(row[0], int) and isinstance(row[1], bytes)) \
                or row[1][:CHECK_SIZE] != _check(row[1][CHECK_SIZE:], {}):
            return None  # none, or a damaged or foreign row: report again
        return row[0], _decompressed(memoryview(row[1])[CHECK_SIZE:])

    def put_report(self, key: str, flags: int, output: OutputRecording) -> None:
        """Keep a report's output (and flags its exit code depends on) for get_report."""
        blob = output.compressed()
        if blob is None or self._db_failed or self._unwritable or self._connection() is None:
            return
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO reports VALUES (?, ?, ?)",
                                 (self._fingerprint + key, flags, _check(blob, {}) + blob))
                # INSERT OR REPLACE gives the row a new rowid: the highest are the latest.
                self._db.execute("DELETE FROM reports WHERE rowid NOT IN "
                                 "(SELECT rowid FROM reports ORDER BY rowid DESC LIMIT ?)", (REPORTS_KEPT,))
        except sqlite3.Error:  # locked for too long, read-only, disk full: the report is only not kept
            self._unwritable = True

    def save(self) -> None:
        """Store the results not stored yet, and forget long-unused ones."""
        self._write(finish=True)

    def _write(self, finish: bool = False) -> None:
        """The unsaved results in one transaction; to finish a run, also mark the rows of
        these settings as used today and delete the long-unused ones."""
        today = int(time.time() // 86400)
        rows = [(self._fingerprint, path, *row, today) for path, row in self._unsaved.items()]
        self._unsaved.clear()
        if self._db_failed or self._unwritable or self._connection() is None:
            return
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                if finish:
                    self._db.execute(MARK_USED, (today, self._fingerprint, today))
                    self._db.execute(DELETE_UNUSED, (today - KEEP_DAYS,))
        except sqlite3.Error:  # locked for too long, read-only, disk full: results are only not kept
            self._unwritable = True

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _query(self, sql: str, parameters: tuple) -> tuple | None:
        for attempt in range(2):
            connection = self._connection()
            if connection is None:
                return None
            try:
                return connection.execute(sql, parameters).fetchone()
            except sqlite3.Error as error:
                self.close()
                if attempt == 0 and _is_damage(error):
                    self._remove_database()
                else:
                    self._db_failed = True
        return None

    def _connection(self) -> sqlite3.Connection | None:
        if self._db is None and not self._db_failed:
            self._db = self._open()
            self._db_failed = self._db is None
        return self._db

    def _open(self) -> sqlite3.Connection | None:
        assert self.directory is not None
        for attempt in range(2):
            try:
                _make_cache_dir(self.directory)
                connection = sqlite3.connect(self.directory / DATABASE, timeout=LOCK_TIMEOUT)
                # No fsync per run: a cache lost or damaged by a crash is only rebuilt.
                connection.execute("PRAGMA synchronous = OFF")
                if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    with connection:
                        connection.execute("DROP TABLE IF EXISTS results")
                        connection.execute("DROP TABLE IF EXISTS reports")
                        connection.execute(
                            "CREATE TABLE results (fingerprint TEXT NOT NULL, path TEXT NOT NULL, "
                            "digest TEXT NOT NULL, result BLOB NOT NULL, findings BLOB NOT NULL, "
                            "finding_count INTEGER NOT NULL, used INTEGER NOT NULL, "
                            "PRIMARY KEY (fingerprint, path))")
                        # MARK_USED and DELETE_UNUSED must not read every row (tens of MB).
                        connection.execute("CREATE INDEX results_by_settings_and_use ON results (fingerprint, used)")
                        connection.execute("CREATE INDEX results_by_use ON results (used)")
                        connection.execute("CREATE TABLE reports (key TEXT PRIMARY KEY, flags INTEGER NOT NULL, "
                                           "output BLOB NOT NULL)")
                        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                return connection
            except sqlite3.Error as error:
                if attempt == 0 and _is_damage(error):
                    self._remove_database()
                    continue
                return None
            except OSError:  # the folder cannot be created or written
                return None
        return None

    def _remove_database(self) -> None:
        assert self.directory is not None
        try:
            (self.directory / DATABASE).unlink(missing_ok=True)
        except OSError:
            self._db_failed = True


def _decompressed(blob: memoryview) -> Iterator[str]:
    decompressor = zlib.decompressobj()
    decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
    while blob:
        yield decoder.decode(decompressor.decompress(blob, RECORDED_CHUNK))
        blob = memoryview(decompressor.unconsumed_tail)
    yield decoder.decode(decompressor.flush(), final=True)


class OutputRecording:
    """A text stream that passes what a reporter writes on to `out` and keeps it compressed
    as it goes (a report as text is ten times its compressed size), for put_report."""

    def __init__(self, out: Any) -> None:
        self._out = out
        self._compressor = zlib.compressobj(1)
        self._pending: list[str] = []  # written since the last compression
        self._pending_size = 0
        self._parts: list[bytes] | None = []  # None: too long to keep
        self._size = 0

    def write(self, text: str) -> int:
        if self._parts is not None:
            self._pending.append(text)
            self._pending_size += len(text)
            if self._pending_size >= RECORDED_CHUNK:
                self._compress()
        return self._out.write(text)

    def isatty(self) -> bool:
        return self._out.isatty()

    def compressed(self) -> bytes | None:
        """All that was written, compressed; None if that grew past MAX_REPORT_BYTES."""
        self._compress()
        if self._parts is None:
            return None
        blob = b"".join([*self._parts, self._compressor.flush()])
        return blob if len(blob) <= MAX_REPORT_BYTES else None

    def _compress(self) -> None:
        if self._parts is not None and self._pending:
            part = self._compressor.compress("".join(self._pending).encode("utf-8", "surrogatepass"))
            self._pending, self._pending_size = [], 0
            self._parts.append(part)
            self._size += len(part)
            if self._size > MAX_REPORT_BYTES:
                self._parts = None


def _is_damage(error: sqlite3.Error) -> bool:
    """Not a database, or a damaged one (a lock or a read-only file is not damage)."""
    return isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError)


def _make_cache_dir(directory: Path) -> None:
    """The folder, marked as a cache for backup tools and ignored by git, like ruff's."""
    if directory.is_dir():
        return
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ".gitignore").write_text("# Created by mermaid-lint\n*\n", encoding="utf-8")
    (directory / "CACHEDIR.TAG").write_text(
        "Signature: 8a477f597d28d172789f06886806bc55\n# mermaid-lint's results cache\n", encoding="utf-8")
