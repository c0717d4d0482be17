"""Real Mermaid's verdict on diagrams, for differential tests.

Runs ``node parse.mjs`` (beside this file) once and streams diagrams through it::

    from real_mermaid import RealMermaid, available

    reason = available()
    if reason:
        pytest.skip(reason)
    with RealMermaid() as mermaid:
        v = mermaid.verdict("flowchart TD\\n A --> B")       # Verdict(ok=True, diagram_type='flowchart-v2', ...)
        vs = mermaid.verdicts([text1, text2, ...])          # one Verdict per text, same order

Verdicts are cached on disk (``.cache/verdicts.jsonl`` beside this file), keyed by the
sha256 of the mermaid version, the harness and the text, so a repeated run only starts
Node for texts it has not seen. Set ``MERMAID_JS_CACHE=0`` to bypass the cache.

Only the standard library is used, so this file can be imported by path as well.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["HERE", "RealMermaid", "RealMermaidError", "Verdict", "available", "mermaid_version"]

HERE = Path(__file__).resolve().parent
PARSE_MJS = HERE / "parse.mjs"
CACHE_PATH = HERE / ".cache" / "verdicts.jsonl"
MIN_NODE_MAJOR = 20
INSTALL_HINT = "run `npm ci --prefix tests/mermaid_js`"


@dataclass(frozen=True)
class Verdict:
    """What ``mermaid.parse`` said about one diagram text.

    ok: Mermaid accepted the text.
    diagram_type: the type Mermaid detected (e.g. ``flowchart-v2``, ``mindmap``), when ok.
    error: Mermaid's error message on one line, when not ok.
    line: 1-based line within the text that the error points at, if Mermaid says
        (mapped back through the front-matter, directives and comments Mermaid strips).
    """

    ok: bool
    diagram_type: str | None = None
    error: str | None = None
    line: int | None = None

    @classmethod
    def from_json(cls, obj: dict) -> Verdict:
        if obj.get("ok"):
            return cls(ok=True, diagram_type=obj.get("type"))
        line = obj.get("line")
        return cls(ok=False, error=obj.get("error") or "unknown error", line=line if isinstance(line, int) else None)

    def to_json(self) -> dict:
        if self.ok:
            return {"ok": True, "type": self.diagram_type}
        return {"ok": False, "error": self.error, "line": self.line}


class RealMermaidError(RuntimeError):
    """The Node harness could not be started."""


# --------------------------------------------------------------------------- availability


def _node() -> str | None:
    return shutil.which(os.environ.get("MERMAID_JS_NODE", "node"))


def mermaid_version() -> str | None:
    """The installed mermaid package's version, or None when not installed."""
    try:
        return json.loads((HERE / "node_modules" / "mermaid" / "package.json").read_text("utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


_available_cache: tuple[str | None] | None = None


def available() -> str | None:
    """None when real Mermaid can be used; otherwise why not (a pytest skip reason)."""
    global _available_cache
    if _available_cache is not None:
        return _available_cache[0]
    reason: str | None = None
    node = _node()
    if node is None:
        reason = f"real Mermaid unavailable: `node` not found on PATH (Node >= {MIN_NODE_MAJOR} needed)"
    else:
        try:
            out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
            major = int(out.lstrip("v").split(".")[0])
            if major < MIN_NODE_MAJOR:
                reason = f"real Mermaid unavailable: node {out} is too old (Node >= {MIN_NODE_MAJOR} needed)"
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            reason = f"real Mermaid unavailable: `node --version` failed: {exc}"
    if reason is None:
        missing = [p for p in ("mermaid", "jsdom") if not (HERE / "node_modules" / p / "package.json").is_file()]
        if missing:
            reason = f"real Mermaid unavailable: {', '.join(missing)} not installed in {HERE / 'node_modules'}; {INSTALL_HINT}"
    _available_cache = (reason,)
    return reason


# --------------------------------------------------------------------------- cache

_cache_lock = threading.Lock()
_cache: dict[str, Verdict] | None = None
_salt: str | None = None


def _cache_enabled() -> bool:
    return os.environ.get("MERMAID_JS_CACHE", "1") not in ("0", "false", "no", "")


def _key_salt() -> str:
    # The cache is invalidated by a new mermaid version or a changed harness.
    global _salt
    if _salt is None:
        try:
            harness = hashlib.sha256(PARSE_MJS.read_bytes()).hexdigest()[:16]
        except OSError:
            harness = "?"
        _salt = f"mermaid={mermaid_version()}\0harness={harness}\0"
    return _salt


def _key(text: str) -> str:
    return hashlib.sha256((_key_salt() + text).encode("utf-8", "surrogatepass")).hexdigest()


def _load_cache() -> dict[str, Verdict]:
    global _cache
    if _cache is None:
        _cache = {}
        try:
            with CACHE_PATH.open(encoding="utf-8") as fh:
                for raw in fh:
                    try:
                        obj = json.loads(raw)
                        _cache[obj["key"]] = Verdict.from_json(obj)
                    except (ValueError, KeyError, TypeError):
                        continue  # a torn or foreign line
        except OSError:
            pass
    return _cache


def _store(entries: dict[str, Verdict]) -> None:
    if not entries:
        return
    cache = _load_cache()
    cache.update(entries)
    data = "".join(json.dumps({"key": k, **v.to_json()}, ensure_ascii=False) + "\n" for k, v in entries.items())
    try:
        CACHE_PATH.parent.mkdir(parents=True, exist_ok=True)
        with CACHE_PATH.open("a", encoding="utf-8") as fh:  # one write per batch: safe enough for parallel workers
            fh.write(data)
    except OSError:
        pass  # a read-only checkout: the cache is an optimisation only


def clear_cache() -> None:
    """Forget every cached verdict (in memory and on disk)."""
    global _cache
    with _cache_lock:
        _cache = {}
        try:
            CACHE_PATH.unlink()
        except OSError:
            pass


# --------------------------------------------------------------------------- the harness


class RealMermaid:
    """A running ``node parse.mjs``, started lazily and at most once (restarted after a hang or crash).

    timeout: seconds to wait for one diagram's answer before the Node process is
        killed and restarted; the diagram then gets ``Verdict(ok=False, error="timeout ...")``.
    batch_size: how many diagrams are written ahead of the answers read.
    cache: use the on-disk cache (default: on unless ``MERMAID_JS_CACHE=0``).
    """

    def __init__(self, *, timeout: float = 60.0, batch_size: int = 64, cache: bool | None = None) -> None:
        self.timeout = timeout
        self.batch_size = max(1, batch_size)
        self.cache = _cache_enabled() if cache is None else cache
        self.version: str | None = mermaid_version()
        self.startup_seconds: float | None = None  # of the last start
        self.starts = 0
        self._proc: subprocess.Popen | None = None
        self._lines: queue.Queue[str | None] | None = None
        self._seq = 0

    # -- life cycle

    def __enter__(self) -> RealMermaid:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Start Node now (otherwise the first uncached diagram does)."""
        if self._proc is not None and self._proc.poll() is None:
            return
        reason = available()
        if reason:
            raise RealMermaidError(reason)
        t0 = time.perf_counter()
        env = dict(os.environ)
        env.setdefault("MERMAID_JS_TIMEOUT_MS", str(int(self.timeout * 1000 * 0.8)))
        self._proc = subprocess.Popen(
            [_node(), "--no-warnings", str(PARSE_MJS), "--hello"],
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,  # silent unless MERMAID_JS_DEBUG=1 or Node itself dies
            env=env,
            encoding="utf-8",
            errors="surrogateescape",
            bufsize=1,
        )
        self._lines = queue.Queue()
        threading.Thread(target=self._pump, args=(self._proc, self._lines), daemon=True).start()
        hello = self._next_line(max(self.timeout, 60.0))
        try:
            info = json.loads(hello) if hello is not None else None
        except ValueError:
            info = None
        if not info or not info.get("ready"):
            self.close()
            raise RealMermaidError(f"node parse.mjs did not start (first line: {hello!r}); {INSTALL_HINT}")
        self.version = info.get("mermaid") or self.version
        self.startup_seconds = time.perf_counter() - t0
        self.starts += 1

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()

    @staticmethod
    def _pump(proc: subprocess.Popen, lines: queue.Queue) -> None:
        try:
            for raw in proc.stdout:
                lines.put(raw)
        except (OSError, ValueError):
            pass
        lines.put(None)

    def _next_line(self, timeout: float) -> str | None:
        assert self._lines is not None
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()

    # -- verdicts

    def verdict(self, text: str) -> Verdict:
        return self.verdicts([text])[0]

    def verdicts(self, texts: Iterable[str]) -> list[Verdict]:
        """One Verdict per text, in order. Cached texts do not start Node."""
        texts = list(texts)
        results: list[Verdict | None] = [None] * len(texts)
        todo: dict[str, list[int]] = {}  # text -> positions (each distinct text is parsed once)
        with _cache_lock:
            cache = _load_cache() if self.cache else {}
            for i, text in enumerate(texts):
                if not isinstance(text, str):
                    raise TypeError(f"texts[{i}] is {type(text).__name__}, not str")
                hit = cache.get(_key(text)) if self.cache else None
                if hit is not None:
                    results[i] = hit
                else:
                    todo.setdefault(text, []).append(i)
        pending = list(todo)
        for start in range(0, len(pending), self.batch_size):
            batch = pending[start : start + self.batch_size]
            answers = self._run_batch(batch)
            fresh = {}
            for text, v in zip(batch, answers):
                for i in todo[text]:
                    results[i] = v
                if self.cache and not (v.error or "").startswith(("timeout", "harness:")):
                    fresh[_key(text)] = v
            if fresh:
                with _cache_lock:
                    _store(fresh)
        return results  # type: ignore[return-value]

    def _run_batch(self, texts: list[str]) -> list[Verdict]:
        """Answers for texts; restarts Node after a hang or a crash and goes on with the rest."""
        answers: list[Verdict | None] = [None] * len(texts)
        remaining = list(range(len(texts)))
        while remaining:
            self.start()
            assert self._proc is not None and self._proc.stdin is not None
            ids = {}
            try:
                for i in remaining:
                    self._seq += 1
                    ids[self._seq] = i
                    self._proc.stdin.write(json.dumps({"id": self._seq, "text": texts[i]}) + "\n")
                self._proc.stdin.flush()
            except (BrokenPipeError, OSError):
                pass  # Node died; the reads below find out
            while ids:
                first = min(ids)  # Node answers in order: the oldest unanswered one is in flight
                try:
                    raw = self._next_line(self.timeout)
                except TimeoutError:
                    answers[ids.pop(first)] = Verdict(ok=False, error=f"timeout: no answer from mermaid.parse in {self.timeout:g} s")
                    self._kill()
                    break
                if raw is None:
                    code = self._proc.wait() if self._proc else None
                    answers[ids.pop(first)] = Verdict(ok=False, error=f"harness: node parse.mjs exited ({code}) on this diagram")
                    self._proc = None
                    break
                try:
                    obj = json.loads(raw)
                    i = ids.pop(obj["id"])
                except (ValueError, KeyError, TypeError):
                    continue  # not an answer of ours
                answers[i] = Verdict.from_json(obj)
            remaining = [i for i in range(len(texts)) if answers[i] is None]
        return answers  # type: ignore[return-value]


if __name__ == "__main__":  # quick check: python tests/mermaid_js/real_mermaid.py < diagram.mmd
    import sys

    reason = available()
    if reason:
        sys.exit(reason)
    with RealMermaid(cache=False) as rm:
        print(json.dumps(asdict(rm.verdict(sys.stdin.read()))))
